/// The challenges issued for passkey ceremonies, in PostgreSQL so that any instance can
/// finish a ceremony another began: one per owner and purpose, 32 CSPRNG bytes, five
/// minutes, taken once.
///
/// The owner is a key the route chooses, such as the SHA-256 a session is stored under
/// (`SessionToken.storageKey`); issuing again replaces the earlier challenge.
public struct PasskeyChallengeStore {
    /// What a challenge is for: a challenge for one ceremony never serves another.
    public enum Purpose: String, Sendable, CaseIterable {
        case registration, signIn = "sign_in", confirmation, secondStep = "second_step"
    }

    /// Bytes in a challenge (WebAuthn asks at least 16).
    public static let byteCount = 32
    /// Seconds a challenge lives.
    public static let lifetime = 300

    public let database: DatabaseConnection

    public init(database: DatabaseConnection) {
        self.database = database
    }

    static let issueStatement = PreparedStatement("passkey_challenge_issue", """
        INSERT INTO passkey_challenge (owner, purpose, challenge, expires_at)
        VALUES ($1, $2, $3::bytea, now() + make_interval(secs => $4::int))
        ON CONFLICT (owner, purpose) DO UPDATE SET challenge = EXCLUDED.challenge, expires_at = EXCLUDED.expires_at
        """)

    // DELETE … RETURNING: of two requests presenting the same challenge at once, only one
    // gets the row; an expired row goes too but yields nothing.
    static let takeStatement = PreparedStatement("passkey_challenge_take", """
        DELETE FROM passkey_challenge WHERE owner = $1 AND purpose = $2
        RETURNING challenge, expires_at > now()
        """)

    /// Issues a fresh challenge for `owner` and `purpose`, replacing any earlier one.
    /// - Returns: the challenge bytes to send in the ceremony's options.
    public func issue(owner: String, purpose: Purpose) throws(DatabaseError) -> [UInt8] {
        let challenge = OpenSSL.randomBytes(Self.byteCount)
        _ = try database.execute(Self.issueStatement,
                                 [owner, purpose.rawValue, Bytea.encode(challenge), String(Self.lifetime)])
        return challenge
    }

    /// Takes the challenge issued to `owner` for `purpose`: it is deleted whatever comes
    /// next, so a replayed response finds none.
    /// - Returns: the challenge, or nil when none was issued, it was taken, or it expired.
    public func take(owner: String, purpose: Purpose) throws(DatabaseError) -> [UInt8]? {
        let result = try database.execute(Self.takeStatement, [owner, purpose.rawValue])
        guard let row = result.rows.first, row.count == 2, row[1] == "t", let text = row[0] else { return nil }
        return Bytea.decode(text)
    }

    /// Deletes expired challenges (never taken); run by the purge.
    @discardableResult
    public func purgeExpired() throws(DatabaseError) -> Int {
        try database.query("DELETE FROM passkey_challenge WHERE expires_at <= now()").affectedRows
    }
}
