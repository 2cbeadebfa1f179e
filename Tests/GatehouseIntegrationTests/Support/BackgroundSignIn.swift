import Foundation
import Glibc
import Synchronization
import Testing

/// A sign-in POSTed from another thread, with the form's CSRF token and cookie, and a way
/// to tell when the worker has started on its password hash.
final class BackgroundSignIn: Sendable {
    private let outcome = Mutex<(status: Int?, ended: Date)?>(nil)
    /// The worker processes of the stack when the form was fetched.
    private let workers: [Int32]
    /// Their CPU time then, in clock ticks: a worker that answered the form is done
    /// starting, and sits idle until the POST.
    private let idleTicks: Int

    /// Fetches the sign-in form, then POSTs it from a new thread.
    init(_ stack: Stack, _ username: String, _ password: String) throws {
        let form = try stack.client.send("GET", "/auth")
        let cookie = try #require(form.cookie("session"))
        let csrf = try #require(hiddenValue("csrf_token", in: form.text))
        workers = SupervisionTests.children(of: stack.responderPID)
        idleTicks = workers.map(Self.cpuTicks(of:)).reduce(0, +)
        let client = stack.client
        Foundation.Thread { [self] in
            let answer = try? client.post("/auth", form: [("csrf_token", csrf), ("username", username), ("password", password)],
                                          headers: ["Cookie": "session=\(cookie)"])
            outcome.withLock { $0 = (answer?.status, Date()) }
        }.start()
    }

    /// Waits until the workers have spent 50 ms of CPU since the form: the PBKDF2 hash,
    /// the only work of that size a sign-in does, is under way. The hash runs in idle
    /// time (SCHED_IDLE), so on a busy machine this may take a while.
    /// - Throws: when that does not happen within `seconds`.
    func waitUntilHashing(seconds: Double = 30) throws {
        let needed = idleTicks + max(1, sysconf(Int32(_SC_CLK_TCK)) / 20)
        try Stack.waitFor(seconds: seconds) { workers.map(Self.cpuTicks(of:)).reduce(0, +) >= needed }
    }

    /// Whether the answer has come.
    var isAnswered: Bool { outcome.withLock { $0 != nil } }

    /// Waits for the answer (at most `seconds`): its status (nil when the request failed or
    /// no answer came) and when it came.
    func wait(seconds: Double = 60) -> (status: Int?, ended: Date) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let outcome = outcome.withLock({ $0 }) { return outcome }
            usleep(10_000)
        }
        return (nil, Date())
    }

    /// User plus system CPU time process `pid` has used, in clock ticks (0 once it is gone).
    static func cpuTicks(of pid: Int32) -> Int {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // After the command: state, ppid, …; utime and stime are the 12th and 13th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return 0 }
        return user + system
    }
}
