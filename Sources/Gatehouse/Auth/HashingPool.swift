import Dispatch
import Glibc
import Synchronization

/// Threads that run PBKDF2 at the lowest CPU priority (nice 19), so a storm of sign-ins
/// cannot starve page views: a worker thread hands its hash here and waits, and the
/// scheduler weighs a page-view thread (nice 0) about seventy times a hashing thread.
/// Sign-ins still get every core that page views leave idle.
public final class HashingPool: Sendable {
    /// The nice value of hashing threads.
    static let niceValue: Int32 = 19

    /// The process's pool: one hashing thread per online core.
    public static let shared = HashingPool(threads: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)

    /// Starts `threads` hashing threads that live as long as the process.
    public init(threads: Int) {
        for _ in 0..<max(1, threads) {
            _ = Thread.spawn { [self] in
                // Raising one's own nice value needs no privilege; it is never lowered again.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), HashingPool.currentThreadID(), HashingPool.niceValue)
                while true {
                    available.wait()
                    let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                    job?()
                }
            }
        }
    }

    /// This thread's kernel id (`gettid`, which Swift cannot call), from /proc/thread-self.
    static func currentThreadID() -> id_t {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard length > 0 else { return 0 }
        let text = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "/").last.flatMap { id_t($0) } ?? 0
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
        done.wait()
        return result.withLock { $0! }
    }
}
