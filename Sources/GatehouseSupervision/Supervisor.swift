#if hasFeature(Embedded)
import CSupervisorLibc
#else
import Glibc
#endif

/// `gatehouse serve`'s parent process: keeps WORKER_PROCESSES workers running, each a
/// re-execution of `gatehouse serve` with the listening socket on fd 0 (as spawn-fcgi
/// hands it over) and `GATEHOUSE_WORKER=1`; it also hands them the `/metrics` counters
/// they share (`GATEHOUSE_WORKER_METRICS`, an inherited descriptor) and its pid
/// (`GATEHOUSE_WORKER_SUPERVISOR`).
///
/// A worker that dies is replaced at once; SIGTERM/SIGINT stop the workers (each drains
/// its requests) and return; SIGHUP replaces workers one by one, so templates and
/// configuration are re-read with no request refused: connections wait in the shared
/// socket's backlog while a worker changes. A replacement must report ready (a byte on
/// the pipe named by `GATEHOUSE_WORKER_READY`) before the worker it replaces is stopped,
/// so a reload with a template that no longer parses keeps the running workers.
///
/// This module links no database, TLS or FastCGI library: `gatehouse serve` sets up the
/// socket and counters, then becomes `gatehouse-supervisor` (see `Plan`), which only
/// starts, watches and stops workers. That binary compiles this file, `Supervisor+Plan`,
/// `Log` and `SharedCounters` again as Embedded Swift: no Swift runtime, libstdc++ or
/// metadata to map, so the process takes about 1.5 MB instead of 7 (the memory budget
/// counts every process). Hence byte-wise string tests here, and Log's ordered fields.
package final class Supervisor {
    /// The /metrics counter (index into the shared block) that counts replaced workers.
    package static let workerRestartsCounter = 0
    /// The /metrics gauge (index into the shared block) of worker processes running now.
    package static let workersRunningGauge = 1

    private let plan: Plan
    private let counters: SharedCounters?
    private var workers: [pid_t: timespec] = [:] {
        didSet { counters?.set(Self.workersRunningGauge, UInt64(workers.count)) }
    }
    private var restarts = 0

    /// A supervisor for `plan`, counting restarts in `counters` (the block whose
    /// descriptor is `plan.counters`).
    package init(plan: Plan, counters: SharedCounters?) {
        self.plan = plan
        self.counters = counters
    }

    /// Runs until SIGTERM or SIGINT; returns once every worker has exited.
    package func run() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        for _ in 0..<plan.processes { _ = spawnWorker() }
        Log.event("supervisor_started", ["listen": plan.listen, "processes": String(plan.processes)])

        var received: Int32 = 0
        while true {
            sigwait(&signals, &received)
            switch received {
            case SIGCHLD:
                reapAndReplace()
            case SIGHUP:
                Log.event("supervisor_reload", [:])
                for old in Array(workers.keys) where !replace(old) { break }
            default:
                Log.event("supervisor_stopping", ["signal": received == SIGTERM ? "TERM" : "INT"])
                stopAll()  // removes the socket file first
                _ = close(plan.socket)
                Log.event("supervisor_stopped", [:])
                return
            }
        }
    }

    /// Starts one worker with the listening socket as its fd 0.
    /// - Parameter announcingReadiness: also give it the write end of a pipe to report
    ///   readiness on; the read end is returned.
    /// - Returns: the worker's pid, or `nil` when it could not be started.
    private func spawnWorker(announcingReadiness: Bool = false) -> (pid: pid_t, ready: Int32?)? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, plan.socket, 0)
        if plan.socket != 0 { posix_spawn_file_actions_addclose(&actions, plan.socket) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child must not inherit this thread's blocked signals.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        var environment: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if !Self.hasPrefix(text, "LISTEN=") && !Self.hasPrefix(text, "GATEHOUSE_WORKER") { environment.append(text) }
            index += 1
        }
        environment += ["LISTEN=stdin", "GATEHOUSE_WORKER=1", "GATEHOUSE_WORKER_SUPERVISOR=\(getpid())"]
        // GnuTLS comes in with libpq's LDAP support and, unless told not to, sets itself up
        // when loaded (about 1 MB per process); a worker never uses it, and OpenLDAP
        // initialises it explicitly if an ldap:// service lookup ever does.
        environment.append("GNUTLS_NO_IMPLICIT_INIT=1")
        // glibc keeps up to 7 freed blocks of each size per thread for reuse (its tcache);
        // a request frees more than that of some sizes (libfcgi alone frees 33 blocks), so
        // the rest went to the shared bins under the arena's lock, and the next request's
        // stream buffer paid to consolidate them: 64 took 4,000–4,400 instructions (5–7 %)
        // off each page view and check. An operator's own GLIBC_TUNABLES is left as it is.
        if !environment.contains(where: { Self.hasPrefix($0, "GLIBC_TUNABLES=") }) {
            environment.append("GLIBC_TUNABLES=glibc.malloc.tcache_count=64")
        }
        if let counters = plan.counters { environment.append("GATEHOUSE_WORKER_METRICS=\(counters)") }
        // The pipe's write end is inherited (no close-on-exec) by this one child only: this
        // thread is the only one that starts processes, and it closes its copy at once.
        var pipeEnds: [Int32] = [-1, -1]
        if announcingReadiness {
            guard pipe(&pipeEnds) == 0 else {
                Log.event("worker_spawn_failed", ["error": String(cString: strerror(errno))])
                return nil
            }
            _ = setCloseOnExec(pipeEnds[0])
            environment.append("GATEHOUSE_WORKER_READY=\(pipeEnds[1])")
        }
        defer { if pipeEnds[1] >= 0 { _ = close(pipeEnds[1]) } }

        var pid: pid_t = 0
        let executable = plan.worker[0]
        let status = withCStrings(plan.worker) { argv in
            withCStrings(environment) { envp in
                posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        guard status == 0 else {
            Log.event("worker_spawn_failed", ["error": String(cString: strerror(status))])
            if pipeEnds[0] >= 0 { _ = close(pipeEnds[0]) }
            return nil
        }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        workers[pid] = now
        Log.event("worker_started", ["pid": String(pid)])
        return (pid, announcingReadiness ? pipeEnds[0] : nil)
    }

    /// Collects exited workers and starts replacements.
    private func reapAndReplace() {
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            guard let started = workers.removeValue(forKey: pid) else { continue }
            restarts += 1
            counters?.add(Self.workerRestartsCounter)
            Log.event("worker_exited", ["pid": String(pid), "restarts": String(restarts), "status": String(status)])
            // A worker that dies right after starting (bad templates, say) would spin: pause.
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            if now.tv_sec - started.tv_sec < 1 { usleep(500_000) }
            _ = spawnWorker()
        }
    }

    /// Starts a new worker and, once it reports ready, drains and stops `old`.
    /// - Returns: `false`, keeping `old`, when the new worker died (or hung) on start.
    private func replace(_ old: pid_t) -> Bool {
        guard let (new, ready) = spawnWorker(announcingReadiness: true), let ready else { return false }
        let isReady = Self.waitForByte(on: ready, seconds: 30)
        _ = close(ready)
        guard isReady else {
            kill(new, SIGKILL)  // if it hangs; an exited one is only reaped
            var status: Int32 = 0
            while waitpid(new, &status, 0) < 0 && errno == EINTR {}
            workers.removeValue(forKey: new)
            Log.event("reload_failed", ["pid": String(new), "status": String(status)])
            return false
        }
        workers.removeValue(forKey: old)
        kill(old, SIGTERM)
        var status: Int32 = 0
        while waitpid(old, &status, 0) < 0 && errno == EINTR {}
        Log.event("worker_replaced", ["pid": String(old)])
        return true
    }

    /// Whether a byte arrives on `descriptor` within `seconds` (end of file: the writer died).
    private static func waitForByte(on descriptor: Int32, seconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var polled: Int32
        repeat { polled = poll(&entry, 1, seconds * 1000) } while polled < 0 && errno == EINTR
        guard polled == 1 else { return false }
        var byte: UInt8 = 0
        return read(descriptor, &byte, 1) == 1
    }

    /// SIGTERM to every worker, then waits for all of them (SIGKILL after 30 s).
    private func stopAll() {
        // New connections should fail at once (so nginx can try another upstream) rather
        // than wait in the backlog for the whole drain.
        if let path = plan.unixPath { unlink(path) }
        for pid in workers.keys { kill(pid, SIGTERM) }
        var waited = 0
        while !workers.isEmpty {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0 {
                workers.removeValue(forKey: pid)
                continue
            }
            if pid < 0 && errno == ECHILD { break }
            usleep(10_000)
            waited += 10
            if waited == 30_000 { for pid in workers.keys { kill(pid, SIGKILL) } }
        }
    }
}

extension Supervisor {
    /// Whether `text` starts with `prefix`, byte for byte.
    static func hasPrefix(_ text: String, _ prefix: StaticString) -> Bool {
        text.utf8.starts(with: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    }
}

/// Sets close-on-exec on `descriptor` (fcntl is variadic, which Embedded Swift reaches
/// through the shim).
func setCloseOnExec(_ descriptor: Int32) -> Int32 {
    #if hasFeature(Embedded)
    gatehouse_set_cloexec(descriptor)
    #else
    fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    #endif
}

/// Calls `body` with a NULL-terminated array of C strings.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}
