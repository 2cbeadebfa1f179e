import Glibc
@testable import Gatehouse
import Testing

@Suite("Hashing pool")
struct HashingPoolTests {
    @Test("Work runs on another thread at the lowest priority (nice 19) and its result comes back")
    func lowPriority() {
        let pool = HashingPool(threads: 1)
        let caller = HashingPool.currentThreadID()
        let (thread, nice) = pool.run { () -> (id_t, Int32) in
            let id = HashingPool.currentThreadID()
            return (id, getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id))
        }
        #expect(thread != caller)
        #expect(nice == 19)
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
