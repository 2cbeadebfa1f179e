import Glibc
@testable import Gatehouse
import Testing

@Suite("Hashing pool")
struct HashingPoolTests {
    @Test("Work runs on another thread, under the ordinary policy, and its result comes back")
    func otherThread() {
        let pool = HashingPool(threads: 1)
        let caller = pthread_self()
        let (thread, policy) = pool.run { () -> (pthread_t, Int32) in
            (pthread_self(), sched_getscheduler(0))
        }
        #expect(pthread_equal(thread, caller) == 0)
        #expect(policy == SCHED_OTHER)
    }

    @Test("IdleTime runs its body under SCHED_IDLE and gives the thread its policy back")
    func idleTime() {
        let pool = HashingPool(threads: 1)
        let (inside, after) = pool.run { () -> (Int32, Int32) in
            var inside: Int32 = -1
            IdleTime.run { inside = sched_getscheduler(0) }
            return (inside, sched_getscheduler(0))
        }
        #expect(inside == 5)  // SCHED_IDLE (linux/sched.h)
        #expect(after == SCHED_OTHER)
    }

    @Test("Many callers at once all get their own answers")
    func concurrentCallers() async {
        let pool = HashingPool(threads: 2)
        let results = await withTaskGroup(of: (Int, Int).self) { group in
            for n in 0..<32 {
                group.addTask { (n, pool.run { n * n }) }
            }
            return await group.reduce(into: [(Int, Int)]()) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0.1 == $0.0 * $0.0 })
    }
}
