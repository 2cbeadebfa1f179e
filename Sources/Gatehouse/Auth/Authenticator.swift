/// Checks a username and password against the `users` table.
///
/// Every outcome costs one password hash: unknown users and malformed names pay for a
/// dummy one, so response time does not reveal which usernames exist.
struct Authenticator {
    let users: UserStore
    let hasher: PasswordHasher

    init(context: RequestContext) {
        users = UserStore(database: context.database)
        hasher = PasswordHasher(iterations: context.configuration.pbkdf2Iterations)
    }

    /// The user id when `password` is right for `username`, else `nil`.
    ///
    /// A correct password stored with another iteration count (such as the original
    /// design's 100000) is rehashed at the configured count on the spot, unless the hashing
    /// pool is full by then: it is rehashed at a later sign-in instead.
    /// - Throws: `HashingPool.Busy` when the password could not be checked (nothing is
    ///   judged: it is neither right nor wrong), or a `DatabaseError`.
    func verify(username: String, password: String) throws -> Int? {
        guard Username.isValid(username), let credentials = try users.credentials(username: username),
              let stored = credentials.password else {
            try HashingPool.shared.run { [hasher] in hasher.dummyVerify(password) }
            return nil
        }
        guard try HashingPool.shared.run({ [hasher] in hasher.verify(password, against: stored) }) else { return nil }
        if hasher.needsRehash(stored), let fresh = try? HashingPool.shared.run({ [hasher] in hasher.hash(password) }) {
            try users.setPassword(userID: credentials.userID, fresh)
        }
        return credentials.userID
    }
}
