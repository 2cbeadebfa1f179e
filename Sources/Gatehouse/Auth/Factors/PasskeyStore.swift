/// The `passkey` table: each user's passkeys with credential id, public key (libfido2's
/// form), algorithm, sign count, name, created and last used.
public struct PasskeyStore {
    /// One stored passkey.
    public struct Passkey: Sendable, Equatable {
        public let id: Int
        public let userID: Int
        public let credentialID: [UInt8]
        public let key: PasskeyVerifier.StoredKey
        public let name: String
        /// `created_at` and `last_used_at` as PostgreSQL prints them (UTC); nil when never used.
        public let createdAt: String
        public let lastUsedAt: String?
    }

    /// The longest name kept (names are shown on /account).
    public static let maxNameLength = 64

    public let database: DatabaseConnection

    public init(database: DatabaseConnection) {
        self.database = database
    }

    static let columns = """
        id, "user", credential_id, public_key, algorithm, sign_count, name,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
        to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
        """
    static let addStatement = PreparedStatement("passkey_add", """
        INSERT INTO passkey ("user", credential_id, public_key, algorithm, sign_count, name)
        VALUES ($1::int, $2::bytea, $3::bytea, $4::int, $5::bigint, $6)
        ON CONFLICT (credential_id) DO NOTHING RETURNING id
        """)
    static let listStatement = PreparedStatement(
        "passkey_list", "SELECT \(columns) FROM passkey WHERE \"user\" = $1::int ORDER BY created_at, id")
    static let findStatement = PreparedStatement(
        "passkey_find", "SELECT \(columns) FROM passkey WHERE credential_id = $1::bytea")
    // The condition is the sign-count rule itself, judged by PostgreSQL on the row as it is
    // when the update runs: a replayed or cloned assertion that lost a race to a real one
    // updates nothing, so the stored count never goes back.
    static let useStatement = PreparedStatement("passkey_use", """
        UPDATE passkey SET sign_count = $2::bigint, last_used_at = now()
        WHERE id = $1::bigint AND ($2::bigint > sign_count OR ($2::bigint = 0 AND sign_count = 0))
        """)
    static let renameStatement = PreparedStatement(
        "passkey_rename", "UPDATE passkey SET name = $3 WHERE id = $1::bigint AND \"user\" = $2::int")
    static let removeStatement = PreparedStatement(
        "passkey_remove", "DELETE FROM passkey WHERE id = $1::bigint AND \"user\" = $2::int")

    /// Stores a verified registration for `userID`.
    /// - Returns: the new row's id, or nil when the credential id is already stored (for
    ///   anyone: a credential id names one key).
    public func add(userID: Int, credential: FIDO2.Credential, signCount: UInt32, name: String) throws(DatabaseError) -> Int? {
        let result = try database.execute(Self.addStatement, [
            String(userID), Bytea.encode(credential.id), Bytea.encode(credential.publicKey),
            String(credential.algorithm.rawValue), String(signCount), Self.clean(name),
        ])
        return result.scalar().flatMap { Int($0) }
    }

    /// The passkeys of `userID`, oldest first.
    public func list(userID: Int) throws(DatabaseError) -> [Passkey] {
        try database.execute(Self.listStatement, [String(userID)]).rows.compactMap(Self.passkey)
    }

    /// The passkey with `credentialID`, or nil when none is stored (an unknown credential).
    public func find(credentialID: [UInt8]) throws(DatabaseError) -> Passkey? {
        guard !credentialID.isEmpty, credentialID.count <= AuthenticatorData.maxCredentialIDLength else { return nil }
        return try database.execute(Self.findStatement, [Bytea.encode(credentialID)]).rows.first.flatMap(Self.passkey)
    }

    /// Records a verified assertion: the new sign count and the time of use, atomically
    /// and only if the count still moves forward.
    /// - Returns: false when the stored count had already reached `signCount` (a replay or
    ///   clone racing the real authenticator); the caller refuses the sign-in then.
    public func recordUse(id: Int, signCount: UInt32) throws(DatabaseError) -> Bool {
        try database.execute(Self.useStatement, [String(id), String(signCount)]).affectedRows == 1
    }

    /// Renames one of `userID`'s passkeys. - Returns: whether it was theirs and changed.
    public func rename(id: Int, userID: Int, to name: String) throws(DatabaseError) -> Bool {
        try database.execute(Self.renameStatement, [String(id), String(userID), Self.clean(name)]).affectedRows == 1
    }

    /// Removes one of `userID`'s passkeys. - Returns: whether it was theirs and went.
    public func remove(id: Int, userID: Int) throws(DatabaseError) -> Bool {
        try database.execute(Self.removeStatement, [String(id), String(userID)]).affectedRows == 1
    }

    /// A name as stored: control characters dropped, trimmed, at most `maxNameLength`
    /// characters, "Passkey" when nothing is left.
    static func clean(_ name: String) -> String {
        let kept = String(name.unicodeScalars.filter { !$0.properties.generalCategory.isControl })
        let trimmed = String(kept.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        return trimmed.isEmpty ? "Passkey" : String(trimmed.prefix(maxNameLength))
    }

    /// A row of `columns` as a `Passkey`; nil for a row no build of Gatehouse wrote.
    private static func passkey(_ row: [String?]) -> Passkey? {
        guard row.count == 9, let id = row[0].flatMap({ Int($0) }), let user = row[1].flatMap({ Int($0) }),
              let credentialID = row[2].flatMap(Bytea.decode), let publicKey = row[3].flatMap(Bytea.decode),
              let algorithm = row[4].flatMap({ Int($0) }).flatMap(FIDO2.Algorithm.init(rawValue:)),
              let signCount = row[5].flatMap({ UInt32($0) }), let name = row[6], let created = row[7]
        else { return nil }
        return Passkey(
            id: id, userID: user, credentialID: credentialID,
            key: PasskeyVerifier.StoredKey(publicKey: publicKey, algorithm: algorithm, signCount: signCount),
            name: name, createdAt: created, lastUsedAt: row[8])
    }
}

private extension Unicode.GeneralCategory {
    /// Control, format, separator-line/paragraph: nothing a name shows.
    var isControl: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse: true
        default: false
        }
    }
}
