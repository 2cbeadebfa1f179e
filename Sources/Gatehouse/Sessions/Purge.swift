import GatehouseSupervision

/// Deletes what no request will read again: expired sessions and half-done sign-ins, login
/// failures and registration places older than every window that counts them, passkey
/// challenges never taken in their five minutes, password-reset requests and links past
/// use, address-confirmation links past use and the hour that counts them, rows of mail
/// sent a week ago, and audit rows older than AUDIT_RETENTION days. Run off the request
/// path by `MaintenanceThread`.
enum Purge {
    /// How often the purge runs, seconds.
    static let interval: UInt32 = 300

    /// One pass over the tables, on the maintenance thread's own connection.
    static func run(database: DatabaseConnection, configuration: Configuration) throws(DatabaseError) {
        let store = SessionStore(database: database, maxAge: configuration.sessionMaxAge,
                                 absoluteMaxAge: configuration.sessionAbsoluteMaxAge)
        let purged = try store.purgeExpired()
        try PendingSignIn(database: database).purgeExpired()
        try LoginThrottle(database: database, configuration: configuration).purgeOld()
        try RegistrationThrottle.purgeOld(database: database)
        try PasskeyChallengeStore(database: database).purgeExpired()
        try PasswordResetRequests.purgeOld(database: database)
        try PasswordResetLinks.purgeOld(database: database)
        try AddressConfirmations(database: database).purgeOld()
        let mailed = try Outbox.purgeSent(on: database)
        let audited = try AuditLog(database: database).purge(olderThanDays: configuration.auditRetention)
        if purged > 0 { Log.event("sessions_purged", ["count": String(purged)]) }
        if audited > 0 { Log.event("audit_purged", ["count": String(audited)]) }
        if mailed > 0 { Log.event("sent_mail_purged", ["count": String(mailed)]) }
    }
}
