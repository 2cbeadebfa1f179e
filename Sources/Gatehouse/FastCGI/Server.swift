import GatehouseSupervision
import Glibc

/// `gatehouse serve`: a worker opens (or inherits) the socket, starts its threads and waits
/// for a signal; the first process sets up the socket and counters and supervises workers.
public enum Server {
    /// Opens the socket and the shared /metrics counters, then becomes the supervisor
    /// process (`gatehouse-supervisor` beside this binary, or in this process when that
    /// is missing) and returns once every worker has stopped.
    /// - Parameter arguments: this command's arguments, for re-running it as a worker.
    /// - Throws: `Listener.Failure` when the socket cannot be opened.
    public static func supervise(configuration: Configuration, arguments: [String]) throws(Listener.Failure) {
        let listener = try Listener.open(configuration.listen)
        let metrics = Metrics.forSupervisor()
        let executable = Supervisor.currentExecutable()
        let plan = Supervisor.Plan(
            socket: listener.socket, unixPath: listener.unixPath, listen: "\(configuration.listen)",
            processes: configuration.workerProcesses, counters: metrics.counters.descriptor,
            worker: [executable] + arguments)
        let directory = String(executable[..<(executable.lastIndex(of: "/") ?? executable.startIndex)])
        let reason = Supervisor.become(plan, from: directory.isEmpty ? "." : directory)
        Log.event("supervisor_in_process", ["reason": reason])
        Supervisor(plan: plan, counters: metrics.counters).run()
    }

    /// Runs until SIGTERM or SIGINT, then drains in-flight requests and returns.
    /// - Parameter supervisor: the supervisor's pid, for a worker it started: once the
    ///   worker's parent is another process (the supervisor was SIGKILLed), it drains and
    ///   returns too, within a second, rather than serve on forever unsupervised.
    /// - Parameter ready: a pipe to write one byte to once the threads are started (the
    ///   supervisor waits for it before stopping the worker this one replaces).
    /// - Throws: `Listener.Failure` when the socket cannot be opened.
    public static func run(application: Application, supervisor: Int32? = nil, ready: Int32? = nil) throws(Listener.Failure) {
        let configuration = application.configuration
        FastCGIRequest.initializeLibrary()
        // Signals are taken synchronously by this thread only: worker threads inherit the
        // mask, so libfcgi's flag-only handler never swallows SIGTERM while they sit in accept.
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        Glibc.signal(SIGPIPE, SIG_IGN)

        let listener = try Listener.open(configuration.listen)
        let pool = WorkerPool(application: application, listener: listener)
        pool.start(count: configuration.workers, standby: HashingPool.shared.capacity)
        MaintenanceThread.start(configuration: configuration)
        if let cache = application.sessionCache { SessionCacheListener.start(cache: cache, configuration: configuration) }
        MailSender.start(configuration: configuration, metrics: application.metrics,
                         preparing: PasswordResetMailer(application: application).handleWaiting)
        Log.event("serve_started", ["listen": "\(configuration.listen)", "workers": String(configuration.workers)])
        if let ready {
            var byte: UInt8 = 1
            _ = write(ready, &byte, 1)
            _ = close(ready)
        }

        var stopping: [String: String] = [:]
        var second = timespec(tv_sec: 1, tv_nsec: 0)
        while stopping.isEmpty {
            switch sigtimedwait(&signals, nil, &second) {
            case SIGTERM: stopping = ["signal": "TERM"]
            case SIGINT: stopping = ["signal": "INT"]
            case SIGHUP: continue  // reload arrives with supervised workers; ignored for now
            default:  // a second passed
                if let supervisor, getppid() != supervisor { stopping = ["supervisor_gone": String(supervisor)] }
            }
        }

        Log.event("serve_stopping", stopping)
        pool.stop()
        pool.join()
        listener.close()
        Log.event("serve_stopped")
    }
}
