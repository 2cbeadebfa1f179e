/// A named SQL statement that each connection prepares once, on first use.
public struct PreparedStatement: Sendable, Hashable {
    /// The server-side statement name.
    public let name: String
    /// The SQL text with `$1`, `$2`... parameters.
    public let sql: String

    /// Declares a statement.
    public init(_ name: String, _ sql: String) {
        self.name = name
        self.sql = sql
    }
}
