import CLinux
import Glibc
import Synchronization

/// The responder threads: each owns one FastCGI request slot and one Postgres connection.
/// WORKERS of them answer at a time; a few more stand by for threads whose sign-in waits
/// for its password hash (`ResponderTurns`).
///
/// Each thread waits in its own epoll set holding the listening socket, registered with
/// EPOLLEXCLUSIVE so that the kernel wakes one idle thread per connection (across worker
/// processes too) with no lock or hand-off between threads, and a wake-up pipe: `stop`
/// writes to the pipe, so every thread leaves after finishing the request it holds — the
/// SIGTERM drain — without touching the socket other worker processes share.
final class WorkerPool: Sendable {
    private let application: Application
    private let listener: Listener
    private let threads = Mutex<[pthread_t]>([])
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let turns: Mutex<ResponderTurns?> = Mutex(nil)

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

    /// Starts `count` answering threads and `standby` more.
    func start(count: Int, standby: Int) {
        let turns = ResponderTurns(count: count, threadCount: count + standby)
        self.turns.withLock { $0 = turns }
        for _ in 0..<(count + standby) {
            let thread = Thread.spawn { [self] in turns.enter { self.workerLoop($0, turns) } }
            threads.withLock { $0.append(thread) }
        }
    }

    /// Stops accepting; every thread finishes its current request and exits.
    func stop() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        turns.withLock { $0 }?.stop()
    }

    /// Waits for every thread to leave.
    func join() {
        for thread in threads.withLock({ $0 }) {
            pthread_join(thread, nil)
        }
    }

    private func workerLoop(_ hold: ResponderTurns.Hold, _ turns: ResponderTurns) {
        let database = DatabaseConnection(configuration: application.configuration)
        let metrics = application.metrics
        database.onConnect = { metrics.recordReconnect() }
        // Connect before the first request so it does not pay for the handshake; a database
        // that is down now is retried on each request instead.
        try? database.connect()
        let slot = FastCGIRequest(listeningSocket: listener.socket)
        let events = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(events >= 0, "epoll_create1 failed")
        defer { close(events) }
        watch(listener.socket, in: events, flags: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
        watch(wakeRead, in: events, flags: EPOLLIN.rawValue)
        var head: [UInt8] = []
        head.reserveCapacity(1024)
        // A connection that is already waiting is taken without asking epoll first: under
        // load there nearly always is one, and the wait would be a system call that finds
        // it. Only when the queue is empty does the thread wait for the next one.
        var connectionWaiting = true
        while turns.take(hold) {
            if !connectionWaiting {
                guard waitForConnection(events) else { break }
            }
            // Not accepted: the queue is empty, or another thread or process took the
            // connection first.
            connectionWaiting = slot.accept()
            if connectionWaiting {
                answer(slot, database: database, head: &head)
                slot.finish()
            }
        }
    }

    private func watch(_ descriptor: Int32, in events: Int32, flags: UInt32) {
        var event = epoll_event()
        event.events = flags
        event.data.fd = descriptor
        precondition(epoll_ctl(events, EPOLL_CTL_ADD, descriptor, &event) == 0, "epoll_ctl failed")
    }

    /// Waits until the listening socket has a connection (`true`) or `stop` was called.
    private func waitForConnection(_ events: Int32) -> Bool {
        var ready = epoll_event()
        while true {
            let count = epoll_wait(events, &ready, 1, -1)
            if count < 0 && errno == EINTR { continue }
            // The wake-up pipe stays readable, so one ready event at a time suffices.
            return count > 0 && ready.data.fd != wakeRead
        }
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
