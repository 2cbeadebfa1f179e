/// Works off waiting `/auth/reset` requests on the mail sender's thread: finds the account
/// the login names (its username, or its address if confirmed), and, within the account's
/// limit, stores a link and queues its mail in one transaction. Nothing of this reaches
/// the visitor, who was answered when the request was recorded.
struct PasswordResetMailer: Sendable {
    let application: Application

    static let takeStatement = PreparedStatement("reset_request_take", """
        SELECT id, login, address FROM reset_attempt WHERE handled_at IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
        """)
    /// A username match wins over another user's address that reads the same.
    static let accountStatement = PreparedStatement("reset_request_account", """
        SELECT id, username, email, first_name, last_name FROM users
        WHERE (username = $1 OR lower(email) = lower($1)) AND email IS NOT NULL AND email_confirmed_at IS NOT NULL
        ORDER BY username = $1 DESC, id LIMIT 1
        """)
    static let handledStatement = PreparedStatement(
        "reset_request_handled", "UPDATE reset_attempt SET handled_at = now(), login = NULL, \"user\" = $2 WHERE id = $1")

    /// Handles every waiting request (other processes' senders share them, each taken once).
    func handleWaiting(on database: DatabaseConnection) throws {
        while try handleOne(on: database) {}
    }

    /// Handles the oldest waiting request.
    /// - Returns: `false` when none waited.
    func handleOne(on database: DatabaseConnection) throws -> Bool {
        try database.transaction {
            guard let request = try database.execute(Self.takeStatement).rows.first, let id = request[0] else { return false }
            let login = request[1] ?? ""
            let address = request[2] ?? ""
            let configuration = application.configuration
            guard let site = configuration.publicURL,
                  let account = try database.execute(Self.accountStatement, [login]).rows.first,
                  let userID = account[0].flatMap({ Int($0) }), let recipient = account[2].flatMap({ MailAddress($0) }) else {
                _ = try database.execute(Self.handledStatement, [id, nil])
                return true
            }
            let username = account[1] ?? ""
            let audit = AuditLog(database: database)
            // Two requests for one account handled at once must not both pass its limit.
            try AdvisoryLock.lock(.passwordReset, ["user \(userID)"], on: database)
            let links = PasswordResetLinks(database: database)
            if try links.issuedCount(userID: userID, within: PasswordResetRequests.window) >= PasswordResetRequests.accountLimit {
                audit.record("password_reset_limited", username: username, address: address)
            } else {
                let lifetime = configuration.mail.resetMaxAge
                let token = try links.issue(userID: userID, lifetime: lifetime)
                let names = [account[3], account[4]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
                try application.mailTemplates.queue(
                    .reset, from: configuration.mail.sender, to: recipient, name: names.isEmpty ? nil : names,
                    values: [
                        "site": .string(site), "link": .string(site + "/auth/reset/" + token.text),
                        "minutes": .int((lifetime + 59) / 60), "username": .string(username),
                    ],
                    on: database, metrics: application.metrics)
                audit.record("password_reset_mailed", username: username, address: address)
            }
            _ = try database.execute(Self.handledStatement, [id, String(userID)])
            return true
        }
    }
}
