import Foundation

/// Signal plumbing for tests that start daemons other than `gatehouse serve`.
enum Signals {
    /// Runs `body` with no signal blocked on this thread, so the children it starts can be
    /// stopped with SIGTERM.
    ///
    /// Swift Testing runs tests on threads that block nearly every signal, and a spawned
    /// child inherits that mask: fcgiwrap and Apache would then never see SIGTERM. (Gatehouse
    /// takes its signals with `sigwait`, and nginx resets its mask, so they are unaffected.)
    static func unblocked<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        sigemptyset(&empty)
        var saved = sigset_t()
        pthread_sigmask(SIG_SETMASK, &empty, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        return try body()
    }

    /// Whether `pid` has ended: gone, or a zombie nobody reaps (a daemon's parent here is a
    /// PID 1 that may not reap, so `kill(pid, 0)` alone would wait forever).
    static func hasEnded(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
