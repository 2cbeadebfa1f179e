import GatehouseSupervision
import Glibc

/// The one thread per worker process that works off the request path, on a connection of
/// its own: it applies migrations that could not run at start (the database was down),
/// then runs `Purge` periodically.
enum MaintenanceThread {
    /// Starts the thread; it lives as long as the process.
    static func start(configuration: Configuration) {
        _ = Thread.spawn {
            let database = DatabaseConnection(configuration: configuration)
            var migrated = false
            while true {
                do {
                    if !migrated {
                        try Migrations.run(on: database)
                        migrated = true
                    }
                    try Purge.run(database: database, configuration: configuration)
                    sleep(Purge.interval)
                } catch {
                    Log.event("maintenance_failed", ["error": "\(error)"])
                    sleep(2)
                }
            }
        }
    }
}
