import CLinux
import Glibc

/// The Linux calls Swift's Glibc module does not export — epoll, FIONREAD and SCHED_IDLE —
/// behind Swift types: the one file that imports CLinux.
enum Linux {
    /// Bytes waiting in `descriptor`'s receive queue, or -1 when the call fails (FIONREAD,
    /// which Swift cannot pass through the variadic `ioctl`).
    static func unreadBytes(_ descriptor: Int32) -> Int {
        Int(gatehouse_unread_bytes(descriptor))
    }

    /// Puts `thread` (by default the calling one) under SCHED_IDLE (`true`) or back under
    /// SCHED_OTHER.
    ///
    /// Lowering a thread's class needs no privilege; going back needs CAP_SYS_NICE or an
    /// RLIMIT_NICE of at least 20 and otherwise fails quietly (see `IdleTime`).
    static func setIdleScheduling(_ idle: Bool, thread: pthread_t = pthread_self()) {
        var parameters = sched_param()
        _ = pthread_setschedparam(thread, idle ? SCHED_IDLE : SCHED_OTHER, &parameters)
    }
}

/// An epoll set: descriptors registered with a 64-bit tag each, waited on together.
struct EpollSet: Sendable {
    /// How a descriptor's readiness is reported.
    enum Trigger {
        /// While readable; with EPOLLEXCLUSIVE, one waiter per event across every set
        /// (processes) watching the same descriptor.
        case levelExclusive
        /// While readable.
        case level
        /// Once per arrival of new input.
        case edge
    }

    /// The epoll descriptor.
    private let descriptor: Int32

    /// Creates an empty set (close-on-exec).
    init() {
        descriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(descriptor >= 0, "epoll_create1 failed")
    }

    /// Watches `fd` for input; its events carry `tag`. `false` when epoll refuses it.
    func add(_ fd: Int32, _ trigger: Trigger, tag: UInt64) -> Bool {
        var event = epoll_event()
        switch trigger {
        case .levelExclusive: event.events = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
        case .level: event.events = EPOLLIN.rawValue
        case .edge: event.events = EPOLLIN.rawValue | EPOLLET.rawValue
        }
        event.data.u64 = tag
        return epoll_ctl(descriptor, EPOLL_CTL_ADD, fd, &event) == 0
    }

    /// Waits for one event and returns its tag (`nil` when epoll fails); signals do not end
    /// the wait.
    func waitOne() -> UInt64? {
        var ready = epoll_event()
        while true {
            let count = epoll_wait(descriptor, &ready, 1, -1)
            if count < 0 && errno == EINTR { continue }
            return count > 0 ? ready.data.u64 : nil
        }
    }

    /// The tags of up to `limit` events ready now, without waiting.
    func readyNow(limit: Int = 16) -> [UInt64] {
        var ready = [epoll_event](repeating: epoll_event(), count: limit)
        let count = Int(epoll_wait(descriptor, &ready, Int32(limit), 0))
        return ready.prefix(max(count, 0)).map { $0.data.u64 }
    }

    /// Closes the set.
    func close() {
        _ = Glibc.close(descriptor)
    }
}
