import Dispatch
import Glibc
import Synchronization

/// Threads for password hashing, so that a worker thread hands its hash here and waits,
/// and the PBKDF2 loop can run in idle time (`IdleTime`): a storm of sign-ins cannot
/// starve page views.
///
/// Nice values only weigh threads within one scheduling group (a session, a systemd
/// service), and the kernel gives each group an equal share whatever the nice values
/// inside: nice-19 hashing still took its group's share from nginx and PostgreSQL, and a
/// page view's next step waited behind it for a time slice. An ordinary thread waking
/// in the same group preempts a SCHED_IDLE one at once, so hashing runs in the gaps that
/// page views leave, and sign-ins still get every core nothing else wants. With the
/// kernel's autogroups on, every session (each PostgreSQL backend, nginx) is a group of
/// its own, and that holds only against Gatehouse's own threads (README, Performance).
///
/// Idle time is preferred, not waited for forever: a SCHED_IDLE thread gets almost nothing
/// while the cores stay busy, and at a steady 0.7 of capacity (`make soak`) the cores are
/// rarely idle for long enough, so hashes of a few microseconds sat for hundreds of
/// milliseconds, filled the pool and sign-ins were refused. A caller still waiting after
/// `idleWaitLimit()` — as long as a hash itself takes — puts the thread running its hash
/// back under SCHED_OTHER: that hash then takes its turn like any request, and a sign-in
/// waits at most about twice its own cost for it. A hash that already waited that long in
/// the queue, behind others, runs under SCHED_OTHER from its start: otherwise each hash of
/// a backlog waited out the limit again, one after the other, and a burst of cheap hashes
/// on busy cores took tens of milliseconds each, long enough to fill the pool and refuse
/// sign-ins (`make soak`, 7 in 84,000). A flood still cannot take more than the pool's threads.
///
/// Admission is bounded: at most `capacity` hashes (one running per thread, a few more
/// queued) are in the pool at once, and the next caller gets `Busy` at once, which the
/// error boundary answers with 503 and `Retry-After`. So a flood of correct sign-ins
/// holds at most `capacity` responder threads, for which `ResponderTurns` keeps as many
/// standby threads, and page views and `/auth/check` keep all of WORKERS.
public final class HashingPool: Sendable {
    /// The process's pool: one hashing thread per online core, and three hashes per core
    /// waiting. One per core was too few for a steady stream: at 0.7 of capacity on two
    /// cores (`make soak`, 65 sign-ins a second a process) the scheduler's jitter alone
    /// brought five together now and then, and 0.5 % of sign-ins were refused. Each place
    /// costs a standby thread and its PostgreSQL connection (about 75 kB here).
    public static let shared = HashingPool(threads: defaultThreadCount, waiting: 3 * defaultThreadCount)
    /// The number of online cores: hashing threads of the shared pool.
    static var defaultThreadCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// The pool was full: `run` refused the work at once instead of queueing it.
    public struct Busy: Error, Equatable {
        /// Seconds a client is asked to wait before trying again (`Retry-After`). A full
        /// pool drains in two hash times (well under a second at the default cost); the
        /// rest spreads the retries of a burst rather than bringing them back together.
        public static let retryAfterSeconds = 3
    }

    /// The CPU time of recent jobs (ns, a moving average): about 45 ms a hash at the
    /// default PBKDF2 work on this machine, 0.1 ms at the tests' 1,000 iterations. The
    /// hashing threads update it without a lock: a lost update only ages it a little.
    private let typicalCost = Atomic(0)

    /// How long a caller lets its hash wait for idle time before it competes like any
    /// request: what a hash typically costs, and at least 2 ms.
    func idleWaitLimit() -> DispatchTimeInterval { .nanoseconds(idleWaitNanoseconds) }

    private var idleWaitNanoseconds: Int { max(2_000_000, typicalCost.load(ordering: .relaxed)) }

