/// Ten single-use recovery codes per user, for a lost authenticator: shown once when
/// made, kept only as digests in `recovery_code`.
///
/// Each code is 60 random bits (12 base32 letters, `xxxx-xxxx-xxxx`). A plain SHA-256 is
/// the right digest for them, unlike passwords: a slow, salted hash defends guessable
/// secrets against offline search, but a search of 2^60 per code is out of reach however
/// fast the hash, and an online guess is stopped by the sign-in lockout.
struct RecoveryCodes {
    let database: DatabaseConnection

    /// Codes made at a time.
    static let count = 10
    /// Base32 letters per code (5 bits each).
    static let length = 12

    /// A new code, grouped for reading.
    static func generate() -> String {
        let letters = Array(Base32.encode(OpenSSL.randomBytes(8), padded: false).lowercased().prefix(length))
        return stride(from: 0, to: length, by: 4).map { String(letters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// The code as typed in its canonical form (lower case, no dashes or spaces), or `nil`
    /// when it cannot be a code.
    static func normalized(_ typed: String) -> String? {
        let kept = typed.lowercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        guard kept.count == length, kept.allSatisfy({
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "2") && $0 <= UInt8(ascii: "7"))
        }) else { return nil }
        return String(decoding: kept, as: UTF8.self)
    }

    /// The stored digest of a canonical code.
    static func digest(_ canonical: String) -> String {
        Bytea.encode(OpenSSL.sha256(canonical.utf8))
    }

    /// Replaces the user's codes with ten new ones, in one transaction.
    /// - Returns: the new codes, to be shown once.
    func regenerate(userID: Int) throws -> [String] {
        let codes = (0..<Self.count).map { _ in Self.generate() }
        let digests = codes.map { Self.digest(Self.normalized($0)!) }
        try database.transaction {
            _ = try database.query("DELETE FROM recovery_code WHERE user_id = $1", [String(userID)])
            _ = try database.query("""
                INSERT INTO recovery_code (user_id, digest) SELECT $1, decode(substr(d, 3), 'hex') FROM unnest($2::text[]) AS d
                """, [String(userID), TextArray.literal(digests)])
        }
        return codes
    }

    /// Uses up `typed` if it is one of the user's codes. One DELETE decides, so of two
    /// requests with one code exactly one succeeds.
    func consume(userID: Int, typed: String) throws(DatabaseError) -> Bool {
        guard let canonical = Self.normalized(typed) else { return false }
        return try database.query("DELETE FROM recovery_code WHERE user_id = $1 AND digest = $2",
                                  [String(userID), Self.digest(canonical)]).affectedRows == 1
    }

    /// How many unused codes the user holds.
    func remaining(userID: Int) throws(DatabaseError) -> Int {
        try database.query("SELECT count(*) FROM recovery_code WHERE user_id = $1", [String(userID)]).scalar().flatMap { Int($0) } ?? 0
    }

    /// Deletes every code of the user. - Returns: how many there were.
    @discardableResult
    func removeAll(userID: Int) throws(DatabaseError) -> Int {
        try database.query("DELETE FROM recovery_code WHERE user_id = $1", [String(userID)]).affectedRows
    }
}
