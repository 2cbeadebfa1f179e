@testable import Gatehouse
import Testing

/// The cache's bound (SESSION_CACHE_SIZE): the oldest entry goes first, and a slot left
/// behind by a session that was dropped and came back never evicts its newer entry. An
/// answer served from the cache is seen here as a session still found after its row was
/// deleted behind the cache's back (no mark moved, so nothing told it).
@Suite("Session cache bound", .serialized)
struct SessionCacheRingTests {
    let harness: AppHarness
    let store: SessionStore
    let userID: Int
    let bobID: Int

    init() throws {
        harness = try AppHarness()
        userID = try harness.addUser("ann")
        bobID = try harness.addUser("bob")
        store = SessionStore(database: harness.connection, maxAge: 3600, absoluteMaxAge: 86400)
    }

    func cache(capacity: Int) -> SessionCache {
        let cache = SessionCache(capacity: capacity, ttl: 30, invalidation: Metrics().sessionInvalidation)
        cache.confirm(asked: SessionCache.milliseconds())
        return cache
    }

    func session(of user: Int? = nil) throws -> SessionToken {
        let token = SessionToken.generate()
        try store.create(token, userID: user ?? userID, address: "203.0.113.5", userAgent: "test")
        return token
    }

    /// Whether `cache` answers `token` from memory: its row is gone, so a lookup that
    /// reaches the database finds nothing. The row is put back afterwards.
    func served(_ token: SessionToken, by cache: SessionCache) throws -> Bool {
        let user = try #require(try store.lookup(token)).user.id
        try store.delete(token)
        defer { _ = try? store.create(token, userID: user, address: "203.0.113.5", userAgent: "test") }
        return try cache.lookup(token, in: store) != nil
    }

    @Test("Full: each new session replaces the oldest entry")
    func oldestGoesFirst() throws {
        let cache = cache(capacity: 2)
        let (a, b, c) = (try session(), try session(), try session())
        for token in [a, b] { #expect(try cache.lookup(token, in: store) != nil) }
        #expect(try served(a, by: cache))
        #expect(try served(b, by: cache))
        #expect(try cache.lookup(c, in: store) != nil)
        #expect(cache.count == 2)
        #expect(try !served(a, by: cache))
        #expect(try served(b, by: cache))
        #expect(try served(c, by: cache))
    }

    @Test("A session not found, then found again, is not evicted through the slot it left")
    func leftSlotEvictsNothing() throws {
        let cache = cache(capacity: 3)
        let (a, b, c) = (try session(of: bobID), try session(), try session())
        for token in [a, b] { #expect(try cache.lookup(token, in: store) != nil) }
        // Ended (and bob's entries marked stale), so not found: dropped, its slot staying in
        // the ring until replaced. Back: a new slot.
        try store.delete(a)
        cache.invalidation.userChanged(bobID)
        #expect(try cache.lookup(a, in: store) == nil)
        try store.create(a, userID: bobID, address: "203.0.113.5", userAgent: "test")
        #expect(try cache.lookup(a, in: store) != nil)
        // c takes the slot a left: a's entry stays.
        #expect(try cache.lookup(c, in: store) != nil)
        #expect(try served(a, by: cache))
        #expect(try served(b, by: cache))
        #expect(try served(c, by: cache))
        #expect(cache.count == 3)
    }
}
