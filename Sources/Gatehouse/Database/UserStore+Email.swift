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

    /// An address set: the user's, and the one it replaced.
    public struct EmailChange: Sendable, Equatable {
        public let userID: Int
        public let username: String
        /// The address as stored now.
        public let address: String
        /// The address before, if any, and whether it was confirmed.
        let previous: String?
        let previousConfirmed: Bool

        /// The address to tell of the change: the previous one when it was confirmed and
        /// is not the same address (ignoring case). Unconfirmed addresses are never written to.
        var previousToTell: MailAddress? {
            guard previousConfirmed, let previous, previous.lowercased() != address.lowercased() else { return nil }
            return MailAddress(previous)
        }
    }

    /// Sets `username`'s address as confirmed (the CLI's and an admin's way: they vouch
    /// for it) and ends the user's unfollowed confirmation links. Call it inside a
    /// transaction (with the notice to the previous address). The database's unique index
    /// on `lower(email)` settles races.
    /// - Throws: `EmailFailure`, or `DatabaseError`.
    @discardableResult
    public func setConfirmedEmail(username: String, _ text: String) throws -> EmailChange {
        guard let address = MailAddress(text) else { throw EmailFailure.invalid(MailAddress.problem(text) ?? "") }
        do {
            guard let change = try replaceEmail(where: "username = $1", username, with: address.text) else {
                throw EmailFailure.unknownUser(username)
            }
            try AddressConfirmations(database: database).endPending(userID: change.userID)
            return change
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw EmailFailure.taken
        }
    }

    /// Sets user `userID`'s address, confirmed now; `nil` when there is no such user.
    func replaceEmail(userID: Int, with address: String) throws(DatabaseError) -> EmailChange? {
        try replaceEmail(where: "id = $1::int", String(userID), with: address)
    }

    private func replaceEmail(where condition: String, _ key: String, with address: String) throws(DatabaseError) -> EmailChange? {
        guard let row = try database.query("""
            WITH old AS (SELECT id, username, email, email_confirmed_at FROM users WHERE \(condition) FOR UPDATE)
            UPDATE users u SET email = $2, email_confirmed_at = now() FROM old WHERE u.id = old.id
            RETURNING old.id, old.username, old.email, old.email_confirmed_at IS NOT NULL
            """, [key, address]).rows.first, let id = row[0].flatMap({ Int($0) }) else { return nil }
        return EmailChange(userID: id, username: row[1] ?? "", address: address, previous: row[2], previousConfirmed: row[3] == "t")
    }

    /// Whether a user other than `userID` holds `address`, ignoring case.
    func emailHolder(of address: String, other userID: Int) throws(DatabaseError) -> Bool {
        try database.query("SELECT 1 FROM users WHERE lower(email) = lower($1) AND id <> $2::int", [address, String(userID)]).rows.isEmpty == false
    }

    /// A user's address and whether it is confirmed, by user id, for those given that have one.
    public func emails(userIDs: [Int]) throws(DatabaseError) -> [Int: (address: String, confirmed: Bool)] {
        guard !userIDs.isEmpty else { return [:] }
        var found: [Int: (address: String, confirmed: Bool)] = [:]
        for row in try database.query("""
            SELECT id, email, email_confirmed_at IS NOT NULL FROM users WHERE id = ANY($1::int[]) AND email IS NOT NULL
            """, [TextArray.literal(userIDs.map(String.init))]).rows {
            if let id = row[0].flatMap({ Int($0) }), let address = row[1] { found[id] = (address, row[2] == "t") }
        }
        return found
    }

    /// Where notices to `userID` go: the confirmed address and the name for `To:`; `nil`
    /// without a confirmed address (an unconfirmed one is never written to).
    func noticeRecipient(userID: Int) throws(DatabaseError) -> (address: MailAddress, name: String, username: String)? {
        guard let row = try database.query("""
            SELECT email, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), username
            FROM users WHERE id = $1::int AND email IS NOT NULL AND email_confirmed_at IS NOT NULL
            """, [String(userID)]).rows.first, let address = row[0].flatMap(MailAddress.init) else { return nil }
        return (address, row[1] ?? "", row[2] ?? "")
    }
}
