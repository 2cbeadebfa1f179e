import GatehouseSupervision
import Glibc

/// Sends queued mail: one thread per worker process, on a connection of its own.
///
/// Each mail is taken with `FOR UPDATE SKIP LOCKED` inside a transaction that stays open
/// until the server has accepted it (or refused it), so senders in any number of
/// processes and instances never take the same row at once, and a row is marked sent in
/// the same transaction that held it. A failed attempt is retried after 2 s, 4 s, 8 s …
/// (at most 15 minutes apart) until the mail is 24 hours old, then marked failed.
struct MailSender: Sendable {
    let settings: MailSettings
    let metrics: Metrics

    /// How long a mail is retried before it is marked failed.
    static let giveUpAfter = 86_400
    /// The first retry delay and the longest one, in seconds.
    static let firstDelay = 2
    static let longestDelay = 900
    /// Seconds between looks at an empty outbox.
    static let idlePause: UInt32 = 1

    /// Starts the sender thread; it lives as long as the process.
    /// - Parameter preparing: work that queues mail off the request path (password-reset
    ///   requests), run on the sender's connection before each look at the outbox.
    static func start(configuration: Configuration, metrics: Metrics,
                      preparing: (@Sendable (DatabaseConnection) throws -> Void)? = nil) {
        let sender = MailSender(settings: configuration.mail, metrics: metrics)
        _ = Thread.spawn {
            let database = DatabaseConnection(configuration: configuration)
            while true {
                do {
                    // Its failure must not hold up mail already queued.
                    do { try preparing?(database) } catch { Log.event("mail_preparing_failed", ["error": "\(error)"]) }
                    while try sender.deliverOne(on: database) {}
                    sleep(idlePause)
                } catch {
                    Log.event("mail_sender_failed", ["error": "\(error)"])
                    sleep(2)
                }
            }
        }
    }

    /// Seconds to wait after the `attempts`-th failed attempt.
    static func delay(afterAttempts attempts: Int) -> Int {
        attempts >= 10 ? longestDelay : min(longestDelay, firstDelay << max(0, attempts - 1))
    }

    /// Takes one due mail, sends it and records the outcome.
    /// - Returns: `false` when no mail was due.
    func deliverOne(on database: DatabaseConnection) throws -> Bool {
        try database.transaction {
            let due = try database.query("""
                SELECT id, recipient, message, attempts, created_at < now() - make_interval(secs => $1::int),
                       to_char(created_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"')
                FROM mail_outbox
                WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
                """, [String(Self.giveUpAfter)])
            guard let row = due.rows.first, let id = row[0] else { return false }
            let attempts = (Int(row[3] ?? "") ?? 0) + 1
            do {
                guard let message = row[2].flatMap(Bytea.decode) else {
                    throw MailDeliveryError(replyCode: nil, reason: "the queued message is missing")
                }
                guard let recipient = MailAddress(row[1] ?? "") else {
                    throw MailDeliveryError(replyCode: nil, reason: "the recipient is no valid address")
                }
                try deliver(message, to: recipient, name: "\(row[5] ?? "mail")-\(id)")
                _ = try database.query("""
                    UPDATE mail_outbox SET sent_at = now(), message = NULL, attempts = $2, last_error = NULL WHERE id = $1
                    """, [id, String(attempts)])
                metrics.recordMail(.sent)
                Log.event("mail_sent", ["id": id, "attempts": String(attempts)])
            } catch let failure as MailDeliveryError {
                let givingUp = row[4] == "t"
                _ = try database.query("""
                    UPDATE mail_outbox SET attempts = $2, last_error = $3,
                        next_attempt_at = now() + make_interval(secs => $4::int),
                        failed_at = CASE WHEN $5::boolean THEN now() END
                    WHERE id = $1
                    """, [id, String(attempts), failure.description, String(Self.delay(afterAttempts: attempts)),
                          givingUp ? "true" : "false"])
                if givingUp { metrics.recordMail(.failed) }
                var fields = ["id": id, "attempts": String(attempts), "error": failure.description]
                if let code = failure.replyCode { fields["smtp_code"] = String(code) }
                Log.event(givingUp ? "mail_failed" : "mail_retry", fields)
            }
            return true
        }
    }

    /// Hands one message to SMTP_URL, or writes it to MAIL_DIR without one.
    private func deliver(_ message: [UInt8], to recipient: MailAddress, name: String) throws(MailDeliveryError) {
        if let smtp = settings.smtp {
            try SMTPClient(endpoint: smtp).send(message, from: settings.sender, to: recipient)
        } else {
            try MailFiles.write(message, named: name, in: settings.directory)
        }
    }
}
