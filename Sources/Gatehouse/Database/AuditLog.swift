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
