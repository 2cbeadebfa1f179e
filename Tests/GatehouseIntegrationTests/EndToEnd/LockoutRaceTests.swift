import Foundation
@testable import Gatehouse
import Synchronization
import Testing

/// The lockout under concurrency, through real nginx and `gatehouse serve` with two worker
/// processes: an attacker who sends many guesses at once gets no more judged than the limit.
@Suite("End to end: lockout under concurrency", .serialized)
struct LockoutRaceTests {
    /// How many guesses are sent at once.
    static let guesses = 64

    /// Sends `count` POSTs at once (one thread each, released together) and returns their statuses.
    static func burst(_ count: Int, _ send: @escaping @Sendable () throws -> Int) -> [Int] {
        let statuses = Mutex<[Int]>([])
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for _ in 0..<count {
            done.enter()
            Thread {
                start.wait()
                let status = (try? send()) ?? -1
                statuses.withLock { $0.append(status) }
                done.leave()
            }.start()
        }
        usleep(100_000)  // every thread is parked on the semaphore
        for _ in 0..<count { start.signal() }
        done.wait()
        return statuses.withLock { $0 }
    }

    @Test("64 concurrent wrong passwords for one user from one address: at most LOGIN_FAILURE_LIMIT are judged (401), the rest 429")
    func parallelGuesses() throws {
        // A realistic hash cost keeps each judged guess in flight long enough for the others
        // to arrive while it is.
        let iterations = 100_000
        let stack = try Stack(settings: ["PBKDF2_ITERATIONS": String(iterations), "WORKER_PROCESSES": "2", "WORKERS": "8",
                                         "LOGIN_FAILURE_LIMIT": "5"])
        try UserStore(database: stack.database.connect()).add(
            username: "admin", firstName: nil, lastName: nil, scopes: ["admin"],
            password: PasswordHasher(iterations: iterations).hash("the right password 1"))
        let client = stack.client
        let form = try client.send("GET", "/auth")
        let cookie = try #require(form.cookie("session"))
        let csrf = try #require(hiddenValue("csrf_token", in: form.text))

        let statuses = Self.burst(Self.guesses) {
            try client.post("/auth", form: [("csrf_token", csrf), ("username", "admin"), ("password", "a wrong guess 123")],
                            headers: ["Cookie": "session=\(cookie)"]).status
        }
        let judged = statuses.filter { $0 == 401 }.count
        let refused = statuses.filter { $0 == 429 }.count
        // A guess that got a place but found its process's hashing pool full (all the places
        // taken in one process) is answered 503 and gives its place back: neither judged nor
        // counted. Every other guess beyond the limit is refused with 429.
        let unhashed = statuses.filter { $0 == 503 }.count
        print("judged guesses out of \(Self.guesses): \(judged) (429: \(refused), 503: \(unhashed))")
        #expect(statuses.count == Self.guesses)
        #expect(judged <= 5, "judged \(judged) of \(Self.guesses)")
        #expect(judged >= 1)
        #expect(judged + refused + unhashed == Self.guesses, "statuses: \(statuses.sorted())")
        let failures = try stack.database.connect().query("SELECT count(*) FROM login_failure").scalar()
        #expect(failures == String(judged))
    }
}
