/// Which second factors a user holds, across their tables: what decides whether a right
/// password leads to `/auth/second`, what /account lists and what `user mfa --reset` ends.
public struct SecondFactors {
    let database: DatabaseConnection

    /// The factors on `database`.
    public init(database: DatabaseConnection) {
        self.database = database
    }

    /// Whether the user has any second factor that completes a sign-in.
    func any(userID: Int) throws(DatabaseError) -> Bool {
        try database.query("SELECT 1 FROM totp_factor WHERE user_id = $1 AND confirmed_at IS NOT NULL",
                           [String(userID)]).rows.count == 1
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
