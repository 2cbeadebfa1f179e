/// Gatehouse's schema: the original design's two tables, then numbered additive changes.
///
/// Each migration runs once, in its own transaction, recorded in `schema_migrations`.
/// A session-level advisory lock serialises instances that start together, so running
/// `gatehouse migrate` from several hosts at once is safe.
public enum Migrations {
    /// One schema change.
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    /// The advisory lock key (`'gatehouse'` as ASCII bytes), shared by every instance.
    static let lockKey = 0x4761_7465_686F_7573

    static let all: [Migration] = [
        Migration(version: 1, name: "original design tables", sql: """
            CREATE TABLE IF NOT EXISTS users (
                id serial PRIMARY KEY,
                username varchar(20) NOT NULL UNIQUE,
                first_name varchar(50),
                last_name varchar(50),
                p_hash bytea,
                p_salt bytea,
                scope jsonb NOT NULL,
                info jsonb NOT NULL
            );
            CREATE TABLE IF NOT EXISTS session (
                id serial PRIMARY KEY,
                token varchar(128) NOT NULL UNIQUE,
                "user" int NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        Migration(version: 2, name: "per-user iterations, session details, cascade", sql: """
            ALTER TABLE users ADD COLUMN IF NOT EXISTS p_iterations int;
            ALTER TABLE users ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();
            ALTER TABLE session ADD COLUMN IF NOT EXISTS last_seen_at timestamptz NOT NULL DEFAULT now();
            ALTER TABLE session ADD COLUMN IF NOT EXISTS address text NOT NULL DEFAULT '';
            ALTER TABLE session ADD COLUMN IF NOT EXISTS user_agent text NOT NULL DEFAULT '';
            DELETE FROM session s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s."user");
            ALTER TABLE session ADD CONSTRAINT session_user_fkey
                FOREIGN KEY ("user") REFERENCES users(id) ON DELETE CASCADE;
            CREATE INDEX IF NOT EXISTS session_user_idx ON session ("user");
            CREATE INDEX IF NOT EXISTS session_expires_at_idx ON session (expires_at);
            """),
        Migration(version: 3, name: "audit log", sql: """
            CREATE TABLE IF NOT EXISTS audit_log (
                id bigserial PRIMARY KEY,
                at timestamptz NOT NULL DEFAULT now(),
                username text,
                address text NOT NULL DEFAULT '',
                event text NOT NULL,
                detail text NOT NULL DEFAULT ''
            );
            CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at);
            """),
        Migration(version: 4, name: "login failures for lockout", sql: """
            CREATE TABLE IF NOT EXISTS login_failure (
                id bigserial PRIMARY KEY,
                at timestamptz NOT NULL DEFAULT now(),
                username text NOT NULL,
                address text NOT NULL
            );
            CREATE INDEX IF NOT EXISTS login_failure_user_idx ON login_failure (username, at);
            CREATE INDEX IF NOT EXISTS login_failure_address_idx ON login_failure (address, at);
            """),
        Migration(version: 5, name: "lockout reservations, device cookies, one lock audit per window", sql: """
            ALTER TABLE login_failure ADD COLUMN IF NOT EXISTS device text;
            ALTER TABLE login_failure ADD COLUMN IF NOT EXISTS pending boolean NOT NULL DEFAULT false;
            CREATE INDEX IF NOT EXISTS login_failure_device_idx ON login_failure (device, at) WHERE device IS NOT NULL;
            CREATE INDEX IF NOT EXISTS audit_log_event_detail_idx ON audit_log (event, detail, at);
            """),
        Migration(version: 6, name: "registration attempts", sql: """
            CREATE TABLE IF NOT EXISTS registration_attempt (
                id bigserial PRIMARY KEY,
                at timestamptz NOT NULL DEFAULT now(),
                address text NOT NULL
            );
            CREATE INDEX IF NOT EXISTS registration_attempt_address_idx ON registration_attempt (address, at);
            -- Names are compared with lower(username): migration 7's users_username_prefix_idx serves that.
            """),
        // Prefix search on /admin and `user list` (see `UserStore.searchedExpressions`):
        // text_pattern_ops lets `LIKE 'abc%'` use the index under any collation.
        Migration(version: 7, name: "user search indexes", sql: """
            CREATE INDEX IF NOT EXISTS users_username_prefix_idx ON users (lower(username) text_pattern_ops);
            CREATE INDEX IF NOT EXISTS users_full_name_prefix_idx
                ON users (lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) text_pattern_ops);
            CREATE INDEX IF NOT EXISTS users_last_name_prefix_idx ON users (lower(last_name) text_pattern_ops);
            """),
        // Second factors (SPEC "Second factor and passkeys"). `totp_factor.secret` is an
        // AES-256-GCM box (FactorSecretKey); a row without confirmed_at is an enrolment under
        // way. last_step is the replay guard. Recovery codes are kept as SHA-256 digests.
        // A session records how many factors it proved and when; a password-proven sign-in
        // still waiting for its second factor lives in pending_sign_in, which no guard reads.
        Migration(version: 8, name: "TOTP, recovery codes, session assurance, half-done sign-ins", sql: """
            CREATE TABLE IF NOT EXISTS totp_factor (
                user_id int PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                secret bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                confirmed_at timestamptz,
                last_step bigint NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS recovery_code (
                user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                digest bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (user_id, digest)
            );
            ALTER TABLE session ADD COLUMN IF NOT EXISTS factors smallint NOT NULL DEFAULT 1;
            ALTER TABLE session ADD COLUMN IF NOT EXISTS authenticated_at timestamptz NOT NULL DEFAULT now();
            CREATE TABLE IF NOT EXISTS pending_sign_in (
                token varchar(128) PRIMARY KEY,
                "user" int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                next text NOT NULL DEFAULT '/',
                expires_at timestamptz NOT NULL
            );
            CREATE INDEX IF NOT EXISTS pending_sign_in_expires_at_idx ON pending_sign_in (expires_at);
            """),
        // Passkeys (PasskeyStore) and the challenges issued for them (PasskeyChallengeStore).
        // A challenge row is keyed by its owner (the SHA-256 of a session or sign-in cookie)
        // and purpose, so any instance can take it, once.
        Migration(version: 9, name: "passkeys and their challenges", sql: """
            CREATE TABLE IF NOT EXISTS passkey (
                id bigserial PRIMARY KEY,
                "user" int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                credential_id bytea NOT NULL UNIQUE CHECK (octet_length(credential_id) BETWEEN 1 AND 1023),
                public_key bytea NOT NULL,
                algorithm int NOT NULL CHECK (algorithm IN (-7, -8, -257)),
                sign_count bigint NOT NULL DEFAULT 0 CHECK (sign_count BETWEEN 0 AND 4294967295),
                name text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                last_used_at timestamptz
            );
            CREATE INDEX IF NOT EXISTS passkey_user_idx ON passkey ("user");
            CREATE TABLE IF NOT EXISTS passkey_challenge (
                owner text NOT NULL,
                purpose text NOT NULL,
                challenge bytea NOT NULL,
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (owner, purpose)
            );
            CREATE INDEX IF NOT EXISTS passkey_challenge_expires_idx ON passkey_challenge (expires_at);
            """),
        mail,
        sessionCache,
        reset,
    ]

    /// The newest version this build knows.
    public static var latestVersion: Int { all.last!.version }

    /// Applies every pending migration.
    /// - Returns: the versions applied now (empty when the schema was current).
    /// - Throws: `DatabaseError`; a failed migration is rolled back whole.
    @discardableResult
    public static func run(on database: DatabaseConnection) throws(DatabaseError) -> [Int] {
        _ = try database.query("SELECT pg_advisory_lock(\(lockKey))")
        defer { _ = try? database.query("SELECT pg_advisory_unlock(\(lockKey))") }
        try database.run(script: """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version int PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let done = Set(try database.query("SELECT version FROM schema_migrations").rows.compactMap { $0[0].flatMap { Int($0) } })
        var applied: [Int] = []
        for migration in all where !done.contains(migration.version) {
            do {
                try database.run(script: "BEGIN;\n\(migration.sql)\nINSERT INTO schema_migrations (version, name) VALUES (\(migration.version), '\(migration.name)');\nCOMMIT;")
            } catch {
                _ = try? database.run(script: "ROLLBACK")
                throw error
            }
            applied.append(migration.version)
        }
        return applied
    }
}
