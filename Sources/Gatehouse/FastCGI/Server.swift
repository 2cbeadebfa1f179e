import Glibc

/// `gatehouse serve`: opens the socket, starts the workers and waits for a signal.
public enum Server {
    /// Runs until SIGTERM or SIGINT, then drains in-flight requests and returns.
    /// - Throws: `Listener.Failure` when the socket cannot be opened.
    public static func run(application: Application) throws(Listener.Failure) {
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

        var received: Int32 = 0
        repeat {
            sigwait(&signals, &received)
        } while received == SIGHUP  // reload arrives with supervised workers; ignored for now

        Log.event("serve_stopping", ["signal": received == SIGTERM ? "TERM" : "INT"])
        pool.stop()
        pool.join()
        listener.close()
        Log.event("serve_stopped")
    }
}
