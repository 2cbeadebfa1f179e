/// A failure reported by PostgreSQL or libpq.
public struct DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The five-character SQLSTATE (`23505` unique violation, `57P01` admin shutdown,
    /// `08xxx` connection errors), or `nil` when libpq failed before the server answered.
    public let sqlState: String?
    /// The server's or libpq's message, for logs (never shown to visitors).
    public let message: String
    /// The server did not answer within the client-side deadline (frozen or cut off), or
    /// it missed one lately and is not asked again yet. Never retried; pages answer 503.
    public let timedOut: Bool

    /// Creates an error.
    public init(sqlState: String?, message: String, timedOut: Bool = false) {
        self.sqlState = sqlState
        self.message = message
        self.timedOut = timedOut
    }

    /// A missed deadline, reported as SQLSTATE 57014 (query canceled), as the server's own
    /// statement_timeout would.
    static func deadlineMissed(_ message: String) -> DatabaseError {
        DatabaseError(sqlState: "57014", message: message, timedOut: true)
    }

    /// Whether the connection itself is gone, so the caller should answer 503.
    public var isConnectionFailure: Bool {
        guard let sqlState else { return true }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("57P")
    }

    /// A unique constraint was violated (`23505`).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    public var description: String {
        sqlState.map { "\($0): \(message)" } ?? message
    }
}
