import Dispatch
import Glibc
import Synchronization

/// WORKERS turns to answer requests, shared by WORKERS + standby responder threads.
///
/// A thread holds a turn while it waits for a connection and answers it. A sign-in spends
/// most of its time waiting for PBKDF2 on a hashing thread; while it waits, its thread
/// hands the turn to a standby thread (`handOverWhile`), so a storm of sign-ins cannot
/// take page views' threads. The thread takes a turn again when its request is done,
/// and becomes a standby thread until one is free. Turns change hands only around a
/// hash, never per request: a thread keeps its turn from one request to the next.
/// There are as many standby threads as `HashingPool` admits hashes, so even with the
/// pool full WORKERS threads are left to take every turn; beyond that a sign-in is
/// refused at once (503) rather than parked.
final class ResponderTurns: Sendable {
    /// The turns no thread holds.
    private let free: DispatchSemaphore
    private let stopping = Atomic(false)
    private let threadCount: Int

    /// `count` turns for `threadCount` threads.
    init(count: Int, threadCount: Int) {
        // Counted up from zero: libdispatch traps when a semaphore is freed below the value
        // it was created with, as this one is whenever threads leave holding turns.
        free = DispatchSemaphore(value: 0)
        for _ in 0..<count { free.signal() }
        self.threadCount = threadCount
    }

    /// One responder thread's hold on a turn; only that thread touches it.
    final class Hold {
        fileprivate let owner: ResponderTurns
        fileprivate var holding = false
        fileprivate init(_ owner: ResponderTurns) { self.owner = owner }
    }

    /// Runs `serve` on the calling thread, which takes turns with `take(_:)`.
    func enter(_ serve: (Hold) -> Void) {
        let hold = Hold(self)
        Self.holds.with(Unmanaged.passUnretained(hold).toOpaque()) { serve(hold) }
    }

    /// Waits for a turn unless the thread holds one; `false` once the pool is stopping.
    func take(_ hold: Hold) -> Bool {
        if !hold.holding {
            free.wait()
            hold.holding = true
        }
        return !stopping.load(ordering: .relaxed)
    }

    /// Wakes every thread waiting for a turn, to leave.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        for _ in 0..<threadCount { free.signal() }
    }

    /// Runs `wait` (a blocking wait for other threads' work) with the calling responder
    /// thread's turn handed to a standby thread; a plain call on any other thread.
    static func handOverWhile<T>(_ wait: () -> T) -> T {
        guard let raw = holds.value else { return wait() }
        let hold = Unmanaged<Hold>.fromOpaque(raw).takeUnretainedValue()
        if hold.holding {
            hold.holding = false
            hold.owner.free.signal()
        }
        return wait()
    }

    /// Where each responder thread keeps its `Hold`.
    private static let holds = ThreadSlot()
}
