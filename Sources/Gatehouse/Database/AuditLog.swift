import GatehouseSupervision

/// Security events: a row in `audit_log` and one logfmt line on stderr each.
///
/// Never given a password or a token: only names, addresses and short details.
public struct AuditLog {
    /// The connection of the current thread.
    public let database: DatabaseConnection

    /// Creates an audit log writer on `database`.
    public init(database: DatabaseConnection) {
        self.database = database
    }

    static let insert = PreparedStatement(
        "audit_insert", "INSERT INTO audit_log (username, address, event, detail) VALUES ($1, $2, $3, $4)")

    /// Inserts unless a row of the same event and detail is younger than $5 seconds; a
    /// prepared (generic) plan, so the index is on (event, detail, at), not partial.
    static let insertOnce = PreparedStatement("audit_insert_once", """
        INSERT INTO audit_log (username, address, event, detail)
        SELECT $1, $2, $3, $4
        WHERE NOT EXISTS (SELECT 1 FROM audit_log
                          WHERE event = $3 AND detail = $4 AND at > now() - make_interval(secs => $5::int))
        RETURNING id
        """)

    /// Records `event` unless one with the same `detail` was recorded in the last `seconds`
    /// (one `login_locked` row per key and window, however many requests are refused).
    ///
    /// Call it under the key's advisory lock (`LoginThrottle`), so two refusals at once
    /// cannot both write. The stderr line is written only with the row.
    public func recordOnce(_ event: String, username: String?, address: String, detail: String, within seconds: Int) {
        do {
            let written = try database.execute(AuditLog.insertOnce, [username, address, event, detail, String(seconds)])
            guard !written.rows.isEmpty else { return }
            var fields = ["address": address, "detail": detail]
            if let username { fields["user"] = username }
            Log.event(event, fields)
        } catch {
            Log.event("audit_write_failed", ["event": event, "error": error.description])
        }
    }

    /// Deletes rows older than `days` (AUDIT_RETENTION), a batch at a time; run by the
    /// maintenance thread.
    /// - Returns: how many rows went.
    @discardableResult
    public func purge(olderThanDays days: Int) throws(DatabaseError) -> Int {
        try database.deleteRows(of: "audit_log", where: "at", olderThanDays: days)
    }

    /// Records `event` (`login_success`, `login_failure`, `logout`, ...).
    ///
    /// A failure to write the row is logged, not thrown: the user's action already happened.
    public func record(_ event: String, username: String?, address: String, detail: String = "") {
        var fields = ["address": address]
        if let username { fields["user"] = username }
        if !detail.isEmpty { fields["detail"] = detail }
        Log.event(event, fields)
        do {
            _ = try database.execute(AuditLog.insert, [username, address, event, detail])
        } catch {
            Log.event("audit_write_failed", ["event": event, "error": error.description])
        }
    }
}