    /// Hashes admitted and not yet returned to their callers: running, queued, or done
    /// with the caller still to wake. Each one holds its caller's thread.
    private let admitted = Mutex(0)
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)
    /// The most hashes admitted at once: `threads` running and `waiting` queued.
    public let capacity: Int
    /// Hashing threads.
    private let threadCount: Int

    /// Starts `threads` hashing threads that live as long as the process; up to `waiting`
    /// more hashes queue for them.
    public init(threads: Int, waiting: Int) {
        let threads = max(1, threads)
        threadCount = threads
        capacity = threads + max(0, waiting)
        for _ in 0..<threads {
            _ = Thread.spawn { [self] in
                while true {
                    available.wait()
                    guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                    let started = Self.threadCPUTime()
                    job()
                    let cost = Self.threadCPUTime() - started
                    typicalCost.store((typicalCost.load(ordering: .relaxed) * 7 + cost) / 8, ordering: .relaxed)
                }
            }
        }
    }

    /// Runs `work` on a hashing thread and returns its result; the caller blocks meanwhile.
    ///
    /// A caller's thread is held for as long as its hash runs or waits, so a flood of
    /// sign-ins could otherwise park every responder thread and stall page views and
    /// `/auth/check` behind a queue of hashes (`ResponderTurns` keeps `capacity` standby
    /// threads for the admitted ones). Beyond `capacity` the caller is refused at once.
    /// - Throws: `Busy` when `capacity` hashes are already admitted; `work` did not run.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) throws(Busy) -> T {
        // How many hashes were in the pool before this one; nil when it is full.
        let ahead = admitted.withLock { count -> Int? in
            guard count < capacity else { return nil }
            count += 1
            return count - 1
        }
        guard let ahead else { throw Busy() }
        // Queued behind other hashes rather than handed to a free thread. Only then does
        // time spent in the queue count as waiting for idle time: a free thread's wake-up
        // on busy cores can take milliseconds too, and that hash has not waited its turn.
        let behindOthers = ahead >= threadCount
        // Released once this caller has its result, not when the hash ends: the bound is on
        // threads waiting here, which is what the standby threads are counted against.
        defer { admitted.withLock { $0 -= 1 } }
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        // The hashing thread running this job, while it runs it.
        let runningOn = Mutex<pthread_t?>(nil)
        let queuedAt = MonotonicClock.now()
        jobs.withLock {
            $0.append { [self] in
                runningOn.withLock { $0 = pthread_self() }
                let overdue = behindOthers && (MonotonicClock.now() - queuedAt) * 1e9 >= Double(idleWaitNanoseconds)
                let value = overdue ? IdleTime.withoutIdleTime(work) : work()
                runningOn.withLock { $0 = nil }
                result.withLock { $0 = value }
                done.signal()
            }
        }
        available.signal()
        // A responder thread's turn goes to a standby thread meanwhile (ResponderTurns).
        ResponderTurns.handOverWhile {
            // Checked again each period: a job still queued at the first may start idle.
            while done.wait(timeout: .now() + idleWaitLimit()) == .timedOut {
                runningOn.withLock { thread in
                    if let thread { Linux.setIdleScheduling(false, thread: thread) }
                }
            }
        }
        return result.withLock { $0! }
    }

    /// Throws `Busy` when the pool is full at this moment, so that a caller can refuse
    /// before the work it would do only to reach a hash (database round trips): a flood's
    /// refusals then cost no more than a page. Only advice: `run` decides admission.
    public func requireRoom() throws(Busy) {
        if admitted.withLock({ $0 >= capacity }) { throw Busy() }
    }

    /// The calling thread's CPU time in nanoseconds.
    private static func threadCPUTime() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return now.tv_sec * 1_000_000_000 + now.tv_nsec
    }

    /// Hashes admitted now (tests).
    var admittedCount: Int { admitted.withLock { $0 } }
}
