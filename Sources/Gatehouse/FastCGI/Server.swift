import Glibc

/// `gatehouse serve`: opens the socket, starts the workers and waits for a signal.
public enum Server {
    /// Runs until SIGTERM or SIGINT, then drains in-flight requests and returns.
    /// - Parameter supervisor: the supervisor's pid, for a worker it started: once the
    ///   worker's parent is another process (the supervisor was SIGKILLed), it drains and
    ///   returns too, within a second, rather than serve on forever unsupervised.
    /// - Throws: `Listener.Failure` when the socket cannot be opened.
    public static func run(application: Application, supervisor: Int32? = nil) throws(Listener.Failure) {
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
        pool.start(count: configuration.workers)
        Maintenance.start(configuration: configuration)
        Log.event("serve_started", ["listen": "\(configuration.listen)", "workers": String(configuration.workers)])

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
