import Glibc

/// Gatehouse's settings, read once at start-up from a dotenv file and the environment.
///
/// `load(envFile:environment:)` validates every value, so a `Configuration` from it is
/// ready to use; the memberwise initialiser does not validate (tests, embedding).
public struct Configuration: Sendable, Equatable {
    /// libpq connection string: `DATABASE_URL` verbatim, else built from `DB_*`.
    public var databaseConnInfo: String
    /// Seconds to wait for a database connection or answer, also the server-side
    /// statement_timeout (`DATABASE_TIMEOUT`).
    public var databaseTimeout: Double
    /// `SECRET_KEY` as UTF-8 bytes (at least 32); keys the CSRF HMAC.
    public var secretKey: [UInt8]
    /// Where the FastCGI responder listens (`LISTEN`).
    public var listen: ListenAddress
    /// Supervised worker processes sharing the socket (`WORKER_PROCESSES`).
    public var workerProcesses: Int
    /// Responder threads per worker process (`WORKERS`).
    public var workers: Int
    /// Name of the session cookie (`SESSION_COOKIE_NAME`).
    public var sessionCookieName: String
    /// Sliding idle timeout of a session, in seconds (`SESSION_MAX_AGE`).
    public var sessionMaxAge: Int
    /// Hard cap on a session's life from login, in seconds (`SESSION_ABSOLUTE_MAX_AGE`).
    public var sessionAbsoluteMaxAge: Int
    /// Session lookups each worker process keeps (`SESSION_CACHE_SIZE`).
    public var sessionCacheSize: Int
    /// Seconds a cached session lookup may be reused (`SESSION_CACHE_TTL`); 0 turns the cache off.
    public var sessionCacheTTL: Int
    /// When the session cookie is marked `Secure` (`COOKIE_SECURE`).
    public var cookieSecure: CookieSecureMode
    /// PBKDF2 iterations for new and upgraded password hashes (`PBKDF2_ITERATIONS`).
    public var pbkdf2Iterations: Int
    /// Failures allowed for one username from one address within the window.
    public var loginFailureLimit: Int
    /// The lockout window, in seconds (`LOGIN_FAILURE_WINDOW`).
    public var loginFailureWindow: Int
    /// Failures allowed from one client address within the window (`LOGIN_IP_LIMIT`).
    public var loginIPLimit: Int
    /// Failures allowed for one username within an hour (`LOGIN_USER_LIMIT`).
    public var loginUserLimit: Int
    /// Seconds after a sign-in or `/auth/confirm` in which sensitive actions go through
    /// without asking again (`REAUTH_WINDOW`).
    public var reauthWindow: Int
    /// Whether `/auth/register` offers sign-up (`REGISTRATION`).
    public var registration: Bool
    /// The least zxcvbn score (0–4) of a password being set (`PASSWORD_MIN_SCORE`).
    public var passwordMinScore: Int
    /// Days an `audit_log` row is kept before the maintenance thread deletes it
    /// (`AUDIT_RETENTION`).
    public var auditRetention: Int
    /// Directory of the Mustache templates (`TEMPLATES_DIR`).
    public var templatesDir: String
    /// Addresses and CIDR ranges whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    public var trustedProxies: [String]
    /// Addresses and CIDR ranges allowed to read `/metrics` (`METRICS_ALLOW`).
    public var metricsAllow: [String]
    /// Who must set up a second factor before anything else (`MFA_REQUIRED`).
    public var mfaRequired: MFARequirement
    /// The sign-in site's own origin, `scheme://host[:port]` (`PUBLIC_URL`), if set.
    public var publicURL: String?
    /// The `Domain=` of every session cookie (`COOKIE_DOMAIN`): PUBLIC_URL's host or a
    /// parent of it, lower case; `nil` for host-only cookies.
    public var cookieDomain: String?
    /// Hosts an absolute `next` may name (`REDIRECT_HOSTS`): lower-case names and
    /// `*.suffix` patterns.
    public var redirectHosts: [String]
    /// SMTP_URL, MAIL_FROM, MAIL_DIR and RESET_MAX_AGE.
    public var mail: MailSettings
    /// Non-fatal findings, such as unknown keys, for the caller to log.
    public var warnings: [String]

