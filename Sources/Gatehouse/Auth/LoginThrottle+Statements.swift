extension LoginThrottle {
    /// Attempts for (username, address), address, and username in the last hour, among
    /// strangers' attempts (no device cookie): each as every row (attempts still being
    /// judged count) and as settled failures alone.
    static let countStatement = PreparedStatement("login_failures_count", """
        SELECT count(*) FILTER (WHERE username = $1 AND address = $2 AND at > now() - make_interval(secs => $3::int)),
               count(*) FILTER (WHERE username = $1 AND address = $2 AND at > now() - make_interval(secs => $3::int) AND NOT pending),
               count(*) FILTER (WHERE address = $2 AND at > now() - make_interval(secs => $3::int)),
               count(*) FILTER (WHERE address = $2 AND at > now() - make_interval(secs => $3::int) AND NOT pending),
               count(*) FILTER (WHERE username = $1 AND at > now() - interval '1 hour'),
               count(*) FILTER (WHERE username = $1 AND at > now() - interval '1 hour' AND NOT pending)
        FROM login_failure
        WHERE device IS NULL AND (username = $1 OR address = $2)
          AND at > now() - greatest(make_interval(secs => $3::int), interval '1 hour')
        """)
    /// Attempts of one device within the window, and its settled failures alone.
    static let countDeviceStatement = PreparedStatement("login_failures_count_device", """
        SELECT count(*), count(*) FILTER (WHERE NOT pending)
        FROM login_failure WHERE device = $1 AND at > now() - make_interval(secs => $2::int)
        """)
    /// A place for an attempt about to be judged: it counts as a failure until settled.
    static let reserveStatement = PreparedStatement(
        "login_failure_reserve",
        "INSERT INTO login_failure (username, address, device, pending) VALUES ($1, $2, $3, true) RETURNING id")
    /// The password was wrong: the reservation stays, as a settled failure.
    static let failedStatement = PreparedStatement(
        "login_failure_failed", "UPDATE login_failure SET pending = false WHERE id = $1")
    /// Nothing was judged (the hash could not run): the place is given back.
    static let releaseStatement = PreparedStatement(
        "login_failure_release", "DELETE FROM login_failure WHERE id = $1")
    /// The password was right: the reservation and the pair's settled failures go. Attempts
    /// still being judged stay, so a success cannot free places for guesses in flight.
    static let succeededStatement = PreparedStatement("login_failure_succeeded", """
        DELETE FROM login_failure
        WHERE id = $1 OR (NOT pending AND device IS NULL AND username = $2 AND address = $3)
        """)
    /// As `succeededStatement`, for a device's counter.
    static let succeededDeviceStatement = PreparedStatement("login_failure_succeeded_device", """
        DELETE FROM login_failure WHERE id = $1 OR (NOT pending AND device = $2)
        """)
}
