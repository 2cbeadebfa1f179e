/// A half-done sign-in: the password was right and the second factor is still owed.
///
/// Kept in `pending_sign_in`, keyed like sessions by the storage key of a fresh token the
/// browser carries in the session cookie. It is deliberately not a `session` row: the
/// session lookup, every guard and `/auth/check` never see it, so a password alone opens
/// nothing. It lives five minutes and is used up by the one request that completes it.
struct PendingSignIn {
    let database: DatabaseConnection

    /// Seconds a half-done sign-in waits for its second factor.
    static let lifetime = 300

    /// Who is signing in, and where they go afterwards.
    struct State {
        let userID: Int
        let username: String
        let next: String
    }

    /// Records that `userID`'s password was right, for the browser holding `token`.
    func start(_ token: SessionToken, userID: Int, next: String) throws(DatabaseError) {
        _ = try database.query("""
            INSERT INTO pending_sign_in (token, "user", next, expires_at)
            VALUES ($1, $2, $3, now() + make_interval(secs => $4::int))
            ON CONFLICT (token) DO UPDATE SET "user" = EXCLUDED."user", next = EXCLUDED.next, expires_at = EXCLUDED.expires_at
            """, [token.storageKey, String(userID), next, String(Self.lifetime)])
    }

    /// The live half-done sign-in of `token`, if any.
    func find(_ token: SessionToken?) throws(DatabaseError) -> State? {
        guard let token else { return nil }
        let row = try database.query("""
            SELECT p."user", u.username, p.next FROM pending_sign_in p JOIN users u ON u.id = p."user"
            WHERE p.token = $1 AND p.expires_at > now()
            """, [token.storageKey]).rows.first
        guard let row, let userID = row[0].flatMap({ Int($0) }), let username = row[1] else { return nil }
        return State(userID: userID, username: username, next: row[2] ?? "/")
    }

    /// Uses the half-done sign-in up. - Returns: whether it was still there and live (of
    /// two requests completing it at once, one gets `true`).
    func finish(_ token: SessionToken) throws(DatabaseError) -> Bool {
        try database.query("DELETE FROM pending_sign_in WHERE token = $1 AND expires_at > now()",
                           [token.storageKey]).affectedRows == 1
    }

    /// Deletes expired half-done sign-ins. - Returns: how many.
    @discardableResult
    func purgeExpired() throws(DatabaseError) -> Int {
        try database.query("DELETE FROM pending_sign_in WHERE expires_at <= now()").affectedRows
    }
}
