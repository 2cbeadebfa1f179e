extension Migrations {
    /// Session cache invalidation across instances and the CLI: every change that ends
    /// or alters a session or its user notifies `gatehouse_user_changed` with the user's
    /// id, inside the writing transaction (delivered at commit, never for a rollback).
    /// The column naming the user is the trigger's argument. A session's slide (expiry,
    /// last seen) is left out: cached entries check expiry themselves.
    static let sessionCache = Migration(version: 11, name: "session cache invalidation notifications", sql: """
        CREATE OR REPLACE FUNCTION gatehouse_notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                PERFORM pg_notify('gatehouse_user_changed', to_jsonb(OLD) ->> TG_ARGV[0]);
            END IF;
            IF TG_OP <> 'DELETE' THEN
                PERFORM pg_notify('gatehouse_user_changed', to_jsonb(NEW) ->> TG_ARGV[0]);
            END IF;
            RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS session_changed ON session;
        CREATE TRIGGER session_changed AFTER DELETE OR UPDATE OF token, "user", factors, authenticated_at, created_at
            ON session FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_user_changed('user');
        DROP TRIGGER IF EXISTS users_changed ON users;
        CREATE TRIGGER users_changed AFTER DELETE OR UPDATE ON users
            FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_user_changed('id');
        DROP TRIGGER IF EXISTS totp_factor_changed ON totp_factor;
        CREATE TRIGGER totp_factor_changed AFTER INSERT OR DELETE OR UPDATE ON totp_factor
            FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_user_changed('user_id');
        DROP TRIGGER IF EXISTS passkey_changed ON passkey;
        CREATE TRIGGER passkey_changed AFTER INSERT OR DELETE OR UPDATE OF "user" ON passkey
            FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_user_changed('user');
        """)
}
