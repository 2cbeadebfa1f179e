@testable import Gatehouse
import Testing

/// `/admin` shows each user's second factors and resets them (as `gatehouse user mfa
/// NAME --reset` does): re-confirmed, audited, CSRF-checked, and `super` users only by super.
@Suite("Admin page: second factors", .serialized)
struct AdminFactorsTests {
    let harness: AppHarness
    let dana: Int

    init() throws {
        harness = try AppHarness()
        dana = try harness.addUser("dana")
        try harness.addUser("boss", scopes: ["admin"])
        let root = try harness.addUser("root", scopes: ["super"])
        for (user, id) in [(dana, [UInt8]([1, 2])), (dana, [3]), (root, [4])] {
            _ = try PasskeyStore(database: harness.connection).add(
                userID: user, credential: FIDO2.Credential(id: id, publicKey: [UInt8](repeating: 9, count: 64), algorithm: .es256),
                signCount: 0, name: "key")
        }
        _ = try RecoveryCodes(database: harness.connection).regenerate(userID: dana)
    }

    func passkeys(_ user: Int) throws -> String? {
        try harness.scalar("SELECT count(*) FROM passkey WHERE \"user\" = $1", [String(user)])
    }

    @Test("The listing shows passkeys and recovery codes left; a reset removes them all, audited, and dana signs in with the password alone")
    func resetByAdmin() throws {
        var boss = harness.browser()
        boss.login("boss")
        let page = boss.get("/admin")
        #expect(page.text.contains("2 passkey(s)"))
        #expect(page.text.contains("10 recovery codes"))
        #expect(page.text.contains("action=\"/admin/users/mfa-reset\""))
        let reset = boss.post("/admin/users/mfa-reset", [("username", "dana")])
        #expect(reset.status == .seeOther)
        #expect(reset.header("Location") == "/admin?flash=factors-reset")
        #expect(try passkeys(dana) == "0")
        #expect(try harness.scalar("SELECT count(*) FROM recovery_code WHERE user_id = $1", [String(dana)]) == "0")
        #expect(try harness.scalar("SELECT detail FROM audit_log WHERE event = 'mfa_reset'")
            == "by=boss totp=none passkeys=2 recovery_codes=10")
        var user = harness.browser(address: "198.51.100.7")
        #expect(user.login("dana").header("Location") == "/", "no second step any more")
    }

    @Test("Refused and nothing removed: a plain user, no CSRF token, a stale session, an admin resetting a super user, an unknown user")
    func refusals() throws {
        try harness.addUser("plain")
        var plain = harness.browser(address: "198.51.100.8")
        plain.login("plain")
        #expect(plain.post("/admin/users/mfa-reset", [("username", "dana")]).status == .forbidden)
        var boss = harness.browser()
        boss.login("boss")
        #expect(boss.post("/admin/users/mfa-reset", [("username", "root")]).status == .forbidden)
        #expect(try passkeys(try #require(try UserStore(database: harness.connection).find(username: "root")).id) == "1")
        #expect(boss.post("/admin/users/mfa-reset", [("username", "dana"), ("csrf_token", "forged")]).status == .forbidden)
        #expect(boss.post("/admin/users/mfa-reset", [("username", "nobody")]).status == .notFound)
        _ = try harness.scalar("UPDATE session SET authenticated_at = now() - interval '1 hour'")
        let stale = boss.post("/admin/users/mfa-reset", [("username", "dana")])
        #expect(stale.status == .seeOther)
        #expect(stale.header("Location") == "/auth/confirm?next=/admin")
        #expect(try passkeys(dana) == "2")
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'mfa_reset'") == "0")
    }
}
