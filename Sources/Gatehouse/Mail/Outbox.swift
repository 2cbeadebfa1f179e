/// The `mail_outbox` table: mail is written here in the same transaction as the change
/// that causes it, and `MailSender` takes it from here. A sent row keeps its recipient,
/// subject and times but loses its message, so no link outlives its sending in the table.
public enum Outbox {
    /// One row, as `gatehouse mail list` shows it.
    public struct Entry: Sendable, Equatable {
        public let id: Int
        public let recipient: String
        public let subject: String
        public let attempts: Int
        public let createdAt: String
        public let nextAttemptAt: String
        /// `waiting`, `failed` or `sent`.
        public let state: String
        public let lastError: String?
    }

    static let insert = PreparedStatement(
        "outbox_insert", "INSERT INTO mail_outbox (recipient, subject, message) VALUES ($1, $2, $3::bytea) RETURNING id")

    /// Queues `message` on `database` (inside the caller's transaction, if any).
    /// - Parameter metrics: counts it as queued, when given.
    /// - Returns: the row's id.
    @discardableResult
    static func enqueue(_ message: MailMessage, on database: DatabaseConnection, metrics: Metrics? = nil) throws(DatabaseError) -> Int {
        let result = try database.execute(insert, [message.recipient.text, message.subject.text, Bytea.encode(message.rendered())])
        metrics?.recordMail(.queued)
        return result.scalar().flatMap { Int($0) } ?? 0
    }

    /// Mail that waits or failed, oldest first; sent mail too when `includeSent`.
    public static func list(on database: DatabaseConnection, includeSent: Bool = false) throws(DatabaseError) -> [Entry] {
        let rows = try database.query("""
            SELECT id, recipient, subject, attempts,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   CASE WHEN sent_at IS NOT NULL THEN 'sent' WHEN failed_at IS NOT NULL THEN 'failed' ELSE 'waiting' END,
                   last_error
            FROM mail_outbox WHERE $1::boolean OR sent_at IS NULL ORDER BY id
            """, [includeSent ? "true" : "false"]).rows
        return rows.map { row in
            Entry(id: Int(row[0] ?? "") ?? 0, recipient: row[1] ?? "", subject: row[2] ?? "", attempts: Int(row[3] ?? "") ?? 0,
                  createdAt: row[4] ?? "", nextAttemptAt: row[5] ?? "", state: row[6] ?? "", lastError: row[7])
        }
    }

    /// Days a sent mail's row (recipient, subject and times; its message went when it was
    /// sent) stays for `gatehouse mail list --all`.
    static let sentRetentionDays = 7

    /// Deletes rows of mail sent more than `sentRetentionDays` ago, a batch at a time;
    /// waiting and failed mail stays. Run by the maintenance thread (`Purge`).
    /// - Returns: how many rows went.
    @discardableResult
    static func purgeSent(on database: DatabaseConnection) throws(DatabaseError) -> Int {
        try database.deleteRows(of: "mail_outbox", where: "sent_at", olderThanDays: sentRetentionDays)
    }

    /// Rows not yet sent and not given up on.
    static func waitingCount(on database: DatabaseConnection) throws(DatabaseError) -> Int {
        Int(try database.query("SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL").scalar() ?? "") ?? 0
    }
}
