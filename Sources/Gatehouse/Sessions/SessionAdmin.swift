/// Session listing and revocation for the CLI and the account/admin pages (not the hot path).
public struct SessionAdmin {
    /// The connection of the current thread.
    public let database: DatabaseConnection

    /// One live session as shown to people.
    public struct Entry: Sendable, Equatable {
        public let id: Int
        public let username: String
        public let createdAt: String
        public let lastSeenAt: String
        public let expiresAt: String
        public let address: String
        public let userAgent: String
    }

    /// Creates the admin view on `database`.
    public init(database: DatabaseConnection) {
        self.database = database
    }

    /// Live sessions, newest first, of one user or of everybody.
    public func list(username: String?) throws(DatabaseError) -> [Entry] {
        let format = "YYYY-MM-DD HH24:MI:SS"
        return try database.query("""
            SELECT s.id, u.username, to_char(s.created_at, '\(format)'), to_char(s.last_seen_at, '\(format)'),
                   to_char(s.expires_at, '\(format)'), s.address, s.user_agent
            FROM session s JOIN users u ON u.id = s."user"
            WHERE s.expires_at > now() AND ($1::text IS NULL OR u.username = $1)
            ORDER BY s.created_at DESC, s.id DESC
            """, [username]).rows.compactMap { row in
            guard let id = row[0].flatMap({ Int($0) }) else { return nil }
            return Entry(id: id, username: row[1] ?? "", createdAt: row[2] ?? "", lastSeenAt: row[3] ?? "",
                         expiresAt: row[4] ?? "", address: row[5] ?? "", userAgent: row[6] ?? "")
        }
    }

    /// Ends every session of `username`.
    /// - Returns: how many were ended.
    @discardableResult
    public func revoke(username: String) throws(DatabaseError) -> Int {
        // Half-done sign-ins go too: a password just changed must not finish a sign-in
        // begun with the old one.
        try database.query(
            "WITH pending AS (DELETE FROM pending_sign_in WHERE \"user\" = (SELECT id FROM users WHERE username = $1)) "
                + "DELETE FROM session WHERE \"user\" = (SELECT id FROM users WHERE username = $1)", [username]).affectedRows
    }

    /// Ends every session and half-done sign-in of user `userID`.
    /// - Returns: how many sessions were ended.
    @discardableResult
    public func revokeAll(userID: Int) throws(DatabaseError) -> Int {
        try database.query(
            "WITH pending AS (DELETE FROM pending_sign_in WHERE \"user\" = $1) DELETE FROM session WHERE \"user\" = $1",
            [String(userID)]).affectedRows
    }

    /// Ends session `sessionID` if it belongs to `userID`.
    /// - Returns: whether a session was ended.
    public func revoke(sessionID: Int, userID: Int) throws(DatabaseError) -> Bool {
        try database.query("DELETE FROM session WHERE id = $1 AND \"user\" = $2", [String(sessionID), String(userID)]).affectedRows == 1
    }

    /// Ends every session of `userID` except `keeping`.
    /// - Returns: how many were ended.
    @discardableResult
    public func revokeOthers(userID: Int, keeping: Int) throws(DatabaseError) -> Int {
        try database.query("DELETE FROM session WHERE \"user\" = $1 AND id <> $2", [String(userID), String(keeping)]).affectedRows
    }

    /// Live sessions of each of `userIDs` (the users one admin page shows), in one query
    /// on the `session ("user")` index; users without any are absent.
    public func liveCounts(userIDs: [Int]) throws(DatabaseError) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        guard !userIDs.isEmpty else { return counts }
        let ids = "{" + userIDs.map(String.init).joined(separator: ",") + "}"
        for row in try database.query("""
            SELECT "user", count(*) FROM session WHERE "user" = ANY($1::int[]) AND expires_at > now() GROUP BY 1
            """, [ids]).rows {
            if let user = row[0].flatMap({ Int($0) }), let count = row[1].flatMap({ Int($0) }) { counts[user] = count }
        }
        return counts
    }

    /// Ends every session of everybody.
    public func revokeAll() throws(DatabaseError) -> Int {
        try database.query("DELETE FROM session").affectedRows
    }
}
