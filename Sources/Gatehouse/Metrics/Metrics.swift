import Glibc
import Synchronization

/// Counters for `GET /metrics`, kept per worker process in memory.
///
/// One mutex guards them all: a request takes it once, for a few dictionary updates,
/// which costs far less than its database round trip.
public final class Metrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    private struct State {
        var requests: [RequestKey: Int] = [:]
        var latencyCounts = [Int](repeating: 0, count: Metrics.buckets.count)
        var latencySum = 0.0
        var latencyCount = 0
        var logins: [String: Int] = ["success": 0, "failure": 0, "locked": 0]
        var databaseErrors = 0
        var databaseReconnects = 0
    }

    private struct RequestKey: Hashable {
        let route: String
        let status: Int
    }

    private let state = Mutex(State())
    /// Worker replacements the supervisor had made when this worker started.
    let workerRestarts: Int

    /// Creates empty counters; `workerRestarts` comes from the supervisor.
    public init(workerRestarts: Int = 0) {
        self.workerRestarts = workerRestarts
    }

    /// Monotonic seconds, for durations.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Counts one answered request.
    func recordRequest(route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RequestKey(route: route, status: status), default: 0] += 1
            if let bucket = Metrics.buckets.firstIndex(where: { seconds <= $0 }) { state.latencyCounts[bucket] += 1 }
            state.latencySum += seconds
            state.latencyCount += 1
        }
    }

    /// Counts a sign-in outcome: `success`, `failure` or `locked`.
    func recordLogin(_ outcome: String) {
        state.withLock { $0.logins[outcome, default: 0] += 1 }
    }

    /// Counts a database error seen by a request.
    func recordDatabaseError() {
        state.withLock { $0.databaseErrors += 1 }
    }

    /// Counts a (re)connection to the database.
    func recordReconnect() {
        state.withLock { $0.databaseReconnects += 1 }
    }

    /// The Prometheus text exposition of every counter, plus `liveSessions` when known.
    func exposition(liveSessions: Int?) -> String {
        let snapshot = state.withLock { $0 }
        var out = ""
        out += "# HELP gatehouse_requests_total Requests answered, by route and status.\n# TYPE gatehouse_requests_total counter\n"
        for (key, count) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) }) {
            out += "gatehouse_requests_total{route=\"\(key.route)\",status=\"\(key.status)\"} \(count)\n"
        }
        out += "# HELP gatehouse_request_duration_seconds Time to answer a request.\n# TYPE gatehouse_request_duration_seconds histogram\n"
        var cumulative = 0
        for (index, bound) in Metrics.buckets.enumerated() {
            cumulative += snapshot.latencyCounts[index]
            out += "gatehouse_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "gatehouse_request_duration_seconds_bucket{le=\"+Inf\"} \(snapshot.latencyCount)\n"
        out += "gatehouse_request_duration_seconds_sum \(snapshot.latencySum)\n"
        out += "gatehouse_request_duration_seconds_count \(snapshot.latencyCount)\n"
        out += "# HELP gatehouse_logins_total Sign-in attempts by outcome.\n# TYPE gatehouse_logins_total counter\n"
        for (outcome, count) in snapshot.logins.sorted(by: { $0.key < $1.key }) {
            out += "gatehouse_logins_total{outcome=\"\(outcome)\"} \(count)\n"
        }
        out += "# HELP gatehouse_lockouts_total Sign-ins refused by the lockout limits.\n# TYPE gatehouse_lockouts_total counter\n"
        out += "gatehouse_lockouts_total \(snapshot.logins["locked"] ?? 0)\n"
        out += "# HELP gatehouse_database_errors_total Requests that met a database error.\n# TYPE gatehouse_database_errors_total counter\n"
        out += "gatehouse_database_errors_total \(snapshot.databaseErrors)\n"
        out += "# HELP gatehouse_database_connects_total Database connections opened (first and re-connections).\n# TYPE gatehouse_database_connects_total counter\n"
        out += "gatehouse_database_connects_total \(snapshot.databaseReconnects)\n"
        out += "# HELP gatehouse_worker_restarts_total Worker processes the supervisor had replaced when this worker started.\n# TYPE gatehouse_worker_restarts_total counter\n"
        out += "gatehouse_worker_restarts_total \(workerRestarts)\n"
        if let liveSessions {
            out += "# HELP gatehouse_sessions_live Sessions not yet expired.\n# TYPE gatehouse_sessions_live gauge\n"
            out += "gatehouse_sessions_live \(liveSessions)\n"
        }
        out += "# HELP gatehouse_worker_info The worker process that answered this scrape.\n# TYPE gatehouse_worker_info gauge\n"
        out += "gatehouse_worker_info{pid=\"\(getpid())\"} 1\n"
        return out
    }
}
