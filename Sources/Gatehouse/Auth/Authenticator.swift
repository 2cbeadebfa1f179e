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
    /// design's 100000) is rehashed at the configured count on the spot.
    func verify(username: String, password: String) throws(DatabaseError) -> Int? {
        guard Username.isValid(username), let credentials = try users.credentials(username: username),
              let stored = credentials.password else {
            HashingPool.shared.run { [hasher] in hasher.dummyVerify(password) }
            return nil
        }
        guard HashingPool.shared.run({ [hasher] in hasher.verify(password, against: stored) }) else { return nil }
        if hasher.needsRehash(stored) {
            try users.setPassword(userID: credentials.userID, HashingPool.shared.run { [hasher] in hasher.hash(password) })
        }
        return credentials.userID
    }
}
