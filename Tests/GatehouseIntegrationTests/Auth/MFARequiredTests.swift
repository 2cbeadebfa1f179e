import Foundation
@testable import Gatehouse
import Testing

/// MFA_REQUIRED on a real database: the session lookup finds whether the user holds a
/// confirmed app, an admin without one is held on `/account/totp` until they enrol,
/// and then uses the site as before.
@Suite("MFA_REQUIRED with PostgreSQL", .serialized)
struct MFARequiredIntegrationTests {
    @Test("admin: held on /account/totp, gate 403, sign-out works; after enrolling everything answers as before")
    func adminEnrols() throws {
        let harness = try AppHarness(settings: ["MFA_REQUIRED": "admin"])
        try harness.addUser("boss", scopes: ["authenticated", "admin"])
        try harness.addUser("ann", scopes: ["authenticated"])
        var plain = harness.browser()
        plain.login("ann")
        #expect(plain.get("/").status == .ok)
        #expect(plain.get("/auth/check").status == .noContent)

        var boss = harness.browser()
        #expect(boss.login("boss").header("Location") == "/")
        for path in ["/", "/admin", "/account"] {
            let answer = boss.get(path)
            #expect(answer.status == .seeOther, "\(path)")
            #expect(answer.header("Location") == "/account/totp", "\(path)")
        }
        #expect(boss.get("/auth/check").status == .forbidden)
        // An app begun but not confirmed is no factor yet.
        let page = boss.get("/account/totp")
        #expect(page.status == .ok)
        #expect(boss.get("/").header("Location") == "/account/totp")

        let start = try #require(page.text.range(of: #"<code class="totp-secret">"#))
        let end = try #require(page.text[start.upperBound...].range(of: "</code>"))
        let secret = page.text[start.upperBound..<end.lowerBound].filter { $0 != " " }
        let code = TOTP.code(secret: try #require(Base32.decode(String(secret))),
                             step: TOTP.step(at: Int64(Date().timeIntervalSince1970)))
        // Signed in longer ago than REAUTH_WINDOW: enabling asks to confirm first, and
        // the confirmation page is not held back (no loop back to /account/totp).
        _ = try harness.connection.query("UPDATE session SET authenticated_at = now() - interval '1 day'")
        let asked = boss.post("/account/totp", [("code", code)])
        #expect(asked.status == .seeOther)
        #expect(asked.header("Location")?.hasPrefix("/auth/confirm?next=") == true)
        #expect(boss.get("/auth/confirm?next=/account/totp").status == .ok)
        #expect(boss.post("/auth/confirm", [("password", "correct horse battery"), ("next", "/account/totp")]).status == .seeOther)
        #expect(boss.post("/account/totp", [("code", code)]).status.code < 400)
        #expect(try harness.scalar("SELECT count(*) FROM totp_factor WHERE confirmed_at IS NOT NULL") == "1")
        #expect(boss.get("/").status == .ok)
        #expect(boss.get("/admin").status == .ok)
        #expect(boss.get("/auth/check?scope=admin").status == .noContent)

        // Sign-out is never held back.
        var other = harness.browser()
        try harness.addUser("root", scopes: ["authenticated", "super"])
        other.login("root")
        #expect(other.get("/").header("Location") == "/account/totp")
        let out = other.post("/auth/logout", [])
        #expect(out.status == .seeOther && out.header("Location") != "/account/totp")
        #expect(other.get("/auth/check").status == .unauthorized)
    }
}
