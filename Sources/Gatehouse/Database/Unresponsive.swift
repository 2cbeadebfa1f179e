import GatehouseSupervision
import Glibc
import Synchronization

/// The databases (by conninfo) that missed a deadline in this process and have not
/// answered since.
///
/// While one is listed, its statements fail at once (503) instead of each holding a
/// responder thread for the whole deadline: a frozen server would otherwise queue every
/// request, pages without a database among them, behind threads stuck waiting on it. One
/// probe thread per listed database runs `SELECT 1` until an answer arrives in time.
enum Unresponsive {
    private static let listed = Mutex<Set<String>>([])
    /// How many are listed: read before every statement, so the common case (none) costs
    /// one atomic load instead of a lock every responder thread contends for.
    private static let count = Atomic(0)

    /// Whether `conninfo` is listed.
    static func contains(_ conninfo: String) -> Bool {
        count.load(ordering: .relaxed) > 0 && listed.withLock { $0.contains(conninfo) }
    }

    /// Lists `conninfo` (once) and starts its probe, which unlists it on the first answer.
    static func mark(_ conninfo: String, timeout: Double) {
        guard listed.withLock({ $0.insert(conninfo).inserted }) else { return }
        count.add(1, ordering: .relaxed)
        Log.event("database_unresponsive", ["timeout": "\(timeout)"])
        pthread_detach(Thread.spawn {
            let probe = DatabaseConnection(conninfo: conninfo, timeout: timeout)
            probe.isProbe = true
            while (try? probe.query("SELECT 1")) == nil { usleep(100_000) }
            _ = listed.withLock { $0.remove(conninfo) }
            count.subtract(1, ordering: .relaxed)
            Log.event("database_responsive")
        })
    }
}
