@testable import Gatehouse
import Testing

/// MFA_REQUIRED through `Application.respond` without PostgreSQL: a covered user without
/// a second factor is sent to `/account/totp` from every other page, and `/auth/check`
/// refuses them; the key itself is checked at start.
@Suite("MFA_REQUIRED")
struct MFARequiredTests {
    @Test("MFA_REQUIRED accepts off, admin and all; anything else names the key")
    func configuration() throws {
        #expect(try ConfigFixtures.load(["SECRET_KEY": ConfigFixtures.secret]).mfaRequired == .off)
        for (text, mode) in [("off", MFARequirement.off), ("admin", .admin), ("ALL", .all)] {
            #expect(try ConfigFixtures.load(["SECRET_KEY": ConfigFixtures.secret, "MFA_REQUIRED": text]).mfaRequired == mode)
        }
        for text in ["on", "true", "admins", "super", " all"] {
            #expect(ConfigFixtures.error(["MFA_REQUIRED": text])
                == ConfigurationError(key: "MFA_REQUIRED", message: "expected off, admin or all, got \"\(text)\""))
        }
        let shown = try ConfigFixtures.load(["SECRET_KEY": ConfigFixtures.secret, "MFA_REQUIRED": "admin"]).redactedDescription()
        #expect(shown.contains("\nMFA_REQUIRED=admin"))
    }

    @Test("admin: an admin without a factor is sent to /account/totp from / and /admin; the setup page and sign-out still answer")
    func adminWithoutFactor() throws {
        let pipeline = try Pipeline(["MFA_REQUIRED": "admin"])
        for scope in ["admin", "super"] {
            let token = pipeline.sessions.signIn("boss-\(scope)", scopes: ["authenticated", scope], authenticatedAgo: 60)
            for path in ["/", "/admin", "/account", "/super", "/auth"] {
                let response = pipeline.send("GET", path, session: token)
                #expect(response.status == .seeOther, "\(scope) \(path)")
                #expect(response.location == "/account/totp", "\(scope) \(path)")
            }
            // Forms elsewhere are held back too, before their handler runs.
            let csrf = pipeline.csrfToken(for: token)
            let password = pipeline.post("/account/password", session: token, [("csrf_token", csrf)])
            #expect(password.location == "/account/totp")
            // The setup page, its form and sign-out are not redirected (their handlers
            // reach the database, which the unit pipeline lacks: 503, not 303).
            #expect(pipeline.send("GET", "/account/totp", session: token).status != .seeOther)
            #expect(pipeline.post("/account/totp", session: token, [("csrf_token", csrf), ("code", "123456")]).location != "/account/totp")
            #expect(pipeline.post("/auth/logout", session: token, [("csrf_token", csrf)]).location != "/account/totp")
            // Enabling the app may first ask to confirm the password: that page answers too.
            #expect(pipeline.send("GET", "/auth/confirm?next=/account/totp", session: token).location != "/account/totp")
            // The gate refuses them whatever it asks for.
            for query in ["", "?scope=", "?scope=admin", "?mfa=0", "?max_age=0"] {
                let check = pipeline.send("GET", "/auth/check" + query, session: token)
                #expect(check.status == .forbidden, "\(scope) \(query)")
                #expect(check.header("X-Auth-User") == nil)
            }
        }
    }

    @Test("admin: a plain user, and an admin who has a factor, use the site as before")
    func notHeldBack() throws {
        let pipeline = try Pipeline(["MFA_REQUIRED": "admin"])
        let plain = pipeline.sessions.signIn("ann")
        let enrolled = pipeline.sessions.signIn("boss", scopes: ["authenticated", "admin"], factors: 2, hasFactor: true)
        #expect(pipeline.send("GET", "/", session: plain).status == .ok)
        #expect(pipeline.send("GET", "/auth/check", session: plain).status == .noContent)
        #expect(pipeline.send("GET", "/", session: enrolled).status == .ok)
        #expect(pipeline.send("GET", "/auth/check?scope=admin&mfa=1", session: enrolled).status == .noContent)
        // A visitor without a session is still sent to sign in.
        #expect(pipeline.send("GET", "/admin").location?.hasPrefix("/auth?next=") == true)
        #expect(pipeline.send("GET", "/auth/check").status == .unauthorized)
    }

    @Test("all covers plain users too; off changes nothing")
    func allAndOff() throws {
        let all = try Pipeline(["MFA_REQUIRED": "all"])
        let ann = all.sessions.signIn("ann")
        #expect(all.send("GET", "/", session: ann).location == "/account/totp")
        #expect(all.send("GET", "/auth/check", session: ann).status == .forbidden)
        let annEnrolled = all.sessions.signIn("ann2", factors: 2, hasFactor: true)
        #expect(all.send("GET", "/", session: annEnrolled).status == .ok)
        #expect(all.send("GET", "/auth/check", session: annEnrolled).status == .noContent)

        let off = try Pipeline(["MFA_REQUIRED": "off"])
        let boss = off.sessions.signIn("boss", scopes: ["authenticated", "admin"])
        #expect(off.send("GET", "/", session: boss).status == .ok)
        #expect(off.send("GET", "/auth/check", session: boss).status == .noContent)
    }
}
