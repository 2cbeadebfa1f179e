/// The `password_reset` table: links by the SHA-256 of their token, single use, good for
/// RESET_MAX_AGE seconds.
struct PasswordResetLinks {
    let database: DatabaseConnection

    /// What a presented link is.
    enum State: Equatable {
        /// Unused and in time, for this user.
        case valid(userID: Int, username: String, firstName: String?, lastName: String?)
        /// Unused but past its lifetime.
        case expired
        /// Used, replaced by a used sibling, or never issued.
        case unknown
    }

    /// Stores a new link for `userID`, good for `lifetime` seconds.
    /// - Returns: the token for the mail; only its digest is stored.
    func issue(userID: Int, lifetime: Int) throws(DatabaseError) -> LinkToken {
        let token = LinkToken.generate()
        _ = try database.query("""
            INSERT INTO password_reset (digest, "user", expires_at) VALUES ($1::bytea, $2, now() + make_interval(secs => $3::int))
            """, [Bytea.encode(token.digest), String(userID), String(lifetime)])
        return token
    }

    /// Links issued to `userID` within the last `seconds`, used or not.
    func issuedCount(userID: Int, within seconds: Int) throws(DatabaseError) -> Int {
        Int(try database.query("""
            SELECT count(*) FROM password_reset WHERE "user" = $1 AND created_at > now() - make_interval(secs => $2::int)
            """, [String(userID), String(seconds)]).scalar() ?? "") ?? 0
    }

    /// What `token` opens, without using it.
    func state(of token: LinkToken) throws(DatabaseError) -> State {
        guard let row = try database.query("""
            SELECT r."user", u.username, u.first_name, u.last_name, r.expires_at > now()
            FROM password_reset r JOIN users u ON u.id = r."user"
            WHERE r.digest = $1::bytea AND r.used_at IS NULL
            """, [Bytea.encode(token.digest)]).rows.first, let userID = row[0].flatMap({ Int($0) }) else { return .unknown }
        guard row[4] == "t" else { return .expired }
        return .valid(userID: userID, username: row[1] ?? "", firstName: row[2], lastName: row[3])
    }

    /// Uses `token`: marks it and every other open link of its user used, in the caller's
    /// transaction. Only one of any number of requests presenting it at once gets the user.
    /// - Returns: the user's id, or `nil` when the link is not (or no longer) valid.
    func use(_ token: LinkToken) throws(DatabaseError) -> Int? {
        guard let userID = try database.query("""
            UPDATE password_reset SET used_at = now()
            WHERE digest = $1::bytea AND used_at IS NULL AND expires_at > now() RETURNING "user"
            """, [Bytea.encode(token.digest)]).scalar().flatMap({ Int($0) }) else { return nil }
        _ = try database.query("UPDATE password_reset SET used_at = now() WHERE \"user\" = $1 AND used_at IS NULL", [String(userID)])
        return userID
    }

    /// Deletes links that ended (used or expired) more than a day ago.
    static func purgeOld(database: DatabaseConnection) throws(DatabaseError) {
        _ = try database.query("""
            DELETE FROM password_reset WHERE expires_at < now() - interval '1 day' OR used_at < now() - interval '1 day'
            """)
    }
}
