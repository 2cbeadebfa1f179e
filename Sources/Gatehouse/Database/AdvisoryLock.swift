/// Transaction-level advisory locks on text keys: a check-then-write under them (count the
/// failures, then reserve an attempt; look for a name, then insert it) is atomic for every
/// worker and instance on the database. Released at COMMIT or ROLLBACK.
enum AdvisoryLock {
    /// Gatehouse's lock spaces (the first half of the two-key lock), so keys of different
    /// purposes never wait on each other.
    enum Space: Int32 {
        /// Lockout counters: (username, address), address, username, device.
        case loginThrottle = 0x4748_0001
        /// Registrations per address.
        case registration = 0x4748_0002
        /// Usernames, lower-cased, while a new user is added.
        case username = 0x4748_0003
        /// Password-reset requests per address block, and links per user.
        case passwordReset = 0x4748_0012
        /// Address-confirmation links per user (their hourly limit).
        case emailConfirmation = 0x4748_0013
    }

    /// Takes the locks in hash order (every caller the same order, so none deadlock);
    /// equal hashes of different keys merely share a lock.
    static let lockStatement = PreparedStatement("advisory_lock_keys", """
        SELECT count(pg_advisory_xact_lock($1::int, h))
        FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k ORDER BY 1) AS keys
        """)

    /// Waits for the locks on `keys` in `space`; call inside `DatabaseConnection.transaction`.
    static func lock(_ space: Space, _ keys: [String], on database: DatabaseConnection) throws(DatabaseError) {
        _ = try database.execute(lockStatement, [String(space.rawValue), TextArray.literal(keys)])
    }
}
