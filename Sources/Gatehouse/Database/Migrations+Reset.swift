extension Migrations {
    /// Migration 12, password-reset requests: `/auth/reset` only records what was asked
    /// (the login typed, until handled) and the mail sender's thread looks the account up
    /// and writes the link, so the answer costs the same whether or not an account matches.
    static let reset = Migration(version: 12, name: "password reset requests handled off the request path", sql: """
        ALTER TABLE reset_attempt ADD COLUMN IF NOT EXISTS login text;
        ALTER TABLE reset_attempt ADD COLUMN IF NOT EXISTS handled_at timestamptz;
        CREATE INDEX IF NOT EXISTS reset_attempt_waiting_idx ON reset_attempt (id) WHERE handled_at IS NULL;
        CREATE INDEX IF NOT EXISTS password_reset_expires_idx ON password_reset (expires_at);
        """)
}
