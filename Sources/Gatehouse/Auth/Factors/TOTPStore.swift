/// The `totp_factor` table: one authenticator app per user, its secret sealed with
/// `FactorSecretKey`, and the last accepted step, which makes every code single-use.
struct TOTPStore {
    let database: DatabaseConnection
    let key: FactorSecretKey

    /// A user's row: the secret (opened) and whether enrolment finished.
    struct Factor {
        let secret: [UInt8]
        let confirmed: Bool
        let lastStep: Int64
        /// The stored box as bytea text, to name this very secret in an UPDATE.
        let box: String
    }

    /// Enrolment secrets are kept for this long, so reloading the page shows the same QR
    /// code; an older unconfirmed one is replaced by a new secret.
    static let pendingLifetime = 900

    /// The user's factor, or `nil` when there is none (or its box does not open under
    /// this SECRET_KEY, which counts as none rather than locking the user in).
    func factor(userID: Int) throws(DatabaseError) -> Factor? {
        let row = try database.query(
            "SELECT secret, confirmed_at IS NOT NULL, last_step FROM totp_factor WHERE user_id = $1",
            [String(userID)]).rows.first
        guard let row, let stored = row[0], let box = Bytea.decode(stored), let secret = key.open(box, userID: userID) else { return nil }
        return Factor(secret: secret, confirmed: row[1] == "t", lastStep: row[2].flatMap { Int64($0) } ?? 0, box: stored)
    }

    /// Whether the user has a confirmed app.
    func isEnabled(userID: Int) throws(DatabaseError) -> Bool {
        try database.query("SELECT 1 FROM totp_factor WHERE user_id = $1 AND confirmed_at IS NOT NULL",
                           [String(userID)]).rows.count == 1
    }

    /// The secret of the enrolment under way, started now with a fresh CSPRNG secret
    /// unless a recent one exists. `nil` when an app is already confirmed.
    func pendingSecret(userID: Int, retry: Bool = true) throws(DatabaseError) -> [UInt8]? {
        let fresh = key.seal(OpenSSL.randomBytes(TOTP.secretLength), userID: userID)
        // One statement, so two tabs opening the page agree on the secret.
        _ = try database.query("""
            INSERT INTO totp_factor (user_id, secret) VALUES ($1, $2)
            ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = now(), last_step = 0
            WHERE totp_factor.confirmed_at IS NULL
              AND totp_factor.created_at < now() - make_interval(secs => $3::int)
            """, [String(userID), Bytea.encode(fresh), String(Self.pendingLifetime)])
        guard let factor = try factor(userID: userID) else {
            // A box sealed under an old SECRET_KEY. A confirmed app stays on (the user
            // removes it, or signs in with a recovery code); an enrolment starts over once.
            if try isEnabled(userID: userID) { return nil }
            guard retry else { throw DatabaseError(sqlState: nil, message: "totp_factor: a new secret did not open") }
            _ = try database.query("DELETE FROM totp_factor WHERE user_id = $1 AND confirmed_at IS NULL", [String(userID)])
            return try pendingSecret(userID: userID, retry: false)
        }
        return factor.confirmed ? nil : factor.secret
    }

    /// Turns on the pending app when `typed` is its code now. The UPDATE names the box
    /// checked, so a secret replaced meanwhile (another tab) is not confirmed.
    func confirm(userID: Int, typed: String, now: Int64) throws(DatabaseError) -> Bool {
        guard let factor = try factor(userID: userID), !factor.confirmed,
              let step = TOTP.matchingStep(typed, secret: factor.secret, now: now, after: 0) else { return false }
        return try database.query("""
            UPDATE totp_factor SET confirmed_at = now(), last_step = $2
            WHERE user_id = $1 AND confirmed_at IS NULL AND secret = $3
            """, [String(userID), String(step), factor.box]).affectedRows == 1
    }

    /// Accepts `typed` for a sign-in when it is a current code not used before. The
    /// conditional UPDATE is the replay guard: of two requests with one code, one moves
    /// last_step and the other finds it moved.
    func use(userID: Int, typed: String, now: Int64) throws(DatabaseError) -> Bool {
        guard let factor = try factor(userID: userID), factor.confirmed,
              let step = TOTP.matchingStep(typed, secret: factor.secret, now: now, after: factor.lastStep) else { return false }
        return try database.query("""
            UPDATE totp_factor SET last_step = $2 WHERE user_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2
            """, [String(userID), String(step)]).affectedRows == 1
    }

    /// Removes the user's app (confirmed or not). - Returns: whether one was confirmed.
    @discardableResult
    func remove(userID: Int) throws(DatabaseError) -> Bool {
        try database.query("DELETE FROM totp_factor WHERE user_id = $1 RETURNING confirmed_at IS NOT NULL",
                           [String(userID)]).scalar() == "t"
    }
}
