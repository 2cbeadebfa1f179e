import GatehouseSupervision
import Glibc
import Synchronization

/// The responder threads: each owns one Postgres connection and answers one FastCGI
/// request at a time. WORKERS of them answer at a time; as many more as the hashing pool
/// admits hashes stand by for threads whose sign-in waits for its hash (`ResponderTurns`).
///
/// The threads of a worker process wait in one epoll set, which holds the listening socket
/// (EPOLLEXCLUSIVE, so that each new connection wakes one process), every connection the
/// web server keeps open between requests (nginx `fastcgi_keep_conn on`), and a wake-up
/// pipe: `stop` writes to the pipe, so every thread leaves after finishing the request it
/// holds — the SIGTERM drain — without touching the socket other worker processes share.
/// epoll wakes one waiting thread per event and hands out events in the order they came,
/// so requests on kept connections are answered first come, first served. A kept
/// connection belongs to no thread: whichever takes its event claims it
/// (`FastCGIConnection`), so a connection nginx keeps idle never holds a thread.
final class WorkerPool: Sendable {
    private let application: Application
    private let listener: Listener
    private let threads = Mutex<[pthread_t]>([])
    private let events = EpollSet()
    private let connections = FastCGIConnections()
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let turns: Mutex<ResponderTurns?> = Mutex(nil)
    private let stopping = Atomic(false)
    /// Kept connections `stop` found with a request waiting, claimed, for the threads to answer.
    private let sentBeforeStop = Mutex<[FastCGIConnection]>([])

    /// Creates a pool for `application` on `listener`; nothing runs until `start`.
    init(application: Application, listener: Listener) {
        self.application = application
        self.listener = listener
        var fds: [Int32] = [0, 0]
        let created = pipe(&fds)
        precondition(created == 0, "pipe failed")
        wakeRead = fds[0]
        wakeWrite = fds[1]
        // Level-triggered: the socket stays in the ready list while connections queue, so
        // each thread that takes its event accepts one, in turn with the requests on kept
        // connections, and both worker processes take from the queue.
        precondition(events.add(listener.socket, .levelExclusive, tag: Self.listenerTag))
        precondition(events.add(wakeRead, .level, tag: Self.stopTag))
    }

    /// Starts `count` answering threads and `standby` more.
    func start(count: Int, standby: Int) {
        let turns = ResponderTurns(count: count, threadCount: count + standby)
        self.turns.withLock { $0 = turns }
        for _ in 0..<(count + standby) {
            let thread = Thread.spawn { [self] in turns.enter { self.workerLoop($0, turns) } }
            threads.withLock { $0.append(thread) }
        }
    }

