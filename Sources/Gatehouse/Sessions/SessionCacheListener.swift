import GatehouseSupervision
import Glibc

/// The one thread per worker process that keeps `LISTEN gatehouse_user_changed` open on a
/// connection of its own and turns what it hears (a user id from migration 11's
/// triggers, written by another instance, the CLI or psql) into `SessionInvalidation`
/// bumps.
///
/// Every 40 ms it asks the server for a round trip: a notification committed before the
/// question is delivered before the answer, so once the answer is in and what came with it
/// is applied, nothing committed before the question was asked is missed. The cache is
/// used only within `SessionCache.confirmedWindow` (100 ms, SPEC's bound for other
/// instances) of the last question so answered; a dead or lagging connection therefore
/// bypasses it, and each (re)connection drops everything, since notifications sent
/// meanwhile were lost.
enum SessionCacheListener {
    static let channel = "gatehouse_user_changed"

    /// Starts the thread for `cache`; it lives as long as the process.
    static func start(cache: SessionCache, configuration: Configuration) {
        _ = Thread.spawn {
            let database = DatabaseConnection(configuration: configuration)
            var failing = false
            while true {
                do {
                    // The connection re-opens by itself after a loss, without LISTEN: the
                    // heartbeats must come from the backend that listens, or nothing is heard.
                    let backend = try database.query("SELECT pg_backend_pid()").scalar()
                    _ = try database.query("LISTEN \(channel)")
                    guard try database.query("SELECT pg_backend_pid()").scalar() == backend else {
                        throw DatabaseError(sqlState: "08006", message: "reconnected while starting to listen")
                    }
                    failing = false
                    cache.invalidation.everythingChanged()
                    cache.invalidation.countListenerReconnect()
                    while true {
                        guard let heard = database.notifications(waitingUpTo: 0.04) else { break }
                        apply(heard, to: cache)
                        let asked = SessionCache.milliseconds()
                        guard try database.query("SELECT pg_backend_pid()").scalar() == backend,
                              let alsoHeard = database.notifications(waitingUpTo: 0) else { break }
                        apply(alsoHeard, to: cache)
                        cache.confirm(asked: asked)
                    }
                } catch {
                    // Once per outage: while the database is down this retries five times a second.
                    if !failing { Log.event("session_cache_listener_failed", ["error": "\(error)"]) }
                    failing = true
                }
                cache.unconfirm()
                cache.invalidation.everythingChanged()
                database.close()
                usleep(200_000)
            }
        }
    }

    private static func apply(_ payloads: [String], to cache: SessionCache) {
        for payload in payloads {
            if let userID = Int(payload) {
                cache.invalidation.userChanged(userID)
            } else {
                cache.invalidation.everythingChanged()
            }
        }
    }
}
