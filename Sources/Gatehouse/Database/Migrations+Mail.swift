extension Migrations {
    /// Migration 10, mail (SPEC "Mail: addresses, reset, notifications"): users' addresses
    /// (unique ignoring case; adopted rows keep NULL), the outbox `MailSender` works off,
    /// password-reset links and address confirmations. Links are kept as the SHA-256 of
    /// the token only; the token itself exists in the queued mail until it is sent.
    static let mail = Migration(version: 10, name: "mail: addresses, outbox, reset links, address confirmations", sql: """
        ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;
        ALTER TABLE users ADD COLUMN IF NOT EXISTS email_confirmed_at timestamptz;
        CREATE UNIQUE INDEX IF NOT EXISTS users_email_lower_key ON users (lower(email));
        CREATE INDEX IF NOT EXISTS users_email_prefix_idx ON users (lower(email) text_pattern_ops);
        CREATE TABLE IF NOT EXISTS mail_outbox (
            id bigserial PRIMARY KEY,
            recipient text NOT NULL,
            subject text NOT NULL,
            message bytea,
            attempts int NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            last_error text,
            created_at timestamptz NOT NULL DEFAULT now(),
            sent_at timestamptz,
            failed_at timestamptz
        );
        CREATE INDEX IF NOT EXISTS mail_outbox_due_idx ON mail_outbox (next_attempt_at, id)
            WHERE sent_at IS NULL AND failed_at IS NULL;
        CREATE TABLE IF NOT EXISTS password_reset (
            digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
            "user" int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL,
            used_at timestamptz
        );
        CREATE INDEX IF NOT EXISTS password_reset_user_idx ON password_reset ("user");
        CREATE TABLE IF NOT EXISTS email_confirmation (
            digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
            "user" int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            email text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL,
            used_at timestamptz
        );
        CREATE INDEX IF NOT EXISTS email_confirmation_user_idx ON email_confirmation ("user");
        CREATE TABLE IF NOT EXISTS reset_attempt (
            id bigserial PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT now(),
            address text NOT NULL,
            "user" int REFERENCES users(id) ON DELETE CASCADE
        );
        CREATE INDEX IF NOT EXISTS reset_attempt_address_idx ON reset_attempt (address, at);
        CREATE INDEX IF NOT EXISTS reset_attempt_user_idx ON reset_attempt ("user", at);
        """)
}
