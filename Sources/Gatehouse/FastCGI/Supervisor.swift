import Glibc

/// `gatehouse serve`'s parent process: owns the listening socket and keeps
/// WORKER_PROCESSES workers running, each a re-execution of this binary with the socket
/// on fd 0 (as spawn-fcgi hands it over) and `GATEHOUSE_WORKER=1`; it also hands them the
/// `/metrics` counters they share (`GATEHOUSE_WORKER_METRICS`, an inherited descriptor)
/// and its pid (`GATEHOUSE_WORKER_SUPERVISOR`).
///
/// A worker that dies is replaced at once; SIGTERM/SIGINT stop the workers (each drains
/// its requests) and return; SIGHUP replaces workers one by one, so templates and
/// configuration are re-read with no request refused: connections wait in the shared
/// socket's backlog while a worker changes.
public final class Supervisor {
    private let configuration: Configuration
    private let executable: String
    private let arguments: [String]
    private var listener: Listener?
    private var workers: [pid_t: timespec] = [:]
    private var restarts = 0
    private let metrics = Metrics.forSupervisor()

    /// Prepares a supervisor that will re-run `executable` with `arguments` as workers.
    public init(configuration: Configuration, executable: String, arguments: [String]) {
        self.configuration = configuration
        self.executable = executable
        self.arguments = arguments
    }

    /// The running binary, to re-execute as workers.
    public static func currentExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs until SIGTERM or SIGINT; returns once every worker has exited.
    /// - Throws: `Listener.Failure` when the socket cannot be opened.
    public func run() throws(Listener.Failure) {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let listener = try Listener.open(configuration.listen)
        self.listener = listener
        for _ in 0..<configuration.workerProcesses { spawnWorker() }
        Log.event("supervisor_started", ["listen": "\(configuration.listen)", "processes": String(configuration.workerProcesses)])

        var received: Int32 = 0
        while true {
            sigwait(&signals, &received)
            switch received {
            case SIGCHLD:
                reapAndReplace()
            case SIGHUP:
                // A template that no longer parses would kill every new worker: check first
                // and keep the running workers if it fails.
                do {
                    _ = try TemplateLibrary(directory: configuration.templatesDir)
                } catch {
                    Log.event("reload_failed", ["error": error.description])
                    continue
                }
                Log.event("supervisor_reload")
                for old in Array(workers.keys) where !replace(old) { break }
            default:
                Log.event("supervisor_stopping", ["signal": received == SIGTERM ? "TERM" : "INT"])
                stopAll()
                listener.close()
                Log.event("supervisor_stopped")
                return
            }
        }
    }

    /// Starts one worker with the listening socket as its fd 0.
    private func spawnWorker() {
        guard let listener else { return }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, listener.socket, 0)
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
            if !text.hasPrefix("LISTEN=") && !text.hasPrefix("GATEHOUSE_WORKER") { environment.append(text) }
            index += 1
        }
        environment += ["LISTEN=stdin", "GATEHOUSE_WORKER=1", "GATEHOUSE_WORKER_SUPERVISOR=\(getpid())"]
        // GnuTLS comes in with libpq's LDAP support and, unless told not to, sets itself up
        // when loaded (about 1 MB per process); a worker never uses it, and OpenLDAP
        // initialises it explicitly if an ldap:// service lookup ever does.
        environment.append("GNUTLS_NO_IMPLICIT_INIT=1")
        if let counters = metrics.sharedDescriptor { environment.append("GATEHOUSE_WORKER_METRICS=\(counters)") }
        var pid: pid_t = 0
        let status = withCStrings([executable] + arguments) { argv in
            withCStrings(environment) { envp in
                posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        guard status == 0 else {
            Log.event("worker_spawn_failed", ["error": String(cString: strerror(status))])
            return
        }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        workers[pid] = now
        Log.event("worker_started", ["pid": String(pid)])
    }

    /// Collects exited workers and starts replacements.
    private func reapAndReplace() {
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            guard let started = workers.removeValue(forKey: pid) else { continue }
            restarts += 1
            metrics.recordWorkerRestart()
            Log.event("worker_exited", ["pid": String(pid), "status": String(status), "restarts": String(restarts)])
            // A worker that dies right after starting (bad templates, say) would spin: pause.
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            if now.tv_sec - started.tv_sec < 1 { usleep(500_000) }
            spawnWorker()
        }
    }

    /// Starts a new worker, then drains and stops `old`.
    /// - Returns: `false`, keeping `old`, when the new worker died on start.
    private func replace(_ old: pid_t) -> Bool {
        let before = Set(workers.keys)
        spawnWorker()
        usleep(200_000)
        if let new = Set(workers.keys).subtracting(before).first {
            var status: Int32 = 0
            if waitpid(new, &status, WNOHANG) == new {
                workers.removeValue(forKey: new)
                Log.event("reload_failed", ["pid": String(new), "status": String(status)])
                return false
            }
        }
        workers.removeValue(forKey: old)
        kill(old, SIGTERM)
        var status: Int32 = 0
        while waitpid(old, &status, 0) < 0 && errno == EINTR {}
        Log.event("worker_replaced", ["pid": String(old)])
        return true
    }

    /// SIGTERM to every worker, then waits for all of them (SIGKILL after 30 s).
    private func stopAll() {
        // New connections should fail at once (so nginx can try another upstream) rather
        // than wait in the backlog for the whole drain.
        if let path = listener?.unixPath { unlink(path) }
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

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}
