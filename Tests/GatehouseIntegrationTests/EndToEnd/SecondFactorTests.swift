import Foundation
@testable import Gatehouse
import Testing

/// TOTP and recovery codes through real nginx: enrolment, the two-step sign-in, replays,
/// and the gate's `?mfa=1` and `?max_age=`.
@Suite("End to end: second factor", .serialized)
struct SecondFactorTests {
    @Test("enrol an app; sign in with password and code; a code and a recovery code work once; mfa=1 403 then 204")
    func twoStepSignIn() throws {
        let stack = try Stack()
        try SignIn.addUser("bob", password: "bob password 12", firstName: "Bob", to: stack.database)
        let client = stack.client
        let (first, _) = try SignIn.through(client, "bob", "bob password 12")
        let cookie = ["Cookie": "session=\(first)"]

        // A password-only session: one factor.
        let check = try client.send("GET", "/auth/check", headers: cookie)
        #expect(check.status == 204)
        #expect(check.header("Remote-Name") == "Bob")
        #expect(try client.send("GET", "/auth/check?mfa=1", headers: cookie).status == 403)
        #expect(try client.send("GET", "/auth/check?mfa=0", headers: cookie).status == 204)
        #expect(try client.send("GET", "/auth/check?max_age=600", headers: cookie).status == 204)
        for bad in ["x", "-1", "+5", "", "99999999999", "1e3"] {
            #expect(try client.send("GET", "/auth/check?max_age=\(HTTPClient.encode(bad))", headers: cookie).status == 400, "\(bad)")
        }

        // Enrolment: QR code, base32 and otpauth URI; a reload shows the same secret.
        let (secret, page) = try SecondFactor.enrolmentSecret(client, first)
        #expect(secret.count == 32)
        #expect(page.text.contains("<svg") && page.text.contains("<path d=\"M"))
        #expect(page.text.contains("otpauth://totp/Gatehouse:bob?secret=\(secret)&amp;issuer=Gatehouse"))
        #expect(try SecondFactor.enrolmentSecret(client, first).secret == secret)
        let csrf = try #require(hiddenValue("csrf_token", in: page.text))
        for wrong in ["12a456", "1234567", "", String(repeating: "9", count: 5000)] {
            #expect(try SecondFactor.confirm(client, first, code: wrong, csrf: csrf).status == 400, "\(wrong.prefix(10))")
        }
        let notYet = try SecondFactor.code(secret, at: Int64(Date().timeIntervalSince1970) + 300)
        #expect(try SecondFactor.confirm(client, first, code: notYet, csrf: csrf).status == 400)
        // Nothing was switched on by the wrong codes: the password alone still signs in.
        #expect(try client.send("GET", "/account", headers: cookie).text.contains("<span class=\"tag is-light\">off</span>"))

        let enrolmentCode = try SecondFactor.code(secret, at: Int64(Date().timeIntervalSince1970))
        let enabled = try SecondFactor.confirm(client, first, code: enrolmentCode, csrf: csrf)
        #expect(enabled.status == 200)
        let recovery = SecondFactor.recoveryCodes(in: enabled.text)
        #expect(recovery.count == 10 && Set(recovery).count == 10)
        #expect(recovery.allSatisfy { $0.count == 14 })
        let account = try client.send("GET", "/account", headers: cookie)
        #expect(account.text.contains("<span class=\"tag is-success is-light\">on</span>"))
        #expect(account.text.contains("<span class=\"recovery-left\">10</span>"))
        // The enrolment page no longer shows any secret.
        #expect(!(try client.send("GET", "/account/totp", headers: cookie).text.contains("totp-secret")))

        // Sign out; the password alone now gives a half-done sign-in, which is no session.
        #expect(try client.post("/auth/logout", form: [("csrf_token", csrf)], headers: SecondFactor.headers(client, first)).status == 303)
        let pending = try SecondFactor.firstStep(client, "bob", "bob password 12", next: "/account")
        // "Start again" keeps where the sign-in was going.
        let secondPage = try client.send("GET", "/auth/second", headers: ["Cookie": "session=\(pending)"])
        #expect(secondPage.text.contains("<a href=\"/auth?next=/account\">Start again</a>"))
        #expect(try client.send("GET", "/auth/check", headers: ["Cookie": "session=\(pending)"]).status == 401)
        let guarded = try client.send("GET", "/account", headers: ["Cookie": "session=\(pending)"])
        #expect(guarded.status == 303)
        #expect(guarded.header("Location")?.hasPrefix("/auth") == true)
        // The code used at enrolment is refused (replay), as are malformed ones (400).
        #expect(try SecondFactor.secondStep(client, pending, code: enrolmentCode).status == 401)
        #expect(try SecondFactor.secondStep(client, pending, code: "12ab56").status == 400)
        #expect(try SecondFactor.secondStep(client, pending, code: String(repeating: "1", count: 40)).status == 400)
        let fresh = try SecondFactor.nextCode(secret)
        let done = try SecondFactor.secondStep(client, pending, code: fresh)
        #expect(done.status == 303)
        #expect(done.header("Location") == "/account")
        let full = try #require(done.cookie("session"))
        #expect(full != pending)
        #expect(try client.send("GET", "/auth/check?mfa=1", headers: ["Cookie": "session=\(full)"]).status == 204)
        #expect(try client.send("GET", "/", headers: ["Cookie": "session=\(full)"]).status == 200)
        // The half-done sign-in was used up; the fresh code cannot serve a second sign-in.
        #expect(try client.send("GET", "/auth/second", headers: ["Cookie": "session=\(pending)"]).header("Location") == "/auth")
        let again = try SecondFactor.firstStep(client, "bob", "bob password 12")
        #expect(try SecondFactor.secondStep(client, again, code: fresh).status == 401)

        // A recovery code, typed in capitals with spaces, works once.
        let typed = recovery[0].uppercased().replacingOccurrences(of: "-", with: " ")
        // Without the form's CSRF token nothing is judged or used up.
        let forged = try client.post("/auth/second", form: [("csrf_token", "forged"), ("code", recovery[0])],
                                     headers: SecondFactor.headers(client, again))
        #expect(forged.status == 403)
        #expect(forged.cookie("session") == nil || forged.cookie("session") == again)
        let recovered = try SecondFactor.secondStep(client, again, code: typed)
        #expect(recovered.status == 303)
        #expect(recovered.header("Location") == "/")
        let byRecovery = try #require(recovered.cookie("session"))
        #expect(try client.send("GET", "/auth/check?mfa=1", headers: ["Cookie": "session=\(byRecovery)"]).status == 204)
        #expect(try client.send("GET", "/account", headers: ["Cookie": "session=\(byRecovery)"]).text.contains("<span class=\"recovery-left\">9</span>"))
        let third = try SecondFactor.firstStep(client, "bob", "bob password 12")
        #expect(try SecondFactor.secondStep(client, third, code: recovery[0]).status == 401)

        // max_age: the session proved its factors just now; an hour ago it would be too old.
        #expect(try client.send("GET", "/auth/check?max_age=600", headers: ["Cookie": "session=\(full)"]).status == 204)
        _ = try stack.database.connect().query(
            "UPDATE session SET authenticated_at = now() - interval '1 hour' WHERE token = $1",
            [try #require(SessionToken(cookieValue: full)).storageKey])
        OtherInstanceChange.settle()
        #expect(try client.send("GET", "/auth/check?max_age=600", headers: ["Cookie": "session=\(full)"]).status == 401)
        #expect(try client.send("GET", "/auth/check?max_age=7200&mfa=1", headers: ["Cookie": "session=\(full)"]).status == 204)

        let events = try stack.database.connect().query("SELECT event FROM audit_log WHERE username = 'bob' ORDER BY id").rows.compactMap { $0[0] }
        for event in ["totp_enabled", "recovery_codes_regenerated", "second_factor_failed", "recovery_code_used"] {
            #expect(events.contains(event), "\(event)")
        }
        #expect(stack.stop() == 0)
    }

    @Test("wrong codes count toward the lockout; an expired half-done sign-in asks for the password again")
    func lockoutAndExpiry() throws {
        let stack = try Stack(settings: ["LOGIN_FAILURE_LIMIT": "3"])
        try SignIn.addUser("carol", password: "carol password 1", to: stack.database)
        let client = stack.client
        let (session, _) = try SignIn.through(client, "carol", "carol password 1")
        let (secret, page) = try SecondFactor.enrolmentSecret(client, session)
        let csrf = try #require(hiddenValue("csrf_token", in: page.text))
        #expect(try SecondFactor.confirm(client, session, code: SecondFactor.code(secret, at: Int64(Date().timeIntervalSince1970)), csrf: csrf).status == 200)

        let pending = try SecondFactor.firstStep(client, "carol", "carol password 1")
        for _ in 0..<2 {
            #expect(try SecondFactor.secondStep(client, pending, code: "aaaa-bbbb-cccc").status == 401)
        }
        // Three failures in all with the password tries: the third wrong code is the limit.
        #expect(try SecondFactor.secondStep(client, pending, code: "aaaa-bbbb-dddd").status == 401)
        let locked = try SecondFactor.secondStep(client, pending, code: SecondFactor.nextCode(secret))
        #expect(locked.status == 429)
        #expect(locked.header("Retry-After") != nil)

        // Five minutes pass: the half-done sign-in is gone.
        _ = try stack.database.connect().query("DELETE FROM login_failure")
        let later = try SecondFactor.firstStep(client, "carol", "carol password 1")
        _ = try stack.database.connect().query("UPDATE pending_sign_in SET expires_at = now() - interval '1 second'")
        #expect(try client.send("GET", "/auth/second", headers: ["Cookie": "session=\(later)"]).header("Location") == "/auth")
        let page2 = try client.send("GET", "/auth", headers: ["Cookie": "session=\(later)"])
        let csrf2 = try #require(hiddenValue("csrf_token", in: page2.text))
        let expired = try client.post("/auth/second", form: [("csrf_token", csrf2), ("code", SecondFactor.nextCode(secret))],
                                      headers: SecondFactor.headers(client, later))
        #expect(expired.status == 303)
        #expect(expired.header("Location") == "/auth")

        // Removing the app (from a session, CSRF-checked) brings back the one-step sign-in.
        let forged = try client.post("/account/totp/remove", form: [("csrf_token", "x")], headers: SecondFactor.headers(client, session))
        #expect(forged.status == 403)
        #expect(try client.send("GET", "/account", headers: ["Cookie": "session=\(session)"]).text.contains("tag is-success is-light\">on"))
        let removed = try client.post("/account/totp/remove", form: [("csrf_token", csrf)], headers: SecondFactor.headers(client, session))
        #expect(removed.status == 303)
        #expect(removed.header("Location") == "/account?flash=totp-removed")
        let (plain, answer) = try SignIn.through(client, "carol", "carol password 1")
        #expect(answer.header("Location") == "/")
        #expect(try client.send("GET", "/auth/check", headers: ["Cookie": "session=\(plain)"]).status == 204)
        #expect(try client.send("GET", "/auth/check?mfa=1", headers: ["Cookie": "session=\(plain)"]).status == 403)
        #expect(try stack.database.connect().query("SELECT 1 FROM audit_log WHERE event = 'totp_removed' AND username = 'carol'").rows.count == 1)
        #expect(stack.stop() == 0)
    }
}
