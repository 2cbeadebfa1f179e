import Glibc
import Synchronization

/// The responder threads: each owns one FastCGI request slot and one Postgres connection.
///
/// Threads take turns waiting for a connection under a mutex (libfcgi's own threaded
/// example serialises accept too). The one holding it polls the listening socket and a
/// wake-up pipe: `stop` writes to the pipe, so every thread leaves after finishing the
/// request it holds — the SIGTERM drain — without touching the socket other worker
/// processes share.
final class WorkerPool: Sendable {
    private let application: Application
    private let listener: Listener
    private let acceptLock = Mutex<Void>(())
    private let threads = Mutex<[pthread_t]>([])
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// Creates a pool for `application` on `listener`; nothing runs until `start`.
    init(application: Application, listener: Listener) {
        self.application = application
        self.listener = listener
        var fds: [Int32] = [0, 0]
        let created = pipe(&fds)
        precondition(created == 0, "pipe failed")
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    /// Starts `count` worker threads.
    func start(count: Int) {
        for _ in 0..<count {
            let thread = Thread.spawn { [self] in self.workerLoop() }
            threads.withLock { $0.append(thread) }
        }
    }

    /// Stops accepting; every thread finishes its current request and exits.
    func stop() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Waits for every thread to leave.
    func join() {
        for thread in threads.withLock({ $0 }) {
            pthread_join(thread, nil)
        }
    }

    private func workerLoop() {
        let database = DatabaseConnection(configuration: application.configuration)
        let metrics = application.metrics
        database.onConnect = { metrics.recordReconnect() }
        // Connect before the first request so it does not pay for the handshake; a database
        // that is down now is retried on each request instead.
        try? database.connect()
        let slot = FastCGIRequest(listeningSocket: listener.socket)
        while true {
            let accepted: Bool? = acceptLock.withLock { _ in
                guard waitForConnection() else { return nil }
                return slot.accept()
            }
            guard let accepted else { break }
            // Not accepted: another process won the race for that connection.
            if accepted {
                answer(slot, database: database)
                slot.finish()
            }
        }
    }

    /// Waits until the listening socket has a connection (`true`) or `stop` was called.
    private func waitForConnection() -> Bool {
        var fds = [
            pollfd(fd: listener.socket, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if fds[1].revents != 0 || ready < 0 { return false }
            if fds[0].revents != 0 { return true }
        }
    }

    private func answer(_ slot: FastCGIRequest, database: DatabaseConnection) {
        let params = slot.params()
        let declared = params["CONTENT_LENGTH"].flatMap { Int($0) } ?? 0
        // An oversize body is refused unread; reading at most one byte more than the limit
        // catches a client that under-declares.
        let body = declared > Request.maxBodySize ? [] : slot.readBody(limit: min(declared, Request.maxBodySize + 1))
        var request = Request(params: params, body: body)
        if body.count > Request.maxBodySize { request.contentLength = body.count }
        if request.contentLength > Request.maxBodySize {
            // Never stored; bounded by nginx's client_max_body_size anyway.
            slot.discardBody(limit: 1 << 20)
        }
        slot.write(application.respond(to: request, database: database).serialized())
    }
}

/// A minimal pthread wrapper: the body runs on a new joinable thread.
enum Thread {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread with a 1 MiB stack and returns its handle.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        let attributes = UnsafeMutablePointer<pthread_attr_t>.allocate(capacity: 1)
        pthread_attr_init(attributes)
        defer {
            pthread_attr_destroy(attributes)
            attributes.deallocate()
        }
        pthread_attr_setstacksize(attributes, 1 << 20)
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, attributes, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed: \(status)")
        return thread
    }
}
