/// Failed sign-ins, counted in PostgreSQL so every worker and instance sees the same
/// numbers, against SPEC.md's three limits.
///
/// The tightest limit is per (username, address): an attacker's address can lock out
/// only itself, never the user's sign-in from elsewhere.
struct LoginThrottle {
    let database: DatabaseConnection
    let configuration: Configuration

    static let countStatement = PreparedStatement("login_failures_count", """
        SELECT count(*) FILTER (WHERE username = $1 AND address = $2 AND at > now() - make_interval(secs => $3::int)),
               count(*) FILTER (WHERE address = $2 AND at > now() - make_interval(secs => $3::int)),
               count(*) FILTER (WHERE username = $1 AND at > now() - interval '1 hour')
        FROM login_failure
        WHERE (username = $1 OR address = $2)
          AND at > now() - greatest(make_interval(secs => $3::int), interval '1 hour')
        """)
    static let recordStatement = PreparedStatement(
        "login_failure_record", "INSERT INTO login_failure (username, address) VALUES ($1, $2)")
    static let clearStatement = PreparedStatement(
        "login_failure_clear", "DELETE FROM login_failure WHERE username = $1 AND address = $2")

    /// Which limit stopped a sign-in.
    enum Verdict: Equatable {
        case allowed
        case locked(limit: String)
    }

    /// Whether `username` may try to sign in from `address` now.
    func check(username: String, address: String) throws(DatabaseError) -> Verdict {
        let row = try database.execute(LoginThrottle.countStatement, [
            LoginThrottle.key(username), address, String(configuration.loginFailureWindow),
        ]).rows.first ?? []
        let counts = row.map { $0.flatMap { Int($0) } ?? 0 }
        guard counts.count == 3 else { return .allowed }
        if counts[0] >= configuration.loginFailureLimit { return .locked(limit: "LOGIN_FAILURE_LIMIT") }
        if counts[1] >= configuration.loginIPLimit { return .locked(limit: "LOGIN_IP_LIMIT") }
        if counts[2] >= configuration.loginUserLimit { return .locked(limit: "LOGIN_USER_LIMIT") }
        return .allowed
    }

    /// Counts one failure.
    func recordFailure(username: String, address: String) throws(DatabaseError) {
        _ = try database.execute(LoginThrottle.recordStatement, [LoginThrottle.key(username), address])
    }

    /// Forgets this pair's failures after a successful sign-in.
    func clear(username: String, address: String) throws(DatabaseError) {
        _ = try database.execute(LoginThrottle.clearStatement, [LoginThrottle.key(username), address])
    }

    /// Deletes failures older than every window that still counts them.
    func purgeOld() throws(DatabaseError) {
        _ = try database.query(
            "DELETE FROM login_failure WHERE at < now() - greatest(make_interval(secs => $1::int), interval '1 hour')",
            [String(configuration.loginFailureWindow)])
    }

    /// Usernames are stored bounded: attackers choose them.
    static func key(_ username: String) -> String {
        String(username.prefix(64))
    }
}
