/// Checks a username and password against the `users` table.
///
/// Every outcome costs the configured PBKDF2 work: unknown users and users without a
/// password pay for a dummy hash, and users whose stored hash is cheaper (the original
/// design's 100000 iterations) are padded, so response time does not reveal which
/// usernames exist.
struct Authenticator {
    let users: UserStore
    let hasher: PasswordHasher

    init(context: RequestContext) {
        self.init(database: context.database, iterations: context.configuration.pbkdf2Iterations)
    }

    init(database: DatabaseConnection, iterations: Int) {
        users = UserStore(database: database)
        hasher = PasswordHasher(iterations: iterations)
    }

    /// The stored credentials of `username`; `nil` for an unknown or malformed name
    /// (which is not looked up at all).
    func lookup(username: String) throws(DatabaseError) -> UserStore.Credentials? {
        guard Username.isValid(username) else { return nil }
        return try users.credentials(username: username)
    }

    /// Checks `password` against `credentials` (`nil`: no such user) on a hashing thread.
    ///
    /// A correct password stored with another iteration count (such as the original
    /// design's 100000) is rehashed at the configured count on the spot, unless the hashing
    /// pool is full by then: it is rehashed at a later sign-in instead.
    /// - Throws: `HashingPool.Busy` when the password could not be checked (nothing is
    ///   judged: it is neither right nor wrong), or a `DatabaseError`.
    func check(_ password: String, against credentials: UserStore.Credentials?) throws -> PasswordHasher.Check {
        let stored = credentials?.password
        let check = try HashingPool.shared.run { [hasher] in hasher.check(password, against: stored) }
        if check.matched, let credentials, let stored, hasher.needsRehash(stored),
           let fresh = try? HashingPool.shared.run({ [hasher] in hasher.hash(password) }) {
            try users.setPassword(userID: credentials.userID, fresh)
        }
        return check
    }

    /// The user id when `password` is right for `username`, else `nil`.
    func verify(username: String, password: String) throws -> Int? {
        let credentials = try lookup(username: username)
        return try check(password, against: credentials).matched ? credentials?.userID : nil
    }
}
