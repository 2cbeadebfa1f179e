import Foundation
@testable import Gatehouse
import Testing

/// Migration 11: whatever writes a change that ends or alters a session or its user — a
/// worker, the CLI, another instance, psql — notifies `gatehouse_user_changed` with the
/// user's id at commit, which is how other instances' session caches hear of it.
@Suite("Session change notifications", .serialized)
struct ChangeNotificationTests {
    let harness: AppHarness
    let listener: DatabaseConnection
    let annID: Int

    init() throws {
        harness = try AppHarness()
        annID = try harness.addUser("ann", scopes: ["admin"])
        try harness.addUser("bob")
        listener = harness.database.connect()
        _ = try listener.query("LISTEN gatehouse_user_changed")
    }

    /// Every payload that arrives within `seconds`.
    func heard(within seconds: Double = 0.3) -> [String] {
        var payloads: [String] = []
        let deadline = MonotonicClock.now() + seconds
        while MonotonicClock.now() < deadline, let more = listener.notifications(waitingUpTo: 0.05) { payloads += more }
        return payloads
    }

    func signIn() -> Browser {
        var browser = harness.browser()
        browser.login("ann")
        return browser
    }

    @Test("Signing out, revoking, a scope change, a factor and removing the user each name the user")
    func everyChangeNotifies() throws {
        var browser = signIn()
        _ = heard()
        browser.post("/auth/logout", [])
        #expect(heard() == [String(annID)])

        _ = signIn()
        _ = heard()
        try SessionAdmin(database: harness.connection).revoke(username: "ann")
        #expect(heard() == [String(annID)])

        _ = try harness.connection.query("UPDATE users SET scope = '[]'::jsonb WHERE id = $1", [String(annID)])
        #expect(heard() == [String(annID)])

        _ = try harness.connection.query(
            "INSERT INTO totp_factor (user_id, secret) SELECT $1, '\\x00'::bytea", [String(annID)])
        #expect(heard() == [String(annID)])

        _ = try harness.connection.query("DELETE FROM users WHERE id = $1", [String(annID)])
        #expect(heard().contains(String(annID)))
    }

    @Test("Signing in, a session's slide and a rolled-back revocation say nothing")
    func quietWhenNothingEnds() throws {
        _ = signIn()
        _ = heard()
        _ = try harness.connection.query("UPDATE session SET expires_at = now() + interval '1 hour', last_seen_at = now()")
        try harness.connection.run(script: "BEGIN; DELETE FROM session; ROLLBACK;")
        #expect(heard() == [])
    }
}
