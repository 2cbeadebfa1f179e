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
