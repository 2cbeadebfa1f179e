import GatehouseSupervision

/// The marks that make cached session lookups unusable: generation counters in the block
/// of shared counters every worker process of the instance maps, so a change made through
/// one worker is seen by all of them before its answer is sent.
///
/// A user's generation lives in one of `userSlots` slots (user id modulo the count): a
/// bump invalidates every user sharing the slot, which costs misses, never staleness.
/// `everything` drops every entry (a listener reconnect, a change whose user is unknown);
/// `changes` counts every bump of either kind, so a lookup can tell that something
/// changed while it was reading the database and decline to cache what it read.
public struct SessionInvalidation: Sendable {
    static let userSlots = 1024
    static let generationCount = 2 + userSlots
    let counters: SharedCounters
    /// Index of `changes`; `everything` follows, then the user slots.
    let base: Int
    /// Index of the hit counter; misses, invalidations and listener reconnects follow.
    let hits: Int

    /// A snapshot of the generations an entry is checked against.
    struct Mark: Equatable {
        let everything: UInt64
        let user: UInt64
    }

    var changes: UInt64 { counters[base] }

    func mark(userID: Int) -> Mark {
        Mark(everything: counters[base + 1], user: counters[slot(userID)])
    }

    private func slot(_ userID: Int) -> Int {
        base + 2 + Int(UInt(bitPattern: userID) % UInt(Self.userSlots))
    }

    /// Something about `userID` or one of their sessions changed: no worker uses what it
    /// cached about them from before now.
    public func userChanged(_ userID: Int) {
        counters.add(slot(userID))
        counters.add(base)
        counters.add(hits + 2)
    }

    /// Anything may have changed: no worker uses anything it cached before now.
    public func everythingChanged() {
        counters.add(base + 1)
        counters.add(base)
        counters.add(hits + 2)
    }

    func countHit() { counters.add(hits) }
    func countMiss() { counters.add(hits + 1) }
    func countListenerReconnect() { counters.add(hits + 3) }
}
