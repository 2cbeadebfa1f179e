import Dispatch
import Glibc
@testable import Gatehouse
import Synchronization
import Testing

@Suite("Hashing pool")
struct HashingPoolTests {
    @Test("Work runs on another thread, under the ordinary policy, and its result comes back")
    func otherThread() throws {
        let pool = HashingPool(threads: 1, waiting: 0)
        let caller = pthread_self()
        let (thread, policy) = try pool.run { () -> (pthread_t, Int32) in
            (pthread_self(), sched_getscheduler(0))
        }
        #expect(pthread_equal(thread, caller) == 0)
        #expect(policy == SCHED_OTHER)
    }

    @Test("IdleTime runs its body under SCHED_IDLE and gives the thread its policy back")
    func idleTime() throws {
        let pool = HashingPool(threads: 1, waiting: 0)
        let (inside, after) = try pool.run { () -> (Int32, Int32) in
            var inside: Int32 = -1
            IdleTime.run { inside = sched_getscheduler(0) }
            return (inside, sched_getscheduler(0))
        }
        #expect(inside == 5)  // SCHED_IDLE (linux/sched.h)
        #expect(after == SCHED_OTHER)
    }

    @Test("A hash still waiting for idle time after the limit is put back under the ordinary policy by its caller")
    func idleWaitIsBounded() throws {
        let pool = HashingPool(threads: 1, waiting: 0)
        // The body stays in its idle stretch until its thread's policy changes under it
        // (or 10 s pass): only the waiting caller can change it.
        let (before, during) = try pool.run { () -> (Int32, Int32) in
            var before: Int32 = -1, during: Int32 = -1
            IdleTime.run {
                before = sched_getscheduler(0)
                let deadline = MonotonicClock.now() + 10
                repeat { during = sched_getscheduler(0) } while during == before && MonotonicClock.now() < deadline
            }
            return (before, during)
        }
        #expect(before == 5)  // SCHED_IDLE
        #expect(during == SCHED_OTHER)
    }

    @Test("A hash that waited in the queue for longer than the limit runs under the ordinary policy from its start")
    func overdueHashSkipsIdleTime() throws {
        let pool = HashingPool(threads: 1, waiting: 1)
        // The first job holds the only hashing thread for 50 ms, 25 times the shortest
        // limit, while the second waits behind it.
        let first = DispatchSemaphore(value: 0)
        _ = Thread.spawn {
            _ = try? pool.run { usleep(50_000) }
            first.signal()
        }
        let deadline = MonotonicClock.now() + 10
        while pool.admittedCount < 1 && MonotonicClock.now() < deadline { usleep(100) }
        let policy = try pool.run { () -> Int32 in
            var inside: Int32 = -1
            IdleTime.run { inside = sched_getscheduler(0) }
            return inside
        }
        first.wait()
        #expect(policy == SCHED_OTHER)
        // A hash that found the thread free still starts in idle time.
        let fresh = try pool.run { () -> Int32 in
            var inside: Int32 = -1
            IdleTime.run { inside = sched_getscheduler(0) }
            return inside
        }
        #expect(fresh == 5)  // SCHED_IDLE
    }

    @Test("Many callers at once, all admitted, all get their own answers")
    func concurrentCallers() async {
        let pool = HashingPool(threads: 2, waiting: 30)
        let results = await withTaskGroup(of: (Int, Int).self) { group in
            for n in 0..<32 {
                group.addTask { (n, (try? pool.run { n * n }) ?? -1) }
            }
            return await group.reduce(into: [(Int, Int)]()) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0.1 == $0.0 * $0.0 })
    }

    @Test("A full pool refuses the next caller at once, without running its work, and admits again once work is done")
    func admission() throws {
        let pool = HashingPool(threads: 1, waiting: 1)
        #expect(pool.capacity == 2)
        // Two slow jobs: one runs, one waits, until `release` lets them end.
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            _ = Thread.spawn {
                _ = try? pool.run { release.wait() }
                finished.signal()
            }
        }
        let deadline = MonotonicClock.now() + 10
        while pool.admittedCount < 2 && MonotonicClock.now() < deadline { usleep(1000) }
        #expect(pool.admittedCount == 2)
        #expect(throws: HashingPool.Busy.self) { try pool.requireRoom() }

        // On another thread, so that a pool that queued instead of refusing fails the
        // expectation below rather than hanging the suite.
        let ran = Atomic(false)
        let refused = Mutex<Bool?>(nil)
        let answered = DispatchSemaphore(value: 0)
        _ = Thread.spawn {
            do throws(HashingPool.Busy) {
                try pool.run { ran.store(true, ordering: .relaxed) }
                refused.withLock { $0 = false }
            } catch {
                refused.withLock { $0 = true }
            }
            answered.signal()
        }
        #expect(answered.wait(timeout: .now() + 5) == .success, "the third caller waited for the full pool")
        #expect(refused.withLock { $0 } == true)
        let workRan = ran.load(ordering: .relaxed)
        #expect(!workRan)

        release.signal()
        release.signal()
        finished.wait()
        finished.wait()
        #expect(pool.admittedCount == 0)
        #expect(throws: Never.self) { try pool.requireRoom() }
        #expect(try pool.run { 6 * 7 } == 42)
    }
}
