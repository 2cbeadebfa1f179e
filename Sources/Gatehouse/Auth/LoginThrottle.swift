/// The lockout: failed password checks counted in PostgreSQL, so every worker and
/// instance sees the same numbers, against SPEC.md's limits.
///
/// An attempt is reserved before its password is hashed: under transaction advisory
/// locks on each of its keys, the failures (and attempts still being judged) are counted
/// and, when no limit is reached, a row is inserted before the locks go. However many
/// guesses arrive at once, no more than a limit are ever judged per key and window. The
/// row becomes the failure, or is deleted when the password was right.
///
/// Keys: (username, address) is the tightest, so an attacker's address locks out only
/// itself; address (any usernames) and username (any addresses, per hour) brake spraying.
/// Addresses count IPv6 per /64. A browser that proves an earlier sign-in with a device
/// cookie is judged by that device's own counter instead, so strangers cannot lock it out.
struct LoginThrottle {
    let database: DatabaseConnection
    let configuration: Configuration

    /// The keys one attempt is counted under.
    struct Attempt {
        /// The username as typed, bounded (attackers choose it).
        let username: String
        /// The client address, for the audit log.
        let address: String
        /// The address as the limits count it (`AddressBlock`).
        let block: String
        /// The device cookie's counter key, when the browser proved an earlier sign-in.
        let device: String?

        /// The keys of a try at `username`'s password from `address`, with the device
        /// cookie that proved an earlier sign-in as that user, if any.
        init(username: String, address: String, device: DeviceCookie?) {
            self.username = String(username.prefix(64))
            self.address = address
            block = AddressBlock.key(address)
            self.device = device?.counterKey
        }
    }

    /// How a judged attempt ended.
    enum Outcome: Equatable {
        /// A limit was reached; the password was not looked at.
        case locked(limit: String)
        /// Attempts still being judged fill a limit, with fewer failures than it allows: this
        /// one is refused for now, since they may all turn out wrong, but no lock holds.
        case busy
        /// The password was wrong; the failure is counted.
        case failed
        /// The password was right; this pair's (or device's) settled failures are forgotten.
        case succeeded
    }

    /// A limit and the key it counts.
    private struct Limit {
        let name: String
        let key: String
        let allowed: Int
        let window: Int
    }

    /// Reserves a place for `attempt`, runs `check` (the password hash) if one was free,
    /// and records the verdict. An error from `check` frees the place: nothing was judged.
    func judge(_ attempt: Attempt, _ check: () throws -> Bool) throws -> Outcome {
        let reservation: Int
        switch try reserve(attempt) {
        case .locked(let limit): return .locked(limit: limit)
        case .busy: return .busy
        case .reserved(let id): reservation = id
        }
        let matched: Bool
        do {
            matched = try check()
        } catch {
            _ = try? database.execute(Self.releaseStatement, [String(reservation)])
            throw error
        }
        if matched {
            if let device = attempt.device {
                _ = try database.execute(Self.succeededDeviceStatement, [String(reservation), device])
            } else {
                _ = try database.execute(Self.succeededStatement, [String(reservation), attempt.username, attempt.block])
            }
            return .succeeded
        }
        _ = try database.execute(Self.failedStatement, [String(reservation)])
        return .failed
    }

    /// What `reserve` got: a place (the row id), the name of the limit reached, or no
    /// place while others are judged.
    private enum Reservation {
        case reserved(Int)
        case locked(String)
        case busy
    }

    /// Counts and reserves atomically; a refusal writes the `login_locked` audit row once
    /// per key and window, under the same locks, so refusals at once write one row.
    private func reserve(_ attempt: Attempt) throws -> Reservation {
        try database.transaction {
            let limits = self.limits(attempt)
            try AdvisoryLock.lock(.loginThrottle, limits.map(\.key), on: database)
            let counts = try self.counts(attempt)
            for (limit, count) in zip(limits, counts) where count.settled >= limit.allowed {
                AuditLog(database: database).recordOnce(
                    "login_locked", username: attempt.username, address: attempt.address,
                    detail: "limit=\(limit.name) \(limit.key)", within: limit.window)
                return .locked(limit.name)
            }
            for (limit, count) in zip(limits, counts) where count.all >= limit.allowed {
                return .busy
            }
            let row = try database.execute(Self.reserveStatement, [attempt.username, attempt.block, attempt.device])
            guard let id = row.scalar().flatMap({ Int($0) }) else {
                throw DatabaseError(sqlState: nil, message: "login_failure returned no id")
            }
            return .reserved(id)
        }
    }

    /// The limits `attempt` is judged by, tightest first.
    private func limits(_ attempt: Attempt) -> [Limit] {
        let window = configuration.loginFailureWindow
        if let device = attempt.device {
            return [Limit(name: "LOGIN_FAILURE_LIMIT", key: "device=\(device)", allowed: configuration.loginFailureLimit, window: window)]
        }
        return [
            Limit(name: "LOGIN_FAILURE_LIMIT", key: "user=\(attempt.username) address=\(attempt.block)",
                  allowed: configuration.loginFailureLimit, window: window),
            Limit(name: "LOGIN_IP_LIMIT", key: "address=\(attempt.block)", allowed: configuration.loginIPLimit, window: window),
            Limit(name: "LOGIN_USER_LIMIT", key: "user=\(attempt.username)", allowed: configuration.loginUserLimit,
                  window: Self.window(of: "LOGIN_USER_LIMIT", configuration)),
        ]
    }

    /// The counts `limits(attempt)` compare, in the same order: every attempt in the window
    /// (failures and those still being judged), and the failures alone. Run under the
    /// keys' locks.
    private func counts(_ attempt: Attempt) throws(DatabaseError) -> [(all: Int, settled: Int)] {
        let window = String(configuration.loginFailureWindow)
        let result = if let device = attempt.device {
            try database.execute(Self.countDeviceStatement, [device, window])
        } else {
            try database.execute(Self.countStatement, [attempt.username, attempt.block, window])
        }
        let values = (result.rows.first ?? []).map { $0.flatMap { Int($0) } ?? 0 }
        return stride(from: 0, to: values.count - 1, by: 2).map { (all: values[$0], settled: values[$0 + 1]) }
    }

    /// Seconds until a key locked by the limit named `limit` opens again, at the latest.
    static func window(of limit: String, _ configuration: Configuration) -> Int {
        limit == "LOGIN_USER_LIMIT" ? 3600 : configuration.loginFailureWindow
    }

    /// Deletes failures older than every window that still counts them.
    func purgeOld() throws(DatabaseError) {
        _ = try database.query(
            "DELETE FROM login_failure WHERE at < now() - greatest(make_interval(secs => $1::int), interval '1 hour')",
            [String(configuration.loginFailureWindow)])
    }
}
