extension DatabaseConnection {
    /// Runs `body` inside `BEGIN` … `COMMIT`; any error rolls back and is rethrown.
    ///
    /// Transaction-level advisory locks taken inside are released at the end, so a
    /// check-then-write under them is atomic for every worker and instance. A connection
    /// lost midway fails the remaining statements rather than re-opening outside the
    /// transaction. Called inside another, `body` joins it (a store's own transaction then
    /// commits with the caller's change and the mail telling of it, or not at all).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        _ = try query("BEGIN")
        inTransaction = true
        defer { inTransaction = false }
        do {
            let value = try body()
            _ = try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }
}
