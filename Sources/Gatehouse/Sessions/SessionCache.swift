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
    /// The SHA-256 of a token's text (what `SessionToken.storageKey` spells in hex), held
    /// inline: no string per entry, and hashed as four words.
    struct Key: Hashable {
        let words: (UInt64, UInt64, UInt64, UInt64)

        init(_ token: SessionToken) {
            words = OpenSSL.sha256(token.text.utf8).withUnsafeBytes { digest in
                func word(_ at: Int) -> UInt64 { digest.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
                return (word(0), word(8), word(16), word(24))
            }
        }

        static func == (a: Key, b: Key) -> Bool { a.words == b.words }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
        }
    }

    private struct Entry {
        let key: Key
        var found: SessionStore.Found
        let mark: SessionInvalidation.Mark
        /// Monotonic seconds after which the entry is not used.
        let usableUntil: Double
        /// Monotonic time of the session's last authentication (`authenticatedAgo` then).
        let authenticatedAt: Double
    }

    /// Entries in one array used as a ring of `capacity` slots (the oldest is replaced
    /// first), found through `slots`: about 300 bytes an entry in all, a third less than
    /// a dictionary of entries keyed by hex strings with a ring of those keys beside it.
    private struct State {
        var slots: [Key: Int]
        var ring: [Entry]
        var next = 0

        init(capacity: Int) {
            // Reserved, not touched: memory is taken as entries arrive, and never copied
            // as the ring grows.
            slots = Dictionary(minimumCapacity: capacity)
            ring = []
            ring.reserveCapacity(capacity)
        }

        func entry(_ key: Key) -> Entry? { slots[key].map { ring[$0] } }

        mutating func store(_ entry: Entry, capacity: Int) {
            if let slot = slots[entry.key] {
                ring[slot] = entry
            } else if ring.count < capacity {
                slots[entry.key] = ring.count
                ring.append(entry)
            } else {
                // A slot whose key was removed (or stored again elsewhere) is no longer its key's.
                let evicted = ring[next].key
                if slots[evicted] == next { slots.removeValue(forKey: evicted) }
                ring[next] = entry
                slots[entry.key] = next
                next = (next + 1) % capacity
            }
        }
    }

    let capacity: Int
    let ttl: Double
    let invalidation: SessionInvalidation
    private let state: Mutex<State>
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
        state = Mutex(State(capacity: self.capacity))
        self.ttl = Double(ttl)
        self.invalidation = invalidation
    }

    /// The cached lookup of `token` when still usable, else `store`'s answer (cached when
    /// nothing changed while it was read).
    func lookup(_ token: SessionToken, in store: SessionStore) throws(DatabaseError) -> SessionStore.Found? {
        guard listening else { return try store.lookup(token) }
        let key = Key(token)
        let now = MonotonicClock.now()
        if var entry = state.withLock({ $0.entry(key) }), entry.usableUntil > now,
           invalidation.mark(userID: entry.found.user.id) == entry.mark {
            invalidation.countHit()
            entry.found.authenticatedAgo = Int(now - entry.authenticatedAt)
            return entry.found
        }
        invalidation.countMiss()
        let changesBefore = invalidation.changes
        guard let read = try store.timedLookup(token) else {
            state.withLock { _ = $0.slots.removeValue(forKey: key) }
            return nil
        }
        let mark = invalidation.mark(userID: read.found.user.id)
        let usable = min(ttl, read.reusableFor)
        // Read under a change (or the listener dropped meanwhile): answer, keep nothing.
        guard usable > 0, invalidation.changes == changesBefore, listening else { return read.found }
        let entry = Entry(key: key, found: read.found, mark: mark, usableUntil: now + usable,
                          authenticatedAt: now - Double(read.found.authenticatedAgo))
        state.withLock { $0.store(entry, capacity: capacity) }
        return read.found
    }

    /// Entries held now (for tests).
    var count: Int { state.withLock { $0.slots.count } }
}
