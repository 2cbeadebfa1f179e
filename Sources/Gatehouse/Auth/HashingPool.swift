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
public final class HashingPool: Sendable {
    /// The process's pool: one hashing thread per online core.
    public static let shared = HashingPool(threads: defaultThreadCount)
    /// The number of online cores: hashing threads of the shared pool.
    static var defaultThreadCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)

    /// Starts `threads` hashing threads that live as long as the process.
    public init(threads: Int) {
        for _ in 0..<max(1, threads) {
            _ = Thread.spawn { [self] in
                while true {
                    available.wait()
                    let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                    job?()
                }
            }
        }
    }

    /// Runs `work` on a hashing thread and returns its result; the caller blocks meanwhile.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        jobs.withLock {
            $0.append {
                let value = work()
                result.withLock { $0 = value }
                done.signal()
            }
        }
        available.signal()
        // A responder thread's turn goes to a standby thread meanwhile (ResponderTurns).
        ResponderTurns.handOverWhile { done.wait() }
        return result.withLock { $0! }
    }
}
