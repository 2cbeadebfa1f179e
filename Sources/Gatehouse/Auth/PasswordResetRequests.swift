/// `POST /auth/reset` requests, recorded in `reset_attempt`.
///
/// Answering must not tell whether an account matches, not even by its timing, so the
/// request path only records the login typed (one INSERT, whatever was typed) and
/// `PasswordResetMailer`, on the mail sender's thread, looks the account up and writes
/// the link. Requests are limited per client address (IPv6 per /64) here, where a refusal
/// reveals nothing about accounts; links per account are limited by the mailer, silently.
struct PasswordResetRequests {
    /// Requests one address block may make per `window`.
    static let addressLimit = 10
    /// Links one account may be sent per `window`, however many addresses ask.
    static let accountLimit = 3
    /// Seconds both limits count over.
    static let window = 3600
    /// The longest login looked at: an address's limit (a username is shorter).
    static let longestLogin = MailAddress.maximumLength

    let database: DatabaseConnection

    static let countStatement = PreparedStatement("reset_request_count", """
        SELECT count(*), ceil(extract(epoch FROM min(at) + make_interval(secs => $2::int) - now()))::int
        FROM reset_attempt WHERE address = $1 AND at > now() - make_interval(secs => $2::int)
        """)
    static let insertStatement = PreparedStatement(
        "reset_request_insert", "INSERT INTO reset_attempt (address, login) VALUES ($1, $2)")

    /// Why a login cannot be looked up, in words for the form; `nil` when it can.
    static func problem(with login: String) -> String? {
        if login.isEmpty { return "Enter your username or email address." }
        if login.utf8.count > longestLogin { return "A username or email address has at most \(longestLogin) characters." }
        if login.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "A username or email address holds no control characters or line breaks."
        }
        return nil
    }

    /// Records a request from `address` for `login` unless the address has used up its
    /// requests; under an advisory lock on the address block, so a burst cannot pass the limit.
    /// - Returns: `nil` when recorded, else the seconds until the address may ask again.
    func record(login: String, address: String) throws -> Int? {
        let block = AddressBlock.key(address)
        return try database.transaction { () throws -> Int? in
            try AdvisoryLock.lock(.passwordReset, ["address " + block], on: database)
            let row = try database.execute(Self.countStatement, [block, String(Self.window)]).rows.first ?? []
            let count = row.first.flatMap { $0.flatMap { Int($0) } } ?? 0
            if count >= Self.addressLimit {
                let wait = row.count > 1 ? row[1].flatMap { Int($0) } : nil
                return max(1, min(Self.window, wait ?? Self.window))
            }
            _ = try database.execute(Self.insertStatement, [block, login])
            return nil
        }
    }

    /// Deletes handled requests older than the window, and any still waiting after a day
    /// (a mail sender that never ran): nothing counts them any more.
    static func purgeOld(database: DatabaseConnection) throws(DatabaseError) {
        _ = try database.query("""
            DELETE FROM reset_attempt WHERE at < now() - make_interval(secs => $1::int)
                AND (handled_at IS NOT NULL OR at < now() - interval '1 day')
            """, [String(window)])
    }
}
