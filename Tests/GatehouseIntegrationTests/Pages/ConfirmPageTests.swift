@testable import Gatehouse
import Testing

/// Re-confirmation ("sudo mode"): sensitive POSTs outside `REAUTH_WINDOW` go to
/// `/auth/confirm` first and change nothing; the confirmation counts toward the lockout.
@Suite("Confirm page", .serialized)
struct ConfirmPageTests {
    let harness: AppHarness
    let hash = "SELECT encode(p_hash, 'hex') FROM users WHERE username = $1"
    let change = [("current_password", "correct horse battery"), ("new_password", "a brand new password"),
                  ("new_password2", "a brand new password")]

    init() throws {
        harness = try AppHarness()
    }

    /// Moves the user's sessions' last proof an hour back, past the default 600 s window.
    func age(_ username: String) throws {
        _ = try harness.scalar("""
            UPDATE session SET authenticated_at = now() - interval '1 hour'
            WHERE "user" = (SELECT id FROM users WHERE username = $1)
            """, [username])
    }

    @Test("An old session is sent to /auth/confirm on a password change and nothing changes; after confirming it works")
    func staleThenConfirm() throws {
        try harness.addUser("ann")
        var browser = harness.browser()
        browser.login("ann")
        try age("ann")
        let before = try harness.scalar(hash, ["ann"])
        let refused = browser.post("/account/password", change)
        #expect(refused.status == .seeOther)
        #expect(refused.header("Location") == "/auth/confirm?next=/account")
        #expect(try harness.scalar(hash, ["ann"]) == before)
        let page = browser.get("/auth/confirm?next=/account")
        #expect(page.status == .ok)
        #expect(page.text.contains("name=\"password\""))
        #expect(!page.text.contains("name=\"code\""))
        let confirmed = browser.post("/auth/confirm", [("password", "correct horse battery"), ("next", "/account")])
        #expect(confirmed.status == .seeOther)
        #expect(confirmed.header("Location") == "/account")
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'reauthenticated'") == "1")
        let changed = browser.post("/account/password", change)
        #expect(changed.header("Location") == "/account?flash=password-changed")
        #expect(try harness.scalar(hash, ["ann"]) != before)
    }

    @Test("A fresh session is not asked")
    func freshNotAsked() throws {
        try harness.addUser("bea")
        var browser = harness.browser()
        browser.login("bea")
        #expect(browser.post("/account/password", change).header("Location") == "/account?flash=password-changed")
    }

    @Test("Wrong passwords on /auth/confirm are 401 and count toward the lockout: 429 at LOGIN_FAILURE_LIMIT")
    func wrongPasswordCounts() throws {
        try harness.addUser("cat")
        var thief = harness.browser(address: "198.51.100.44")
        thief.login("cat")
        try age("cat")
        for guess in 1...5 {
            let answer = thief.post("/auth/confirm", [("password", "guess number \(guess)"), ("next", "/account")])
            #expect(answer.status == .unauthorized)
        }
        let locked = thief.post("/auth/confirm", [("password", "correct horse battery"), ("next", "/account")])
        #expect(locked.status == .tooManyRequests)
        #expect(locked.header("Retry-After") == "900")
        #expect(try harness.scalar("SELECT count(*) FROM login_failure WHERE username = 'cat'") == "5")
        #expect(thief.post("/account/password", change).header("Location") == "/auth/confirm?next=/account")
    }

    @Test("A user with an app must also give a valid code")
    func needsCode() throws {
        let id = try harness.addUser("dot")
        var browser = harness.browser()
        browser.login("dot")
        let store = TOTPStore(database: harness.connection, key: harness.application.factorKey)
        let secret = try #require(try store.pendingSecret(userID: id))
        let now = TOTP.currentTime()
        #expect(try store.confirm(userID: id, typed: TOTP.code(secret: secret, step: TOTP.step(at: now) - 1), now: now))
        try age("dot")
        #expect(browser.post("/account/totp/remove", []).header("Location") == "/auth/confirm?next=/account")
        #expect(browser.get("/auth/confirm?next=/account").text.contains("name=\"code\""))
        let right = TOTP.code(secret: secret, step: TOTP.step(at: now))
        let wrong = right == "000000" ? "111111" : "000000"
        #expect(browser.post("/auth/confirm", [("password", "correct horse battery"), ("next", "/account")]).status == .badRequest)
        #expect(browser.post("/auth/confirm", [("password", "correct horse battery"), ("code", wrong), ("next", "/account")]).status == .unauthorized)
        #expect(browser.post("/auth/confirm", [("password", "not the password"), ("code", right), ("next", "/account")]).status == .unauthorized)
        #expect(try store.isEnabled(userID: id))
        let confirmed = browser.post("/auth/confirm", [("password", "correct horse battery"), ("code", right), ("next", "/account")])
        #expect(confirmed.header("Location") == "/account")
        #expect(try harness.scalar("SELECT factors FROM session WHERE \"user\" = $1", [String(id)]) == "2")
        #expect(browser.post("/account/totp/remove", []).header("Location") == "/account?flash=totp-removed")
        #expect(try !store.isEnabled(userID: id))
    }

    @Test("Hostile next values return to /", arguments: ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/\tfoo"])
    func hostileNext(next: String) throws {
        try harness.addUser("eve")
        var browser = harness.browser()
        browser.login("eve")
        try age("eve")
        let confirmed = browser.post("/auth/confirm", [("password", "correct horse battery"), ("next", next)])
        #expect(confirmed.header("Location") == "/")
    }

    @Test("Every /admin POST of an old session goes to /auth/confirm?next=/admin and changes nothing")
    func adminPosts() throws {
        try harness.addUser("boss", scopes: ["admin"])
        try harness.addUser("plain")
        var boss = harness.browser()
        boss.login("boss")
        try age("boss")
        let scope = boss.post("/admin/users/scope", [("username", "plain"), ("scope", "admin"), ("action", "add")])
        #expect(scope.header("Location") == "/auth/confirm?next=/admin")
        #expect(try harness.scalar("SELECT scope::text FROM users WHERE username = 'plain'")?.contains("admin") == false)
        #expect(boss.post("/admin/users/revoke", [("username", "plain")]).header("Location") == "/auth/confirm?next=/admin")
    }

    @Test("Turning an app on and new recovery codes of an old session go to /auth/confirm and change nothing")
    func factorPosts() throws {
        let id = try harness.addUser("fay")
        var browser = harness.browser()
        browser.login("fay")
        let store = TOTPStore(database: harness.connection, key: harness.application.factorKey)
        let secret = try #require(try store.pendingSecret(userID: id))
        try age("fay")
        let code = TOTP.code(secret: secret, step: TOTP.step(at: TOTP.currentTime()))
        #expect(browser.post("/account/totp", [("code", code)]).header("Location") == "/auth/confirm?next=/account/totp")
        #expect(try !store.isEnabled(userID: id))
        #expect(browser.post("/account/recovery-codes", []).header("Location") == "/auth/confirm?next=/account")
        #expect(try harness.scalar("SELECT count(*) FROM recovery_code WHERE user_id = $1", [String(id)]) == "0")
    }

    @Test("Signed-out visitors are sent to sign in")
    func anonymous() {
        var browser = harness.browser()
        #expect(browser.get("/auth/confirm?next=/account").header("Location") == "/auth?next=/auth/confirm%3Fnext%3D/account")
    }
}
