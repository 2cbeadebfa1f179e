/// The `users` table: credentials for login, and the changes the CLI and admin pages make.
public struct UserStore {
    /// The connection of the current thread.
    public let database: DatabaseConnection

    /// What login needs to check a password.
    public struct Credentials: Sendable, Equatable {
        /// `users.id`.
        public let userID: Int
        /// The stored hash, salt and iteration count; `nil` when the user has no password.
        public let password: PasswordHash?
    }

    /// Why a change was refused.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case exists(String)
        case unknown(String)
        case invalidUsername(String)
        case invalidScope(String)

        public var description: String {
            switch self {
            case .exists(let name): "user \(name) already exists"
            case .unknown(let name): "no user named \(name)"
            case .invalidUsername(let name): "invalid username \"\(name)\": use 1–20 of A–Z a–z 0–9 _ . @ -"
            case .invalidScope(let scope): "invalid scope \"\(scope)\": use 1–64 of A–Z a–z 0–9 _ . : -"
            }
        }
    }

    /// Creates a store on `database`.
    public init(database: DatabaseConnection) {
        self.database = database
    }

    static let selectCredentials = PreparedStatement(
        "user_credentials", "SELECT id, p_hash, p_salt, p_iterations FROM users WHERE username = $1")
    static let updatePassword = PreparedStatement(
        "user_set_password", "UPDATE users SET p_hash = $2, p_salt = $3, p_iterations = $4 WHERE id = $1")

    /// The stored credentials of `username`, or `nil` when there is no such user.
    public func credentials(username: String) throws(DatabaseError) -> Credentials? {
        guard let row = try database.execute(UserStore.selectCredentials, [username]).rows.first,
              let id = row[0].flatMap({ Int($0) }) else { return nil }
        var password: PasswordHash?
        if let hash = row[1].flatMap(Bytea.decode), let salt = row[2].flatMap(Bytea.decode) {
            let iterations = row[3].flatMap { Int($0) } ?? PasswordHasher.legacyIterations
            password = PasswordHash(hash: hash, salt: salt, iterations: iterations)
        }
        return Credentials(userID: id, password: password)
    }

    /// Replaces the password hash of user `id`.
    public func setPassword(userID: Int, _ password: PasswordHash) throws(DatabaseError) {
        _ = try database.execute(UserStore.updatePassword, [
            String(userID), Bytea.encode(password.hash), Bytea.encode(password.salt), String(password.iterations),
        ])
    }

    /// Adds a user; every new user has scope `authenticated` besides `scopes`.
    ///
    /// Usernames are unique ignoring case: under an advisory lock on the lower-cased name,
    /// the insert happens only if no user holds that name in any case, so `Admin` cannot
    /// join `admin` even when both are added at once. (A unique index cannot say this: an
    /// adopted database may already hold both, and keeps them.)
    /// - Throws: `Failure.exists` (naming the user who holds the name), `.invalidUsername`,
    ///   `.invalidScope`, or `DatabaseError`.
    @discardableResult
    public func add(username: String, firstName: String?, lastName: String?, scopes: [String], password: PasswordHash) throws -> Int {
        guard Username.isValid(username) else { throw Failure.invalidUsername(username) }
        var all = ["authenticated"]
        for scope in scopes where !all.contains(scope) {
            guard Username.isValidScope(scope) else { throw Failure.invalidScope(scope) }
            all.append(scope)
        }
        do {
            return try database.transaction {
                try AdvisoryLock.lock(.username, [username.lowercased()], on: database)
                let inserted = try database.query("""
                    INSERT INTO users (username, first_name, last_name, p_hash, p_salt, p_iterations, scope, info)
                    SELECT $1::varchar, $2::varchar, $3::varchar, $4::bytea, $5::bytea, $6::int, to_jsonb($7::text[]), '{}'::jsonb
                    WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1))
                    RETURNING id
                    """, [username, firstName, lastName, Bytea.encode(password.hash), Bytea.encode(password.salt),
                          String(password.iterations), TextArray.literal(all)])
                guard let id = inserted.scalar().flatMap({ Int($0) }) else {
                    throw Failure.exists(try holder(of: username) ?? username)
                }
                return id
            }
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw Failure.exists(username)
        }
    }

    /// The username that holds `username` ignoring case, if any.
    public func holder(of username: String) throws(DatabaseError) -> String? {
        try database.query("SELECT username FROM users WHERE lower(username) = lower($1) ORDER BY id LIMIT 1", [username]).scalar()
    }

    /// The user named `username`, or `nil`.
    public func find(username: String) throws(DatabaseError) -> User? {
        try users(where: "username = $1", [username]).first
    }

    /// How many users exist.
    public func count() throws(DatabaseError) -> Int {
        try database.query("SELECT count(*) FROM users").scalar().flatMap { Int($0) } ?? 0
    }

    /// Removes `remove`, then appends those of `add` not yet held (in the order given).
    /// `scope` is the stored array, or an empty one when an adopted row holds something
    /// else there (an object, a bare string: they grant nothing when read either), so an
    /// object's keys are never taken for scopes and a stray `"admin"` never becomes one.
    /// One UPDATE builds the new array in PostgreSQL: two changes at once both land
    /// (the second re-reads the row the first wrote) and no name is ever re-serialised here.
    static let changeScopesSQL = """
        UPDATE users SET scope = (
            SELECT kept || COALESCE((SELECT jsonb_agg(added.name ORDER BY added.position)
                                     FROM unnest($2::text[]) WITH ORDINALITY AS added(name, position)
                                     WHERE NOT kept ? added.name), '[]'::jsonb)
            FROM (SELECT CASE jsonb_typeof(scope) WHEN 'array' THEN scope ELSE '[]'::jsonb END - $3::text[] AS kept) AS current
        )
        WHERE username = $1
        RETURNING scope::text
        """

    /// Adds and removes scopes of `username` in one atomic statement; a scope both added
    /// and removed ends up held.
    /// - Returns: the scopes afterwards.
    /// - Throws: `Failure.invalidScope` before anything changes, `.unknown`, or `DatabaseError`.
    public func changeScopes(username: String, add: [String], remove: [String]) throws -> [String] {
        for scope in add where !Username.isValidScope(scope) { throw Failure.invalidScope(scope) }
        for scope in remove where !Username.isRemovableScope(scope) { throw Failure.invalidScope(scope) }
        var adding: [String] = []
        for scope in add where !adding.contains(scope) { adding.append(scope) }
        let result = try database.query(UserStore.changeScopesSQL, [username, TextArray.literal(adding), TextArray.literal(remove)])
        guard let json = result.scalar() else { throw Failure.unknown(username) }
        return ScopeList.scopes(json: json)
    }

    /// Removes `username`; their sessions go with them (foreign key cascade).
    public func remove(username: String) throws {
        let result = try database.query("DELETE FROM users WHERE username = $1", [username])
        guard result.affectedRows == 1 else { throw Failure.unknown(username) }
    }

    /// The users matching `condition` (fixed SQL text; values only as `parameters`).
    func users(where condition: String, _ parameters: [String?], order: String = "username", limit: Int? = nil) throws(DatabaseError) -> [User] {
        try database.query("""
            SELECT id, username, first_name, last_name, scope::text
            FROM users WHERE \(condition) ORDER BY \(order)\(limit.map { " LIMIT \($0)" } ?? "")
            """, parameters).rows.compactMap { row in
            guard let id = row[0].flatMap({ Int($0) }), let username = row[1] else { return nil }
            let scopes = ScopeList.scopes(json: row[4] ?? "")
            return User(id: id, username: username, firstName: row[2], lastName: row[3], scopes: scopes)
        }
    }
}
