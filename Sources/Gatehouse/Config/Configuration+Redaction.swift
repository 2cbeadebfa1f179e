extension Configuration {
    /// The effective configuration as `KEY=value` lines (dotenv syntax, one key per
    /// line, no trailing newline) for `gatehouse check-config`, with `SECRET_KEY` and every database password
    /// replaced by `********`. The connection appears as `DATABASE_URL`, whichever keys
    /// it was built from.
    public func redactedDescription() -> String {
        let lines: [(String, String)] = [
            ("DATABASE_URL", ConnInfo.redacted(databaseConnInfo)),
            ("DATABASE_TIMEOUT", databaseTimeout == databaseTimeout.rounded() ? String(Int(databaseTimeout)) : String(databaseTimeout)),
            ("SECRET_KEY", ConnInfo.mask),
            ("LISTEN", listen.description),
            ("WORKER_PROCESSES", String(workerProcesses)),
            ("WORKERS", String(workers)),
            ("SESSION_COOKIE_NAME", sessionCookieName),
            ("SESSION_MAX_AGE", String(sessionMaxAge)),
            ("SESSION_ABSOLUTE_MAX_AGE", String(sessionAbsoluteMaxAge)),
            ("SESSION_CACHE_SIZE", String(sessionCacheSize)),
            ("SESSION_CACHE_TTL", String(sessionCacheTTL)),
            ("COOKIE_SECURE", cookieSecure.description),
            ("PBKDF2_ITERATIONS", String(pbkdf2Iterations)),
            ("LOGIN_FAILURE_LIMIT", String(loginFailureLimit)),
            ("LOGIN_FAILURE_WINDOW", String(loginFailureWindow)),
            ("LOGIN_IP_LIMIT", String(loginIPLimit)),
            ("LOGIN_USER_LIMIT", String(loginUserLimit)),
            ("REAUTH_WINDOW", String(reauthWindow)),
            ("REGISTRATION", registration ? "on" : "off"),
            ("PASSWORD_MIN_SCORE", String(passwordMinScore)),
            ("AUDIT_RETENTION", String(auditRetention)),
            ("TEMPLATES_DIR", templatesDir),
            ("TRUSTED_PROXIES", trustedProxies.joined(separator: " ")),
            ("METRICS_ALLOW", metricsAllow.joined(separator: " ")),
            ("MFA_REQUIRED", mfaRequired.description),
            ("PUBLIC_URL", publicURL ?? ""),
            ("COOKIE_DOMAIN", cookieDomain ?? ""),
            ("REDIRECT_HOSTS", redirectHosts.joined(separator: " ")),
        ] + mail.redactedLines
        return lines.map { key, value in
            value.isEmpty ? "\(key)=" : "\(key)=\(DotEnv.quote(value))"
        }.joined(separator: "\n")
    }
}
