/// The rows of one statement, copied out of libpq as text.
public struct QueryResult: Sendable {
    /// Each row's values in column order; `nil` is SQL NULL.
    public let rows: [[String?]]
    /// Rows inserted, updated or deleted (`PQcmdTuples`).
    public let affectedRows: Int

    /// The first row's value at `column`, or nil.
    public func scalar(_ column: Int = 0) -> String? {
        rows.first.flatMap { $0.count > column ? $0[column] : nil }
    }
}
