extension UserStore {
    /// Why an address cannot be set.
    public enum EmailFailure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not an address Gatehouse sends to; the reason in words.
        case invalid(String)
        /// Another user holds it (compared ignoring case).
        case taken
        case unknownUser(String)

        public var description: String {
            switch self {
            case .invalid(let why): "invalid email address: \(why)"
            case .taken: "another user already has this email address"
            case .unknownUser(let name): "no user named \(name)"
            }
        }
    }

    /// Why `text` is no email address Gatehouse accepts; `nil` when it is one.
    public static func emailProblem(_ text: String) -> String? {
        MailAddress.problem(text)
    }

    /// Sets `username`'s address as confirmed (the CLI's and an admin's way: they vouch
    /// for it). The database's unique index on `lower(email)` settles races.
    /// - Returns: the address as stored.
    /// - Throws: `EmailFailure`, or `DatabaseError`.
    @discardableResult
    public func setConfirmedEmail(username: String, _ text: String) throws -> String {
        guard let address = MailAddress(text) else { throw EmailFailure.invalid(MailAddress.problem(text) ?? "") }
        do {
            let updated = try database.query(
                "UPDATE users SET email = $2, email_confirmed_at = now() WHERE username = $1 RETURNING id", [username, address.text])
            guard updated.affectedRows == 1 else { throw EmailFailure.unknownUser(username) }
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw EmailFailure.taken
        }
        return address.text
    }
}
