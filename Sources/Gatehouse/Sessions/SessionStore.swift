/// The `session` table: the one-round-trip lookup, creation at login, deletion at logout.
///
/// Rows are keyed by `SessionToken.storageKey` (SHA-256 hex of the cookie text), so the
/// database never holds a token that would authenticate.
public struct SessionStore {
    /// The connection of the current thread.
    public let database: DatabaseConnection
    /// Idle timeout, seconds.
    public let maxAge: Int
    /// Hard cap from login, seconds.
    public let absoluteMaxAge: Int
    /// Whether `lookup` also finds out if the user holds a second factor (MFA_REQUIRED on).
    public let checksFactor: Bool

    /// A session found by `lookup`.
    public struct Found: Sendable, Equatable {
        /// `session.id`, as shown on the account page.
        public let sessionID: Int
        /// The session's user.
        public let user: User
        /// Factors the sign-in proved: 1 (password) or 2 (password and a second factor).
        public var factors = 1
        /// Seconds since the session last proved a password or factor (`?max_age=`).
        public var authenticatedAgo = 0
        /// Whether the user holds a second factor; only read (and only true) when the
        /// store was asked to check, that is when MFA_REQUIRED is on.
        public var hasFactor = false
    }

    /// Creates a store on `database` with the configured lifetimes.
    public init(database: DatabaseConnection, maxAge: Int, absoluteMaxAge: Int, checksFactor: Bool = false) {
        self.database = database
        self.maxAge = maxAge
        self.absoluteMaxAge = absoluteMaxAge
        self.checksFactor = checksFactor
    }

    /// The session joined to its user with both expiries checked, and whether less than
    /// half of the idle time is left (`stale`). A plain SELECT, the scopes as jsonb text:
    /// a data-modifying WITH (for a write needed once per maxAge/2) and unpacking the
    /// scope array in SQL cost PostgreSQL twice this statement's executor time.
    /// Whether the user holds a factor rides in the same round trip, and the CASE skips
    /// the probe entirely while MFA_REQUIRED is off ($4 false): no cost on the default.
    /// A factor is an app that is on, or a passkey.
    static let lookupStatement = PreparedStatement("session_lookup", """
            SELECT s.id, u.id, u.username, u.first_name, u.last_name, u.scope::text,
                   s.expires_at < now() + make_interval(secs => $2::int / 2) AS stale,
                   s.factors, extract(epoch FROM now() - s.authenticated_at)::int,
                   CASE WHEN $4::bool THEN EXISTS (SELECT 1 FROM totp_factor f
                        WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL)
                        OR EXISTS (SELECT 1 FROM passkey p WHERE p."user" = u.id) ELSE false END,
                   extract(epoch FROM least(s.expires_at - make_interval(secs => $2::int / 2),
                                            s.created_at + make_interval(secs => $3::int)) - now())::float8,
                   CASE WHEN u.email_confirmed_at IS NOT NULL THEN u.email END
            FROM session s JOIN users u ON u.id = s."user"
            WHERE s.token = $1 AND s.expires_at > now()
              AND s.created_at > now() - make_interval(secs => $3::int)
            """)
    /// Pushes a stale session's idle expiry forward; the condition again, so that two
    /// requests racing to slide it write once.
    static let slideStatement = PreparedStatement("session_slide", """
            UPDATE session SET expires_at = now() + make_interval(secs => $2::int), last_seen_at = now()
            WHERE id = $1 AND expires_at < now() + make_interval(secs => $2::int / 2)
            """)
    static let createStatement = PreparedStatement("session_create", """
            INSERT INTO session (token, "user", created_at, expires_at, last_seen_at, address, user_agent, factors, authenticated_at)
            VALUES ($1, $2, now(), now() + make_interval(secs => $3::int), now(), $4, left($5, 512), $6, now())
            RETURNING id
            """)
    static let deleteStatement = PreparedStatement("session_delete", "DELETE FROM session WHERE token = $1")

    /// The live session and user for `token`, or `nil` when it is unknown, expired or orphaned.
    ///
    /// One round trip, and a second once per maxAge/2 of activity: the idle expiry is
    /// pushed forward only when less than half of it is left, so an active session is
    /// written at most once per maxAge/2.
    public func lookup(_ token: SessionToken) throws(DatabaseError) -> Found? {
        try timedLookup(token)?.found
    }

    /// `lookup`, with the seconds for which its answer may be reused (`SessionCache`):
    /// until the idle expiry would need sliding or the absolute one ends it; 0 when stale.
    func timedLookup(_ token: SessionToken) throws(DatabaseError) -> (found: Found, reusableFor: Double)? {
        let maxAgeText = String(maxAge)
        // Typed as the call takes it: a [String] passed as [String?] is converted element
        // by element, through a dynamic cast, on every request.
        let parameters: [String?] = [token.storageKey, maxAgeText, String(absoluteMaxAge), checksFactor ? "t" : "f"]
        // Read in place: only the columns a request uses become strings.
        let read = try database.execute(SessionStore.lookupStatement, parameters) { row -> (found: Found, stale: Bool, reusableFor: Double)? in
            guard let row, let sessionID = row.int(0), let userID = row.int(1), let username = row.string(2) else { return nil }
            let scopes = row.withBytes(5) { ScopeList.scopes(json: $0) } ?? []
            let user = User(id: userID, username: username, firstName: row.string(3), lastName: row.string(4), scopes: scopes,
                            email: row.string(11))
            let found = Found(sessionID: sessionID, user: user, factors: row.int(7) ?? 1, authenticatedAgo: row.int(8) ?? 0,
                              hasFactor: row.bool(9))
            return (found, row.bool(6), row.string(10).flatMap(Double.init) ?? 0)
        }
        guard let read else { return nil }
        if read.stale {
            _ = try database.execute(SessionStore.slideStatement, [String(read.found.sessionID), maxAgeText])
            return (read.found, 0)
        }
        return (read.found, max(0, read.reusableFor))
    }

    /// Stores a new session for `userID` under `token`, which proved `factors` (1 or 2) now.
    @discardableResult
    public func create(_ token: SessionToken, userID: Int, address: String, userAgent: String, factors: Int = 1) throws(DatabaseError) -> Int {
        let result = try database.execute(SessionStore.createStatement,
                                          [token.storageKey, String(userID), String(maxAge), address, userAgent, String(factors)])
        return result.scalar().flatMap { Int($0) } ?? 0
    }

    /// Marks the session as just proved again (`/auth/confirm`): `authenticated_at` becomes
    /// now, and `factors` rises to what the confirmation proved, never falls.
    public func confirm(sessionID: Int, factors: Int) throws(DatabaseError) {
        _ = try database.query("UPDATE session SET authenticated_at = now(), factors = greatest(factors, $2::int) WHERE id = $1",
                               [String(sessionID), String(factors)])
    }

    /// Deletes the session stored under `token`, if any.
    public func delete(_ token: SessionToken) throws(DatabaseError) {
        _ = try database.execute(SessionStore.deleteStatement, [token.storageKey])
    }

    /// Deletes every row past its idle or absolute expiry.
    /// - Returns: how many rows were removed.
    @discardableResult
    public func purgeExpired() throws(DatabaseError) -> Int {
        try database.query(
            "DELETE FROM session WHERE expires_at <= now() OR created_at <= now() - make_interval(secs => $1::int)",
            [String(absoluteMaxAge)]).affectedRows
    }
}
