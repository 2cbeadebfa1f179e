extension Configuration {
    /// The minimum `SECRET_KEY` length, in bytes.
    static let minimumSecretKeyBytes = 32
    /// Longest session lifetime accepted, in seconds (ten years).
    static let maximumSessionAge = 315_360_000

    /// Checks every merged value and builds the configuration.
    /// - Throws: `ConfigurationError` naming the first invalid key.
    static func validated(_ values: [String: String], onlineCores: Int)
        throws(ConfigurationError) -> Configuration
    {
        /// The value of `key`, or `nil` when it is unset or empty.
        func value(_ key: String) -> String? {
            guard let value = values[key], !value.isEmpty else { return nil }
            return value
        }
        func number(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>, _ noun: String)
            throws(ConfigurationError) -> Int
        {
            guard let text = value(key) else { return fallback }
            return try wholeNumber(text, key: key, range: range, noun: noun)
        }
        var warnings: [String] = []

        guard let secret = values["SECRET_KEY"], !secret.isEmpty else {
            throw ConfigurationError(
                key: "SECRET_KEY",
                message: "required; set it to \(minimumSecretKeyBytes) or more random bytes, "
                    + "e.g. the output of `openssl rand -hex 32`")
        }
        let secretKey = Array(secret.utf8)
        guard secretKey.count >= minimumSecretKeyBytes else {
            throw ConfigurationError(
                key: "SECRET_KEY",
                message: "must be at least \(minimumSecretKeyBytes) bytes, got \(secretKey.count)")
        }

        if let ports = value("DB_PORT") {
            for port in ports.split(separator: ",", omittingEmptySubsequences: false) {
                _ = try wholeNumber(String(port), key: "DB_PORT", range: 1...65535, noun: "a port number")
            }
        }
        let connInfo =
            value("DATABASE_URL")
            ?? ConnInfo.build([
                ("host", value("DB_HOST")), ("port", value("DB_PORT")), ("user", value("DB_USER")),
                ("password", value("DB_PASSWORD")), ("dbname", value("DB_NAME")),
            ])

        let listen = try value("LISTEN").map { text throws(ConfigurationError) in
            try ListenAddress(parsing: text)
        } ?? .unix(path: ".run/gatehouse.sock")

        let seconds = "a whole number of seconds"
        let idle = try number("SESSION_MAX_AGE", 3600, 1...maximumSessionAge, seconds)
        let absolute = try number("SESSION_ABSOLUTE_MAX_AGE", 86400, 1...maximumSessionAge, seconds)
        guard absolute >= idle else {
            throw ConfigurationError(
                key: "SESSION_ABSOLUTE_MAX_AGE",
                message: "must be at least SESSION_MAX_AGE (\(idle)), got \(absolute)")
        }

        var cookieSecure = CookieSecureMode.auto
        if let text = value("COOKIE_SECURE") {
            guard let mode = CookieSecureMode(parsing: text) else {
                throw ConfigurationError(
                    key: "COOKIE_SECURE", message: "expected auto, true or false, got \"\(text)\"")
            }
            cookieSecure = mode
        }

        let cookieName = value("SESSION_COOKIE_NAME") ?? "session"
        guard isCookieNameToken(cookieName) else {
            throw ConfigurationError(
                key: "SESSION_COOKIE_NAME",
                message: "expected a cookie name (visible ASCII, no separators such as = ; , or "
                    + "space), got \"\(cookieName)\"")
        }
        if cookieName.hasPrefix("__Host-") || cookieName.hasPrefix("__Secure-") {
            // Browsers drop such cookies unless they are Secure.
            if cookieSecure == .never {
                throw ConfigurationError(
                    key: "SESSION_COOKIE_NAME",
                    message: "\(cookieName) needs a Secure cookie but COOKIE_SECURE is false")
            } else if cookieSecure == .auto {
                warnings.append(
                    "SESSION_COOKIE_NAME \(cookieName) is refused by browsers over plain HTTP; "
                        + "consider COOKIE_SECURE=true")
            }
        }

        var registration = false
        if let text = value("REGISTRATION") {
            guard let flag = BooleanWord.parse(text) else {
                throw ConfigurationError(key: "REGISTRATION", message: "expected on or off, got \"\(text)\"")
            }
            registration = flag
        }

        var mfaRequired = MFARequirement.off
        if let text = value("MFA_REQUIRED") {
            guard let requirement = MFARequirement(parsing: text) else {
                throw ConfigurationError(key: "MFA_REQUIRED", message: "expected off, admin or all, got \"\(text)\"")
            }
            mfaRequired = requirement
        }

        let publicURL = try publicURL(value("PUBLIC_URL"))
        let cookieDomain = try cookieDomain(value("COOKIE_DOMAIN"), publicURL: publicURL, cookieName: cookieName)
        let redirectHosts = try redirectHosts(value("REDIRECT_HOSTS"), publicURL: publicURL)

        return Configuration(
            secretKey: secretKey,
            databaseConnInfo: connInfo,
            databaseTimeout: try value("DATABASE_TIMEOUT").map { text throws(ConfigurationError) in
                try decimalSeconds(text, key: "DATABASE_TIMEOUT", range: 0.1...3600)
            } ?? 2,
            listen: listen,
            workerProcesses: try number("WORKER_PROCESSES", 2, 1...64, "a whole number of processes"),
            workers: try number(
                "WORKERS", defaultWorkers(onlineCores: onlineCores), 1...1024,
                "a whole number of threads"),
            sessionCookieName: cookieName,
            sessionMaxAge: idle,
            sessionAbsoluteMaxAge: absolute,
            sessionCacheSize: try number("SESSION_CACHE_SIZE", 10000, 1...1_000_000, "a whole number of entries"),
            sessionCacheTTL: try number("SESSION_CACHE_TTL", 30, 0...3600, seconds),
            cookieSecure: cookieSecure,
            pbkdf2Iterations: try number(
                "PBKDF2_ITERATIONS", 600_000, 1000...10_000_000, "a whole number of iterations"),
            loginFailureLimit: try number(
                "LOGIN_FAILURE_LIMIT", 5, 1...1_000_000, "a whole number of failures"),
            loginFailureWindow: try number("LOGIN_FAILURE_WINDOW", 900, 1...31_536_000, seconds),
            loginIPLimit: try number("LOGIN_IP_LIMIT", 50, 1...1_000_000, "a whole number of failures"),
            loginUserLimit: try number(
                "LOGIN_USER_LIMIT", 100, 1...1_000_000, "a whole number of failures"),
            reauthWindow: try number("REAUTH_WINDOW", 600, 1...31_536_000, seconds),
            registration: registration,
            passwordMinScore: try passwordMinScore(value("PASSWORD_MIN_SCORE")),
            auditRetention: try number("AUDIT_RETENTION", 365, 1...36_500, "a whole number of days"),
            templatesDir: value("TEMPLATES_DIR") ?? "templates",
            trustedProxies: try addressList(values["TRUSTED_PROXIES"], key: "TRUSTED_PROXIES") ?? [],
            metricsAllow: try addressList(values["METRICS_ALLOW"], key: "METRICS_ALLOW")
                ?? ["127.0.0.1", "::1"],
            mfaRequired: mfaRequired,
            publicURL: publicURL,
            cookieDomain: cookieDomain,
            redirectHosts: redirectHosts,
            mail: try mailSettings(value, publicURL: publicURL),
            warnings: warnings)
    }

    /// A plain decimal number (ASCII digits only, no sign or spaces) within `range`.
    /// - Throws: e.g. `SESSION_MAX_AGE: expected a whole number of seconds ≥ 1, got "abc"`.
    static func wholeNumber(_ text: String, key: String, range: ClosedRange<Int>, noun: String)
        throws(ConfigurationError) -> Int
    {
        let digits =
            !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        // More than 18 digits could overflow Int; anything that long is out of range anyway.
        let parsed = digits ? (text.utf8.count > 18 ? Int.max : Int(text)) : nil
        guard let parsed, parsed >= range.lowerBound else {
            throw ConfigurationError(
                key: key, message: "expected \(noun) ≥ \(range.lowerBound), got \"\(text)\"")
        }
        guard parsed <= range.upperBound else {
            throw ConfigurationError(
                key: key,
                message: "expected \(noun) from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return parsed
    }

    /// `PASSWORD_MIN_SCORE`: one digit, 0 to 4 (zxcvbn's scores); 3 when unset.
    /// - Throws: e.g. `PASSWORD_MIN_SCORE: expected a zxcvbn score from 0 to 4, got "5"`.
    static func passwordMinScore(_ text: String?) throws(ConfigurationError) -> Int {
        guard let text else { return 3 }
        guard text.utf8.count == 1, let score = Int(text), (0...4).contains(score) else {
            throw ConfigurationError(
                key: "PASSWORD_MIN_SCORE", message: "expected a zxcvbn score from 0 to 4, got \"\(text)\"")
        }
        return score
    }

    /// A plain decimal number of seconds (digits with at most one `.`, no sign, exponent
    /// or spaces) within `range`.
    /// - Throws: e.g. `DATABASE_TIMEOUT: expected seconds from 0.1 to 3600, got "0"`.
    static func decimalSeconds(_ text: String, key: String, range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        let plain = text.utf8.allSatisfy { $0 == UInt8(ascii: ".") || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
        guard plain, let parsed = Double(text), range.contains(parsed) else {
            throw ConfigurationError(
                key: key, message: "expected seconds from \(range.lowerBound) to \(Int(range.upperBound)), got \"\(text)\"")
        }
        return parsed
    }

    /// Entries of a space- or comma-separated list of IP addresses and CIDR ranges;
    /// `nil` when the key is unset (an empty value is an empty list).
    static func addressList(_ text: String?, key: String) throws(ConfigurationError) -> [String]? {
        guard let text else { return nil }
        let separators: Set<Character> = [" ", ",", "\t", "\n"]
        let entries = text.split(whereSeparator: { separators.contains($0) }).map(String.init)
        for entry in entries where !NetworkAddress.isAddressOrRange(entry) {
            throw ConfigurationError(
                key: key, message: "\"\(entry)\" is not an IP address or CIDR range")
        }
        return entries
    }

    /// True for an RFC 6265 cookie-name: a non-empty RFC 2616 token (visible ASCII
    /// other than the separators `()<>@,;:\"/[]?={}`).
    static func isCookieNameToken(_ name: String) -> Bool {
        let separators = Set("()<>@,;:\\\"/[]?={}".utf8)
        return !name.isEmpty
            && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && !separators.contains($0) }
    }
}

/// The spellings accepted for on/off settings such as `REGISTRATION`.
enum BooleanWord {
    /// `true` for `on|true|1|yes`, `false` for `off|false|0|no` (any case), else `nil`.
    static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "1", "yes": true
        case "off", "false", "0", "no": false
        default: nil
        }
    }
}
