/// Which second factors a user holds, across their tables: what decides whether a right
/// password leads to `/auth/second`, what /account lists and what `user mfa --reset` ends.
public struct SecondFactors {
    let database: DatabaseConnection

    /// The factors on `database`.
    public init(database: DatabaseConnection) {
        self.database = database
    }

    /// What one user holds: whether the app is on, and how many passkeys.
    struct Held: Equatable {
        let app: Bool
        let passkeys: Int
        /// Whether any factor completes a sign-in.
        var any: Bool { app || passkeys > 0 }
    }

    /// Whether the user has any second factor that completes a sign-in: an app that is on,
    /// or a passkey.
    func any(userID: Int) throws(DatabaseError) -> Bool {
        try held(userID: userID).any
    }

    /// The user's factors, in one round trip.
    func held(userID: Int) throws(DatabaseError) -> Held {
        let row = try database.query("""
            SELECT EXISTS (SELECT 1 FROM totp_factor WHERE user_id = $1::int AND confirmed_at IS NOT NULL),
                   (SELECT count(*) FROM passkey WHERE "user" = $1::int)
            """, [String(userID)]).rows.first
        return Held(app: row?[0] == "t", passkeys: row?[1].flatMap { Int($0) } ?? 0)
    }

    /// What each of `userIDs` holds, recovery codes left included, in one round trip (the
    /// users of one `/admin` page).
    func held(userIDs: [Int]) throws(DatabaseError) -> [Int: (held: Held, recoveryCodes: Int)] {
        var found: [Int: (held: Held, recoveryCodes: Int)] = [:]
        guard !userIDs.isEmpty else { return found }
        let ids = "{" + userIDs.map(String.init).joined(separator: ",") + "}"
        for row in try database.query("""
            SELECT u.id,
                   EXISTS (SELECT 1 FROM totp_factor f WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL),
                   (SELECT count(*) FROM passkey p WHERE p."user" = u.id),
                   (SELECT count(*) FROM recovery_code r WHERE r.user_id = u.id)
            FROM unnest($1::int[]) AS u(id)
            """, [ids]).rows {
            guard let id = row[0].flatMap({ Int($0) }) else { continue }
            found[id] = (Held(app: row[1] == "t", passkeys: row[2].flatMap { Int($0) } ?? 0),
                         row[3].flatMap { Int($0) } ?? 0)
        }
        return found
    }

    /// Removes every second factor (app and passkeys) and recovery code of the user, in
    /// one transaction.
    /// - Returns: whether an app was on, how many passkeys and recovery codes went.
    public func removeAll(userID: Int) throws -> (app: Bool, passkeys: Int, recoveryCodes: Int) {
        try database.transaction {
            let app = try database.query("DELETE FROM totp_factor WHERE user_id = $1 RETURNING confirmed_at IS NOT NULL",
                                         [String(userID)]).scalar() == "t"
            let passkeys = try database.query("DELETE FROM passkey WHERE \"user\" = $1", [String(userID)]).affectedRows
            let codes = try RecoveryCodes(database: database).removeAll(userID: userID)
            return (app, passkeys, codes)
        }
    }
}
