import GatehouseSupervision
import Glibc

/// Counters for `GET /metrics`, for the whole instance: every worker process of one
/// `gatehouse serve` adds to the same block of shared counters, so any worker's scrape
/// reports all of them, and a replaced worker loses nothing.
///
/// The block has a fixed layout (`Index`): requests are counted per registered route and
/// per status Gatehouse emits, latency in a histogram with a microsecond sum. Without a
/// supervisor (CGI, tests, a worker started by hand) the block is private to the process.
public final class Metrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    /// Sign-in outcomes, in exposition order.
    static let outcomes = ["failure", "locked", "success"]
    /// Route labels: every registered path, and `unmatched` for 404/405 and refused requests.
    static let routes = (Routes.paths + ["unmatched"]).sorted()
    /// Status labels: every status Gatehouse emits, then `other` for any code not listed.
    static let statuses = HTTPStatus.all.map { String($0.code) } + ["other"]
    private static let routeIndex = Dictionary(uniqueKeysWithValues: routes.enumerated().map { ($1, $0) })

    /// Where each counter sits in the block.
    private enum Index {
        static let workerRestarts = Supervisor.workerRestartsCounter
        static let workersRunning = Supervisor.workersRunningGauge
        static let databaseErrors = 2
        static let databaseConnects = 3
        static let logins = 4  // + outcome
        static let latency = logins + outcomes.count  // + bucket
        static let latencyCount = latency + buckets.count
        static let latencyMicroseconds = latencyCount + 1
        static let mail = latencyMicroseconds + 1  // + MailOutcome
        static let requests = mail + MailOutcome.allCases.count  // + route × statuses.count + status
        static let cacheHits = requests + routes.count * statuses.count
        static let cacheMisses = cacheHits + 1
        static let cacheInvalidations = cacheMisses + 1
        static let listenerReconnects = cacheInvalidations + 1
        /// `SessionInvalidation`'s generations: all changes, drop-everything, then per-user slots.
        static let generations = listenerReconnects + 1
        static let count = generations + SessionInvalidation.generationCount

        static func request(route: Int, status: Int) -> Int {
            requests + route * statuses.count + status
        }
    }

    /// The block; the supervisor adds worker restarts to it.
    let counters: SharedCounters

    /// Counters private to this process.
    public init() {
        counters = SharedCounters(count: Index.count, shared: false)
    }

    private init(_ counters: SharedCounters) {
        self.counters = counters
    }

    /// The supervisor's counters: a block in a memfd its workers inherit.
    static func forSupervisor() -> Metrics {
        Metrics(SharedCounters(count: Index.count, shared: true))
    }

    /// A worker's counters: the supervisor's block behind the inherited `descriptor`, or
    /// (logged) private ones when it cannot be mapped.
    public static func inherited(_ descriptor: Int32) -> Metrics {
        if let shared = SharedCounters(inherited: descriptor, count: Index.count) { return Metrics(shared) }
        Log.event("metrics_private", ["descriptor": String(descriptor)])
        return Metrics()
    }

    /// Counts one answered request.
    func recordRequest(route: String, status: Int, seconds: Double) {
        let routeNumber = Metrics.routeIndex[route] ?? Metrics.routeIndex["unmatched"]!
        let statusNumber = HTTPStatus.all.firstIndex { $0.code == status } ?? Metrics.statuses.count - 1
        counters.add(Index.request(route: routeNumber, status: statusNumber))
        if let bucket = Metrics.buckets.firstIndex(where: { seconds <= $0 }) { counters.add(Index.latency + bucket) }
        counters.add(Index.latencyCount)
        counters.add(Index.latencyMicroseconds, UInt64(max(0, seconds * 1e6)))
    }

    /// Counts a sign-in outcome: `success`, `failure` or `locked`.
    func recordLogin(_ outcome: String) {
        guard let index = Metrics.outcomes.firstIndex(of: outcome) else { return }
        counters.add(Index.logins + index)
    }

    /// Counts a database error seen by a request.
    func recordDatabaseError() {
        counters.add(Index.databaseErrors)
    }

    /// Counts a mail queued, sent or given up on.
    func recordMail(_ outcome: MailOutcome) {
        counters.add(Index.mail + outcome.rawValue)
    }

    /// The number of mails with `outcome` since the counters began.
    func mailCount(_ outcome: MailOutcome) -> UInt64 {
        counters[Index.mail + outcome.rawValue]
    }

    /// Counts a (re)connection to the database.
    func recordReconnect() {
        counters.add(Index.databaseConnects)
    }

    /// The session cache's counters and generations, in the block every worker maps.
    var sessionInvalidation: SessionInvalidation {
        SessionInvalidation(counters: counters, base: Index.generations, hits: Index.cacheHits)
    }

    /// The Prometheus text exposition of every counter, plus `liveSessions` when known
    /// and `threadsPerWorker` (WORKERS).
    func exposition(liveSessions: Int?, threadsPerWorker: Int, mailWaiting: Int? = nil) -> String {
        var out = ""
        out += "# HELP gatehouse_requests_total Requests answered, by route and status.\n# TYPE gatehouse_requests_total counter\n"
        for (routeNumber, route) in Metrics.routes.enumerated() {
            for (statusNumber, status) in Metrics.statuses.enumerated() {
                let count = counters[Index.request(route: routeNumber, status: statusNumber)]
                if count > 0 { out += "gatehouse_requests_total{route=\"\(route)\",status=\"\(status)\"} \(count)\n" }
            }
        }
        out += "# HELP gatehouse_request_duration_seconds Time to answer a request.\n# TYPE gatehouse_request_duration_seconds histogram\n"
        var cumulative: UInt64 = 0
        for (index, bound) in Metrics.buckets.enumerated() {
            cumulative += counters[Index.latency + index]
            out += "gatehouse_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        let count = counters[Index.latencyCount]
        out += "gatehouse_request_duration_seconds_bucket{le=\"+Inf\"} \(count)\n"
        out += "gatehouse_request_duration_seconds_sum \(Double(counters[Index.latencyMicroseconds]) / 1e6)\n"
        out += "gatehouse_request_duration_seconds_count \(count)\n"
        out += "# HELP gatehouse_logins_total Sign-in attempts by outcome.\n# TYPE gatehouse_logins_total counter\n"
        for (index, outcome) in Metrics.outcomes.enumerated() {
            out += "gatehouse_logins_total{outcome=\"\(outcome)\"} \(counters[Index.logins + index])\n"
        }
        out += "# HELP gatehouse_lockouts_total Sign-ins refused by the lockout limits.\n# TYPE gatehouse_lockouts_total counter\n"
        out += "gatehouse_lockouts_total \(counters[Index.logins + Metrics.outcomes.firstIndex(of: "locked")!])\n"
        out += "# HELP gatehouse_database_errors_total Requests that met a database error.\n# TYPE gatehouse_database_errors_total counter\n"
        out += "gatehouse_database_errors_total \(counters[Index.databaseErrors])\n"
        out += "# HELP gatehouse_database_connects_total Database connections opened (first and re-connections).\n# TYPE gatehouse_database_connects_total counter\n"
        out += "gatehouse_database_connects_total \(counters[Index.databaseConnects])\n"
        out += "# HELP gatehouse_worker_restarts_total Worker processes the supervisor replaced.\n# TYPE gatehouse_worker_restarts_total counter\n"
        out += "gatehouse_worker_restarts_total \(counters[Index.workerRestarts])\n"
        // A worker answers this scrape, so at least one runs (without a supervisor, the
        // only one).
        out += "# HELP gatehouse_workers Worker processes running.\n# TYPE gatehouse_workers gauge\n"
        out += "gatehouse_workers \(max(1, counters[Index.workersRunning]))\n"
        out += "# HELP gatehouse_worker_threads Responder threads in each worker process (WORKERS).\n# TYPE gatehouse_worker_threads gauge\n"
        out += "gatehouse_worker_threads \(threadsPerWorker)\n"
        let cache = [("hits", "Session lookups answered from a worker's cache.", Index.cacheHits),
                     ("misses", "Session lookups that went to the database.", Index.cacheMisses),
                     ("invalidations", "Changes that invalidated cached session lookups.", Index.cacheInvalidations),
                     ("listener_reconnects", "Session cache change listener (re)connections.", Index.listenerReconnects)]
        for (name, help, index) in cache {
            out += "# HELP gatehouse_session_cache_\(name)_total \(help)\n# TYPE gatehouse_session_cache_\(name)_total counter\n"
            out += "gatehouse_session_cache_\(name)_total \(counters[index])\n"
        }
        if let liveSessions {
            out += "# HELP gatehouse_sessions_live Sessions not yet expired.\n# TYPE gatehouse_sessions_live gauge\n"
            out += "gatehouse_sessions_live \(liveSessions)\n"
        }
        out += mailExposition(waiting: mailWaiting)
        out += "# HELP gatehouse_worker_info The worker process that answered this scrape.\n# TYPE gatehouse_worker_info gauge\n"
        out += "gatehouse_worker_info{pid=\"\(getpid())\"} 1\n"
        return out
    }
}
