/// The `email_confirmation` table: an address a user asked for (on /account or at
/// registration) becomes theirs only when the link mailed to it is followed.
///
/// The pending address is not written to `users` and reserves nothing: nobody can block
/// an address by asking for it, and the unique index on `lower(users.email)` settles who
/// holds it when a link is followed. Only a user's newest link counts; asking again, or
/// an address set by an admin or the CLI, ends the older ones.
struct AddressConfirmations {
    let database: DatabaseConnection

    /// Seconds a confirmation link is good for: a day, since mail can be slow and the link
    /// only proves the mailbox (the change was asked for by a re-confirmed session).
    static let lifetime = 86_400
    /// Links one user may have mailed per hour, so a session cannot mail-bomb an address.
    static let hourlyLimit = 5

    /// An address waiting for its link to be followed.
    struct Pending: Sendable, Equatable {
        let userID: Int
        let username: String
        let address: String
    }

    /// A followed link's result.
    enum Outcome: Sendable, Equatable {
        /// The address is the user's now; `previous` is the address it replaced, if that
        /// one was confirmed (the one to tell).
        case confirmed(Pending, previous: MailAddress?)
        /// Unknown, used, expired or replaced by a newer link.
        case invalid
        /// Another user holds this address (compared ignoring case) by now.
        case taken
    }

    /// Starts a confirmation of `address` for `userID`, ending the user's older links.
    /// Call it inside the transaction that queues the mail carrying the token.
    /// - Returns: the token for the link, or `nil` when the user asked `hourlyLimit` times
    ///   within the last hour (nothing is written then).
    func request(userID: Int, address: MailAddress) throws(DatabaseError) -> LinkToken? {
        try AdvisoryLock.lock(.emailConfirmation, [String(userID)], on: database)
        let recent = try database.query("""
            SELECT count(*) FROM email_confirmation WHERE "user" = $1 AND created_at > now() - interval '1 hour'
            """, [String(userID)]).scalar().flatMap { Int($0) } ?? 0
        guard recent < Self.hourlyLimit else { return nil }
        try endPending(userID: userID)
        let token = LinkToken.generate()
        _ = try database.query("""
            INSERT INTO email_confirmation (digest, "user", email, expires_at)
            VALUES ($1::bytea, $2::int, $3, now() + make_interval(secs => $4::int))
            """, [Bytea.encode(token.digest), String(userID), address.text, String(Self.lifetime)])
        return token
    }

    /// Ends every link of `userID` not yet followed (a newer link, or an address set
    /// another way, replaces them).
    func endPending(userID: Int) throws(DatabaseError) {
        _ = try database.query("""
            UPDATE email_confirmation SET expires_at = now()
            WHERE "user" = $1 AND used_at IS NULL AND expires_at > now()
            """, [String(userID)])
    }

    /// Deletes links used or expired that the hourly limit no longer counts.
    func purgeOld() throws(DatabaseError) {
        _ = try database.query("""
            DELETE FROM email_confirmation
            WHERE created_at < now() - interval '1 hour' AND (used_at IS NOT NULL OR expires_at <= now())
            """)
    }

    /// The address `userID` waits to confirm, if a live link exists.
    func pending(userID: Int) throws(DatabaseError) -> String? {
        try database.query("""
            SELECT email FROM email_confirmation WHERE "user" = $1 AND used_at IS NULL AND expires_at > now()
            ORDER BY created_at DESC LIMIT 1
            """, [String(userID)]).scalar()
    }

    /// What a live link would confirm, without using it (the page a link opens).
    func peek(_ token: LinkToken) throws(DatabaseError) -> Pending? {
        guard let row = try database.query("""
            SELECT c."user", u.username, c.email FROM email_confirmation c JOIN users u ON u.id = c."user"
            WHERE c.digest = $1::bytea AND c.used_at IS NULL AND c.expires_at > now()
            """, [Bytea.encode(token.digest)]).rows.first,
              let id = row[0].flatMap({ Int($0) }), let username = row[1], let address = row[2] else { return nil }
        return Pending(userID: id, username: username, address: address)
    }

    /// Uses the link: the address becomes the user's, confirmed now. Call it inside a
    /// transaction (the notice to the previous address joins it). Another user taking the
    /// address between the check and the update fails on the unique index: a
    /// `DatabaseError` the transaction rolls back, leaving the link unused.
    func confirm(_ token: LinkToken) throws(DatabaseError) -> Outcome {
        guard let pending = try peek(token) else { return .invalid }
        let users = UserStore(database: database)
        if try users.emailHolder(of: pending.address, other: pending.userID) { return .taken }
        let used = try database.query("""
            UPDATE email_confirmation SET used_at = now()
            WHERE digest = $1::bytea AND used_at IS NULL AND expires_at > now()
            """, [Bytea.encode(token.digest)])
        guard used.affectedRows == 1, let change = try users.replaceEmail(userID: pending.userID, with: pending.address) else {
            return .invalid
        }
        try endPending(userID: pending.userID)
        return .confirmed(pending, previous: change.previousToTell)
    }
}
