import Synchronization

/// This worker process's recent session lookups (token hash → what `SessionStore.lookup`
/// found), bounded by SESSION_CACHE_SIZE and SESSION_CACHE_TTL.
///
/// Revocation stays immediate: an entry is used only while the change listener of this
/// process is connected (`listening`), while no generation in `SessionInvalidation` has
/// moved past the one it was read under, and until the first of its TTL, the moment the
/// session would need its idle expiry slid (then the database is asked, and slides it)
/// and its absolute expiry.
final class SessionCache: Sendable {
    private struct Entry {
        var found: SessionStore.Found
        let mark: SessionInvalidation.Mark
        /// Monotonic seconds after which the entry is not used.
        let usableUntil: Double
        /// Monotonic time of the session's last authentication (`authenticatedAgo` then).
        let authenticatedAt: Double
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Keys in insertion order, a ring of `capacity`: the oldest goes first.
        var order: [String] = []
        var next = 0
    }

    let capacity: Int
    let ttl: Double
    let invalidation: SessionInvalidation
    private let state = Mutex(State())
    /// Milliseconds (monotonic) when the listener last confirmed it had heard everything
    /// committed before; 0 while it is down. Older than `confirmedWindow`: bypassed.
    private let confirmedAt = Atomic<Int>(0)
    static let confirmedWindow = 100

    static func milliseconds() -> Int { Int(MonotonicClock.now() * 1000) }

    /// The listener has applied every notification committed before `asked`.
    func confirm(asked: Int) { confirmedAt.store(asked, ordering: .releasing) }

    /// The listener lost its connection.
    func unconfirm() { confirmedAt.store(0, ordering: .releasing) }

    /// Whether the listener is connected and current.
    var listening: Bool {
        let confirmed = confirmedAt.load(ordering: .acquiring)
        return confirmed > 0 && Self.milliseconds() - confirmed < Self.confirmedWindow
    }

    init(capacity: Int, ttl: Int, invalidation: SessionInvalidation) {
        self.capacity = max(1, capacity)
        self.ttl = Double(ttl)
        self.invalidation = invalidation
    }

    /// The cached lookup of `token` when still usable, else `store`'s answer (cached when
    /// nothing changed while it was read).
    func lookup(_ token: SessionToken, in store: SessionStore) throws(DatabaseError) -> SessionStore.Found? {
        guard listening else { return try store.lookup(token) }
        let key = token.storageKey
        let now = MonotonicClock.now()
        if var entry = state.withLock({ $0.entries[key] }), entry.usableUntil > now,
           invalidation.mark(userID: entry.found.user.id) == entry.mark {
            invalidation.countHit()
            entry.found.authenticatedAgo = Int(now - entry.authenticatedAt)
            return entry.found
        }
        invalidation.countMiss()
        let changesBefore = invalidation.changes
        guard let read = try store.timedLookup(token) else {
            state.withLock { _ = $0.entries.removeValue(forKey: key) }
            return nil
        }
        let mark = invalidation.mark(userID: read.found.user.id)
        let usable = min(ttl, read.reusableFor)
        // Read under a change (or the listener dropped meanwhile): answer, keep nothing.
        guard usable > 0, invalidation.changes == changesBefore, listening else { return read.found }
        let entry = Entry(found: read.found, mark: mark, usableUntil: now + usable,
                          authenticatedAt: now - Double(read.found.authenticatedAgo))
        state.withLock { state in
            if state.entries.updateValue(entry, forKey: key) == nil {
                if state.order.count < capacity {
                    state.order.append(key)
                } else {
                    state.entries.removeValue(forKey: state.order[state.next])
                    state.order[state.next] = key
                    state.next = (state.next + 1) % capacity
                }
            }
        }
        return read.found
    }

    /// Entries held now (for tests).
    var count: Int { state.withLock { $0.entries.count } }
}
