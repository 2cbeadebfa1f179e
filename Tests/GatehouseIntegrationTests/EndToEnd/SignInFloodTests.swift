import Foundation
@testable import Gatehouse
import Synchronization
import Testing

/// Many concurrent correct sign-ins, through real nginx, against a responder whose
/// hashing pool they overfill.
@Suite("End to end: sign-in flood", .serialized)
struct SignInFloodTests {
    /// PBKDF2 rounds for the flood's user: about half a second a hash here, so that the
    /// flood's hashes, were they all let in, would take many seconds to get through.
    static let iterations = 5_000_000
    static let password = "flood password 1"
    /// How long the gate and a page may take to answer during the flood: far more than
    /// they need, far less than the flood's hashes take one after another.
    static let deadline = 5.0

    @Test("A flood of correct sign-ins: the excess gets 503 with Retry-After at once, the gate and pages keep answering, nothing is left broken")
    func flood() throws {
        // Many times what the process may hash or queue at once (2 per core), whatever the cores.
        let count = 24 * HashingPool.defaultThreadCount
        // Sign-ins still being judged count toward the lockout limits (however many arrive
        // at once, no more than a limit are judged), so one user from one address would meet
        // LOGIN_FAILURE_LIMIT (429) long before the pool: the limits here admit the whole
        // flood, and it is the hashing pool that refuses.
        let stack = try Stack(settings: [
            "WORKER_PROCESSES": "1", "WORKERS": "2", "PBKDF2_ITERATIONS": String(Self.iterations),
            "LOGIN_FAILURE_LIMIT": String(2 * count), "LOGIN_IP_LIMIT": String(2 * count),
        ])
        let hasher = PasswordHasher(iterations: Self.iterations)
        try UserStore(database: stack.database.connect()).add(
            username: "flood", firstName: "Flo", lastName: nil, scopes: [], password: hasher.hash(Self.password))
        let session = try SignIn.through(stack.client, "flood", Self.password).session
        let signedIn = ["Cookie": "session=\(session)"]

        let flood = try Flood(stack, count: count)
        try Stack.waitFor { flood.sent == count }

        let check = Self.timed { try stack.client.send("GET", "/auth/check", headers: signedIn) }
        #expect(check.answer?.status == 204, "/auth/check during the flood: \(check.answer?.status ?? 0) after \(check.seconds) s")
        #expect(check.seconds < Self.deadline, "/auth/check took \(check.seconds) s during the flood")
        let page = Self.timed { try stack.client.send("GET", "/", headers: signedIn) }
        #expect(page.answer?.status == 200 && page.answer?.text.contains("Flo") == true,
                "GET / during the flood: \(page.answer?.status ?? 0) after \(page.seconds) s")
        #expect(page.seconds < Self.deadline, "GET / took \(page.seconds) s during the flood")
        let pagesEnded = Date()

        let answers = flood.wait()
        #expect(pagesEnded < answers.compactMap(\.ended).max() ?? .distantPast, "the flood was over before the pages were asked for")
        let refused = answers.filter { $0.status == 503 }
        let admitted = answers.filter { $0.status == 303 }
        #expect(!refused.isEmpty, "no sign-in was refused")
        #expect(!admitted.isEmpty, "no sign-in got through")
        #expect(refused.allSatisfy { ($0.retryAfter.flatMap { Int($0) } ?? 0) > 0 }, "a 503 without Retry-After seconds")
        #expect(refused.allSatisfy { $0.newSession == nil }, "a refused sign-in set a session cookie")
        #expect(admitted.count + refused.count == count, "other answers: \(answers.map { $0.status ?? 0 })")

        // Afterwards: the refusals created no session and counted as no failure (their
        // places were given back), and everything answers as before.
        let database = stack.database.connect()
        #expect(try database.query("SELECT count(*) FROM session").scalar() == String(admitted.count + 1))
        #expect(try database.query("SELECT count(*) FROM login_failure").scalar() == "0")
        let again = try SignIn.through(stack.client, "flood", Self.password).session
        #expect(try stack.client.send("GET", "/auth/check", headers: ["Cookie": "session=\(again)"]).status == 204)
        #expect(try stack.client.send("GET", "/", headers: signedIn).status == 200)
        #expect(stack.stop() == 0)
    }

    /// `request`'s answer (nil when it failed, as when none came within the client's
    /// timeout) and the seconds it took.
    static func timed(_ request: () throws -> HTTPClient.Answer) -> (answer: HTTPClient.Answer?, seconds: Double) {
        let started = Date()
        let answer = try? request()
        return (answer, Date().timeIntervalSince(started))
    }

    /// `count` correct sign-ins of user `flood` POSTed at once, each from a thread of its
    /// own, all with one anonymous cookie and its CSRF token.
    final class Flood: Sendable {
        /// One sign-in's answer: its status (nil when the request failed), Retry-After, the
        /// session cookie it set when that is a new one, and when it came.
        struct Answer: Sendable {
            var status: Int?
            var retryAfter: String?
            var newSession: String?
            var ended: Date?
        }

        private let sentCount = Atomic(0)
        private let answers: Mutex<[Answer]> = Mutex([])
        private let count: Int

        /// Fetches the sign-in form, then starts the POSTs.
        init(_ stack: Stack, count: Int) throws {
            self.count = count
            let form = try stack.client.send("GET", "/auth")
            let cookie = try #require(form.cookie("session"))
            let csrf = try #require(hiddenValue("csrf_token", in: form.text))
            let client = stack.client
            let fields = [("csrf_token", csrf), ("username", "flood"), ("password", SignInFloodTests.password)]
            for _ in 0..<count {
                Foundation.Thread { [self] in
                    var answer = Answer()
                    if let reply = try? client.post("/auth", form: fields, headers: ["Cookie": "session=\(cookie)"],
                                                    sent: { self.sentCount.add(1, ordering: .relaxed) }) {
                        answer.status = reply.status
                        answer.retryAfter = reply.header("Retry-After")
                        answer.newSession = reply.cookie("session").flatMap { $0 == cookie ? nil : $0 }
                    }
                    answer.ended = Date()
                    answers.withLock { $0.append(answer) }
                }.start()
            }
        }

        /// How many requests are written so far.
        var sent: Int { sentCount.load(ordering: .relaxed) }

        /// Waits for every answer.
        func wait() -> [Answer] {
            while true {
                let all = answers.withLock { $0 }
                if all.count == count { return all }
                usleep(10_000)
            }
        }
    }
}
