/// Sign-ups per client address (IPv6 per /64), counted in PostgreSQL like the lockout:
/// registration creates accounts and costs a password hash, and "that name is taken"
/// answers whether a username exists, so neither may be had in bulk.
///
/// Each sign-up that gets as far as the name check takes a place, reserved atomically
/// under an advisory lock on the address, so a burst cannot pass the limit either.
struct RegistrationThrottle {
    /// Sign-ups allowed from one address per `window`.
    static let limit = 10
    /// The window, in seconds.
    static let window = 3600

    let database: DatabaseConnection

    static let countStatement = PreparedStatement("registration_count", """
        SELECT count(*), ceil(extract(epoch FROM min(at) + make_interval(secs => $2::int) - now()))::int
        FROM registration_attempt WHERE address = $1 AND at > now() - make_interval(secs => $2::int)
        """)
    static let reserveStatement = PreparedStatement(
        "registration_reserve", "INSERT INTO registration_attempt (address) VALUES ($1)")

    /// Takes a place for a sign-up from `address`.
    /// - Returns: `nil` when it may go ahead, else the seconds until a place frees up.
    func reserve(address: String) throws -> Int? {
        let block = AddressBlock.key(address)
        return try database.transaction { () throws -> Int? in
            try AdvisoryLock.lock(.registration, [block], on: database)
            let row = try database.execute(Self.countStatement, [block, String(Self.window)]).rows.first ?? []
            let count = row.first.flatMap { $0.flatMap { Int($0) } } ?? 0
            if count >= Self.limit {
                let wait = row.count > 1 ? row[1].flatMap { Int($0) } : nil
                return max(1, min(Self.window, wait ?? Self.window))
            }
            _ = try database.execute(Self.reserveStatement, [block])
            return nil
        }
    }

    /// Deletes places older than the window.
    static func purgeOld(database: DatabaseConnection) throws(DatabaseError) {
        _ = try database.query("DELETE FROM registration_attempt WHERE at < now() - make_interval(secs => $1::int)",
                               [String(window)])
    }
}
