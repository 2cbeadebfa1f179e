extension DatabaseConnection {
    /// Deletes the rows of `table` whose `column` (a timestamp) is more than `days` days in
    /// the past, 10,000 at a time so no statement outlives the statement timeout; for the
    /// maintenance thread's purges. `table` and `column` are names written in the code,
    /// never input.
    /// - Returns: how many rows went.
    func deleteRows(of table: String, where column: String, olderThanDays days: Int) throws(DatabaseError) -> Int {
        var total = 0
        while true {
            let deleted = try query("""
                DELETE FROM \(table) WHERE id IN (
                    SELECT id FROM \(table) WHERE \(column) < now() - make_interval(days => $1::int) LIMIT 10000)
                """, [String(days)]).affectedRows
            total += deleted
            if deleted < 10000 { return total }
        }
    }
}