    /// Creates a configuration from explicit values, with the documented defaults
    /// (`workers: nil` means two per online core).
    /// Nothing is validated here; `load(envFile:environment:)` is the checked path.
    public init(
        secretKey: [UInt8],
        databaseConnInfo: String = "",
        databaseTimeout: Double = 2,
        listen: ListenAddress = .unix(path: ".run/gatehouse.sock"),
        workerProcesses: Int = 2,
        workers: Int? = nil,
        sessionCookieName: String = "session",
        sessionMaxAge: Int = 3600,
        sessionAbsoluteMaxAge: Int = 86400,
        sessionCacheSize: Int = 10000,
        sessionCacheTTL: Int = 30,
        cookieSecure: CookieSecureMode = .auto,
        pbkdf2Iterations: Int = 600_000,
        loginFailureLimit: Int = 5,
        loginFailureWindow: Int = 900,
        loginIPLimit: Int = 50,
        loginUserLimit: Int = 100,
        reauthWindow: Int = 600,
        registration: Bool = false,
        passwordMinScore: Int = 3,
        auditRetention: Int = 365,
        templatesDir: String = "templates",
        trustedProxies: [String] = [],
        metricsAllow: [String] = ["127.0.0.1", "::1"],
        mfaRequired: MFARequirement = .off,
        publicURL: String? = nil,
        cookieDomain: String? = nil,
        redirectHosts: [String] = [],
        mail: MailSettings = MailSettings(),
        warnings: [String] = []
    ) {
        self.databaseConnInfo = databaseConnInfo
        self.databaseTimeout = databaseTimeout
        self.secretKey = secretKey
        self.listen = listen
        self.workerProcesses = workerProcesses
        self.workers = workers ?? Self.defaultWorkers(onlineCores: Self.onlineCores())
        self.sessionCookieName = sessionCookieName
        self.sessionMaxAge = sessionMaxAge
        self.sessionAbsoluteMaxAge = sessionAbsoluteMaxAge
        self.sessionCacheSize = sessionCacheSize
        self.sessionCacheTTL = sessionCacheTTL
        self.cookieSecure = cookieSecure
        self.pbkdf2Iterations = pbkdf2Iterations
        self.loginFailureLimit = loginFailureLimit
        self.loginFailureWindow = loginFailureWindow
        self.loginIPLimit = loginIPLimit
        self.loginUserLimit = loginUserLimit
        self.reauthWindow = reauthWindow
        self.registration = registration
        self.passwordMinScore = passwordMinScore
        self.auditRetention = auditRetention
        self.templatesDir = templatesDir
        self.trustedProxies = trustedProxies
        self.metricsAllow = metricsAllow
        self.mfaRequired = mfaRequired
        self.publicURL = publicURL
        self.cookieDomain = cookieDomain
        self.redirectHosts = redirectHosts
        self.mail = mail
        self.warnings = warnings
    }

    /// Loads and validates the configuration.
    ///
    /// The dotenv file is `envFile` (from `--env-file`), else `GATEHOUSE_ENV_FILE`,
    /// else `./.env`; only the default may be missing. Every known key set in
    /// `environment` overrides the file. An empty value means the default (or, for
    /// `DB_*` and `DATABASE_URL`, unset); for a list key it means an empty list.
    /// - Parameters:
    ///   - envFile: The path given with `--env-file`, if any.
    ///   - environment: The process environment.
    /// - Throws: `ConfigurationError` naming the first invalid key.
    public static func load(envFile: String?, environment: [String: String])
        throws(ConfigurationError) -> Configuration
    {
        try load(
            envFile: envFile, environment: environment,
            defaultEnvFile: "./.env", onlineCores: onlineCores())
    }

    /// Every key Gatehouse reads from the file and the environment.
    static let knownKeys: Set<String> = Set([
        "DATABASE_URL", "DATABASE_TIMEOUT", "DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_NAME",
        "SECRET_KEY", "LISTEN", "WORKER_PROCESSES", "WORKERS", "SESSION_COOKIE_NAME",
        "SESSION_MAX_AGE", "SESSION_ABSOLUTE_MAX_AGE", "SESSION_CACHE_SIZE", "SESSION_CACHE_TTL", "COOKIE_SECURE", "PBKDF2_ITERATIONS",
        "LOGIN_FAILURE_LIMIT", "LOGIN_FAILURE_WINDOW", "LOGIN_IP_LIMIT", "LOGIN_USER_LIMIT",
        "REAUTH_WINDOW", "REGISTRATION", "PASSWORD_MIN_SCORE", "AUDIT_RETENTION", "TEMPLATES_DIR", "TRUSTED_PROXIES", "METRICS_ALLOW",
        "MFA_REQUIRED", "PUBLIC_URL", "COOKIE_DOMAIN", "REDIRECT_HOSTS",
    ]).union(MailSettings.keys)

    /// Processors online now, at least 1.
    static func onlineCores() -> Int {
        max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// The `WORKERS` default: two threads per online core, within 1…1024.
    static func defaultWorkers(onlineCores: Int) -> Int {
        min(1024, max(1, 2 * onlineCores))
    }
}
