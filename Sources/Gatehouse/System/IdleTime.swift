/// Idle-time scheduling for the one part of a sign-in that may wait: the PBKDF2 loop.
///
/// Under SCHED_IDLE a thread runs only when no ordinary thread of its scheduling group
/// wants the core (every thread, with the kernel's autogroups off; HashingPool), so a storm
/// of sign-ins cannot starve page views. Only the loop itself runs that way: it takes no
/// lock and allocates nothing. A SCHED_IDLE thread preempted while holding a lock — the
/// malloc arena lock a page-view thread needs to free memory a hashing thread allocated,
/// say — makes whoever needs that lock wait for idle time too, which on busy cores is
/// hundreds of milliseconds.
enum IdleTime {
    /// Runs `body` under SCHED_IDLE, then puts the calling thread back under SCHED_OTHER.
    ///
    /// Going back needs CAP_SYS_NICE or an RLIMIT_NICE of at least 20 (systemd's
    /// `LimitNICE=+0`, set in deploy/gatehouse.service); without either the thread stays
    /// idle, as hashing threads always were before: correct, only exposed to the stalls above.
    static func run(_ body: () -> Void) {
        if ordinary.value != nil { return body() }
        Linux.setIdleScheduling(true)
        body()
        Linux.setIdleScheduling(false)
    }

    /// Runs `body` with `run` leaving the calling thread's policy alone: for work that has
    /// already waited its share for idle time (HashingPool).
    static func withoutIdleTime<T>(_ body: () -> T) -> T {
        ordinary.with(UnsafeRawPointer(bitPattern: 1)!, body)
    }

    /// Set (non-nil) on a thread while `run` must not make it idle.
    private static let ordinary = ThreadSlot()
}