    /// Stops accepting; every thread finishes its current request and exits. Kept
    /// connections close now: idle ones at once, so that the web server opens new
    /// connections (which another worker process accepts) instead of sending more requests
    /// on them; the others once the request in flight or already sent on them is answered.
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        let waiting = connections.closeIdle().waiting
        sentBeforeStop.withLock { $0 += waiting }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        turns.withLock { $0 }?.stop()
    }

    /// Waits for every thread to leave.
    func join() {
        for thread in threads.withLock({ $0 }) {
            pthread_join(thread, nil)
        }
        events.close()
    }

    /// What woke a waiting thread.
    private enum Wake {
        case listener
        case stop
        case kept(FastCGIConnection)
    }

    private static let listenerTag: UInt64 = 0
    private static let stopTag: UInt64 = 1

    private func workerLoop(_ hold: ResponderTurns.Hold, _ turns: ResponderTurns) {
        let database = DatabaseConnection(configuration: application.configuration)
        let metrics = application.metrics
        database.onConnect = { metrics.recordReconnect() }
        // Connect before the first request so it does not pay for the handshake; a database
        // that is down now is retried on each request instead.
        try? database.connect()
        var head: [UInt8] = []
        head.reserveCapacity(1024)
        // Every thread takes its next request from the wait set, a new connection or a kept
        // one, in the order they came: a thread that accepted the next queued connection
        // directly would serve new connections ahead of requests already in the set.
        serving: while turns.take(hold) {
            let connection: FastCGIConnection
            switch waitForWake() {
            case .stop: break serving
            case .listener:
                connection = connections.takeFree(listeningSocket: listener.socket)
                do throws(FastCGIRequest.AcceptFailure) {
                    try connection.request.accept()
                } catch {
                    // Not accepted: another thread or process took the connection first,
                    // or the web server keeps more connections open than this process may.
                    connections.putFree(connection)
                    if error == .outOfDescriptors { closeIdleConnections(database: database, head: &head) }
                    continue
                }
            case .kept(let kept):
                // Another thread may be answering on it, or have answered this request
                // already (an event left from an earlier one): only a claim holder that
                // finds input reads.
                guard kept.claim(), readWaiting(kept) else { continue }
                connection = kept
            }
            serve(connection, database: database, head: &head)
        }
        answerSentBeforeStop(database: database, head: &head)
    }

    /// Answers the request read from `connection`, and the next ones while they are already
    /// there (sent before this thread let go of it); a connection the web server keeps is
    /// then watched for its next request.
    private func serve(_ connection: FastCGIConnection, database: DatabaseConnection, head: inout [UInt8]) {
        while true {
            answer(connection.request, database: database, head: &head)
            connection.request.finish()
            guard keepIfOpen(connection), !letGo(connection), readWaiting(connection) else { return }
        }
    }

    /// Out of descriptors: closes the kept connections idle now, so that the connection
    /// waiting to be accepted gets one (the web server opens new ones as it needs them),
    /// and answers those that had a request waiting. With none to close it waits a moment,
    /// so that the threads do not spin on a listening socket they cannot accept from.
    private func closeIdleConnections(database: DatabaseConnection, head: inout [UInt8]) {
        let (closed, waiting) = connections.closeIdle()
        Log.event("descriptors_exhausted", ["kept_connections_closed": String(closed)])
        for connection in waiting where readWaiting(connection) {
            serve(connection, database: database, head: &head)
        }
        if closed == 0 { usleep(10_000) }
    }

    /// At stop: answers the requests the web server had already sent on kept connections
    /// (each connection closes after its answer), so that none is cut off unanswered.
    private func answerSentBeforeStop(database: DatabaseConnection, head: inout [UInt8]) {
        while true {
            if let connection = sentBeforeStop.withLock({ $0.popLast() }) {
                if readWaiting(connection) { serve(connection, database: database, head: &head) }
                continue
            }
            var answered = false
            for tag in events.readyNow() where tag > Self.stopTag {
                let connection = Self.connection(tagged: tag)
                guard connection.claim(), readWaiting(connection) else { continue }
                serve(connection, database: database, head: &head)
                answered = true
            }
            if !answered { return }
        }
    }

    /// With `connection` claimed: reads its next request if one is waiting (`true`), else
    /// lets go of it — or frees it, when the web server closed it.
    private func readWaiting(_ connection: FastCGIConnection) -> Bool {
        while true {
            if connection.request.hasInputWaiting {
                if connection.request.readNext() { return true }
                connections.putFree(connection)
                return false
            }
            // Woken meanwhile: the request that woke a thread is the holder's to read.
            if letGo(connection) { return false }
        }
    }

    /// Releases `connection` (`false`: still held, see `FastCGIConnection.release`). When
    /// the pool is stopping it closes the connection instead, once no request is waiting on
    /// it: `stop` closes the idle ones it can claim, and this the ones it could not.
    private func letGo(_ connection: FastCGIConnection) -> Bool {
        guard connection.release() else { return false }
        if stopping.load(ordering: .sequentiallyConsistent), connection.claim() {
            if connection.request.hasInputWaiting { return false }
            connection.request.close()
        }
        return true
    }

    /// After a request: a connection the web server keeps is watched for its next request
    /// (`true`, still claimed); a closed one goes back to the free list.
    private func keepIfOpen(_ connection: FastCGIConnection) -> Bool {
        let descriptor = connection.request.connection
        guard descriptor >= 0 else {
            connections.putFree(connection)
            return false
        }
        if !connection.watched {
            guard watch(connection) else {
                connection.request.close()
                connections.putFree(connection)
                return false
            }
            connection.watched = true
        }
        return true
    }

    /// Adds `connection` to the wait set; its events then go to one waiting thread each,
    /// edge-triggered: once per request that arrives.
    private func watch(_ connection: FastCGIConnection) -> Bool {
        events.add(connection.request.connection, .edge, tag: Self.tag(connection))
    }

    /// Waits until the listening socket has a connection, a kept connection has a
    /// request, or `stop` was called.
    private func waitForWake() -> Wake {
        // The wake-up pipe stays readable, so one ready event at a time suffices.
        switch events.waitOne() {
        case nil, Self.stopTag: return .stop
        case Self.listenerTag: return .listener
        case let tag?: return .kept(Self.connection(tagged: tag))
        }
    }

    private static func tag(_ connection: FastCGIConnection) -> UInt64 {
        UInt64(UInt(bitPattern: Unmanaged.passUnretained(connection).toOpaque()))
    }

    private static func connection(tagged tag: UInt64) -> FastCGIConnection {
        Unmanaged<FastCGIConnection>.fromOpaque(UnsafeRawPointer(bitPattern: UInt(tag))!).takeUnretainedValue()
    }

    /// Reads one request from `slot` and writes the answer: the head through `head`, a
    /// buffer the thread keeps, then the body as the page renderer left it.
    private func answer(_ slot: FastCGIRequest, database: DatabaseConnection, head: inout [UInt8]) {
        var params = RequestParams()
        slot.forEachParam { params.add(name: $0, value: $1) }
        var request = params.request
        // An oversize body is never stored (the page says 413); `finish` drains it.
        if request.contentLength <= Request.maxBodySize {
            request.body = slot.readBody(limit: request.contentLength)
        }
        let response = application.respond(to: request, database: database)
        head.removeAll(keepingCapacity: true)
        response.writeHead(into: &head)
        slot.write(head)
        slot.write(response.body)
    }
}
