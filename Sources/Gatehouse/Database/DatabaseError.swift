/// A failure reported by PostgreSQL or libpq.
public struct DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The five-character SQLSTATE (`23505` unique violation, `57P01` admin shutdown,
    /// `08xxx` connection errors), or `nil` when libpq failed before the server answered.
    public let sqlState: String?
    /// The server's or libpq's message, for logs (never shown to visitors).
    public let message: String

    /// Creates an error.
    public init(sqlState: String?, message: String) {
        self.sqlState = sqlState
        self.message = message
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
