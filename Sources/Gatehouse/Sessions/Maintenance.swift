import GatehouseSupervision
import Glibc

/// Work kept off the request path, on a thread with its own connection: migrations that
/// could not run at start (database down), then purging expired sessions periodically.
enum Maintenance {
    /// How often expired rows are deleted.
    static let purgeInterval: UInt32 = 300

    /// Starts the maintenance thread; it lives as long as the process.
    static func start(configuration: Configuration) {
        _ = Thread.spawn {
            let database = DatabaseConnection(configuration: configuration)
            let store = SessionStore(database: database, maxAge: configuration.sessionMaxAge,
                                     absoluteMaxAge: configuration.sessionAbsoluteMaxAge)
            var migrated = false
            while true {
                do {
                    if !migrated {
                        try Migrations.run(on: database)
                        migrated = true
                    }
                    let purged = try store.purgeExpired()
                    try LoginThrottle(database: database, configuration: configuration).purgeOld()
                    if purged > 0 { Log.event("sessions_purged", ["count": String(purged)]) }
                    sleep(purgeInterval)
                } catch {
                    Log.event("maintenance_failed", ["error": "\(error)"])
                    sleep(2)
                }
            }
        }
    }
}
