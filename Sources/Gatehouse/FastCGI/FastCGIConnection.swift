import Synchronization

/// One FastCGI connection and the libfcgi request slot read from it.
///
/// A connection the web server keeps open between requests is answered by whichever
/// responder thread is idle when its next request arrives; `claim` makes that exactly
/// one thread. Connections are never freed (`FastCGIConnections` keeps them all), so an
/// epoll event that names one stays valid after the connection it carried closed.
final class FastCGIConnection: @unchecked Sendable {
    /// The libfcgi slot; only the thread that holds the claim touches it.
    let request: FastCGIRequest
    /// Whether every thread's wait set watches the current connection; claim holder only.
    var watched = false
    private let state = Atomic<UInt8>(1)  // held

    private static let idle: UInt8 = 0
    private static let held: UInt8 = 1
    /// Held, and a thread woken for a request found it so: the holder must look before letting go.
    private static let heldWithWake: UInt8 = 2

    /// A free connection slot, claimed by its creator.
    init(listeningSocket: Int32) {
        request = FastCGIRequest(listeningSocket: listeningSocket)
    }

    /// Takes the connection for the calling thread. `false` when another thread holds it;
    /// that thread then learns of the wake when it lets go (`release`).
    func claim() -> Bool {
        var current = state.load(ordering: .relaxed)
        while true {
            switch current {
            case Self.idle:
                let (taken, seen) = state.compareExchange(expected: Self.idle, desired: Self.held, ordering: .sequentiallyConsistent)
                if taken { return true }
                current = seen
            case Self.held:
                let (marked, seen) = state.compareExchange(expected: Self.held, desired: Self.heldWithWake, ordering: .relaxed)
                if marked { return false }
                current = seen
            default:
                return false
            }
        }
    }

    /// Lets any thread claim the connection when its next request arrives. `false` when a
    /// thread was woken for it meanwhile: the caller still holds it and must look for input.
    func release() -> Bool {
        if state.compareExchange(expected: Self.held, desired: Self.idle, ordering: .sequentiallyConsistent).exchanged { return true }
        state.store(Self.held, ordering: .relaxed)
        return false
    }
}

/// A worker process's connection slots: the free ones, reused for the next accept, and
/// every slot ever made.
final class FastCGIConnections: Sendable {
    private let free = Mutex<[FastCGIConnection]>([])
    private let all = Mutex<[FastCGIConnection]>([])

    /// A free slot, claimed by the caller; made when none is free.
    func takeFree(listeningSocket: Int32) -> FastCGIConnection {
        if let connection = free.withLock({ $0.popLast() }) { return connection }
        let connection = FastCGIConnection(listeningSocket: listeningSocket)
        all.withLock { $0.append(connection) }
        return connection
    }

    /// Closes every kept connection that no thread holds and no request waits on (at stop,
    /// or when the process is out of descriptors).
    /// - Returns: how many it closed, and the connections a request was waiting on, claimed
    ///   for the caller to answer.
    func closeIdle() -> (closed: Int, waiting: [FastCGIConnection]) {
        var closed = 0
        var waiting: [FastCGIConnection] = []
        for connection in all.withLock({ $0 }) where connection.claim() {
            if connection.request.connection >= 0, connection.request.hasInputWaiting {
                waiting.append(connection)
            } else {
                connection.request.close()
                putFree(connection)
                closed += 1
            }
        }
        return (closed, waiting)
    }

    /// Returns a slot with no connection (still claimed, so stale events skip it).
    func putFree(_ connection: FastCGIConnection) {
        connection.watched = false
        free.withLock { $0.append(connection) }
    }
}
