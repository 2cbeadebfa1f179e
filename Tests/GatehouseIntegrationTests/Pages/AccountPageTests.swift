@testable import Gatehouse
import Testing

@Suite("Account page", .serialized)
struct AccountPageTests {
    let harness: AppHarness

    init() throws {
        harness = try AppHarness()
        try harness.addUser("ann", firstName: "Ann")
    }

    @Test("Shows names and every live session with address and browser")
    func listing() {
        var laptop = harness.browser(address: "203.0.113.1")
        laptop.userAgent = "Laptop Firefox"
        laptop.login("ann")
        var phone = harness.browser(address: "203.0.113.2")
        phone.userAgent = "Phone Safari"
        phone.login("ann")
        let page = laptop.get("/account")
        #expect(page.status == .ok)
        #expect(page.text.contains("Ann"))
        #expect(page.text.contains("Laptop Firefox"))
        #expect(page.text.contains("Phone Safari"))
        #expect(page.text.contains("203.0.113.2"))
        #expect(page.text.contains("this browser"))
        #expect(page.header("Cache-Control") == "no-store")
    }

    @Test("Anonymous visitors are sent to sign in")
    func anonymous() {
        var browser = harness.browser()
        #expect(browser.get("/account").header("Location") == "/auth?next=/account")
    }

    @Test("Password change: wrong current is 400 and changes nothing")
    func wrongCurrent() throws {
        var browser = harness.browser()
        browser.login("ann")
        let before = try harness.scalar("SELECT encode(p_hash, 'hex') FROM users WHERE username = 'ann'")
        let answer = browser.post("/account/password", [("current_password", "not it at all"), ("new_password", "a brand new password"), ("new_password2", "a brand new password")])
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("Nothing was changed"))
        #expect(try harness.scalar("SELECT encode(p_hash, 'hex') FROM users WHERE username = 'ann'") == before)
        #expect(browser.get("/").status == .ok)
    }

    @Test("Wrong current passwords count toward the lockout: a stolen session gets LOGIN_FAILURE_LIMIT guesses, then 429 and nothing changes")
    func wrongCurrentCounts() throws {
        try harness.addUser("cat")
        var owner = harness.browser(address: "198.51.100.44")
        owner.login("cat")
        // The thief has the session cookie, not the browser's device cookie.
        var thief = harness.browser(address: "198.51.100.44")
        thief.cookie = owner.cookie
        let hash = "SELECT encode(p_hash, 'hex') FROM users WHERE username = 'cat'"
        let before = try harness.scalar(hash)
        let change = { (current: String) in [("current_password", current), ("new_password", "the thief's own password"),
                                             ("new_password2", "the thief's own password")] }
        for guess in 1...5 {
            #expect(thief.post("/account/password", change("guess number \(guess)")).status == .badRequest)
        }
        let locked = thief.post("/account/password", change("correct horse battery"))
        #expect(locked.status == .tooManyRequests)
        #expect(locked.header("Retry-After") == "900")
        #expect(locked.text.contains("Nothing was changed"))
        #expect(try harness.scalar(hash) == before)
        #expect(owner.get("/").status == .ok)
        // The same lock holds for signing in from there without the device cookie.
        var signIn = harness.browser(address: "198.51.100.44")
        #expect(signIn.login("cat").status == .tooManyRequests)
        #expect(try harness.scalar("SELECT count(*) FROM login_failure WHERE username = 'cat'") == "5")
    }

    @Test("In the browser that signed in, wrong current passwords count on its device counter")
    func wrongCurrentCountsOnDevice() throws {
        try harness.addUser("dan")
        var owner = harness.browser(address: "198.51.100.45")
        owner.login("dan")
        for _ in 1...5 {
            #expect(owner.post("/account/password", [("current_password", "not it at all"), ("new_password", "a brand new password"),
                                                     ("new_password2", "a brand new password")]).status == .badRequest)
        }
        #expect(owner.post("/account/password", [("current_password", "correct horse battery"), ("new_password", "a brand new password"),
                                                 ("new_password2", "a brand new password")]).status == .tooManyRequests)
        var elsewhere = harness.browser(address: "198.51.100.45")
        #expect(elsewhere.login("dan").status == .seeOther)
    }

    @Test("Password change: too short or mismatched new passwords are 400", arguments: [
        ("short", "short"), ("a brand new password", "a different password"), (String(repeating: "x", count: 129), String(repeating: "x", count: 129)),
    ])
    func badNew(new: String, again: String) throws {
        var browser = harness.browser()
        browser.login("ann")
        let answer = browser.post("/account/password", [("current_password", "correct horse battery"), ("new_password", new), ("new_password2", again)])
        #expect(answer.status == .badRequest)
        var other = harness.browser()
        #expect(other.login("ann").status == .seeOther)
    }

    @Test("Password change to a guessable password is 400 with the reason and changes nothing", arguments: [
        ("password1234", "a common word with digits"), ("Ann2024ann2024", "your username or name"), ("qwertyuiop12", "too easy to guess"),
    ])
    func guessable(new: String, reason: String) throws {
        var phone = harness.browser()
        phone.login("ann")
        var browser = harness.browser()
        browser.login("ann")
        let cookie = browser.cookie
        let hash = "SELECT encode(p_hash, 'hex') FROM users WHERE username = 'ann'"
        let before = try harness.scalar(hash)
        let answer = browser.post("/account/password", [("current_password", "correct horse battery"), ("new_password", new), ("new_password2", new)])
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("too easy to guess"))
        #expect(answer.text.contains(reason))
        #expect(try harness.scalar(hash) == before)
        #expect(browser.cookie == cookie)
        #expect(browser.get("/").status == .ok)
        #expect(phone.get("/").status == .ok)
        var fresh = harness.browser()
        #expect(fresh.login("ann", new).status == .unauthorized)
        #expect(fresh.login("ann", "correct horse battery").status == .seeOther)
    }

    @Test("PASSWORD_MIN_SCORE=0 lets a guessable password through; the length rule still holds")
    func minimumScoreZero() throws {
        let lenient = try AppHarness(settings: ["PASSWORD_MIN_SCORE": "0"])
        try lenient.addUser("ann")
        var browser = lenient.browser()
        browser.login("ann")
        #expect(browser.post("/account/password", [("current_password", "correct horse battery"), ("new_password", "short"), ("new_password2", "short")]).status == .badRequest)
        let answer = browser.post("/account/password", [("current_password", "correct horse battery"), ("new_password", "password1234"), ("new_password2", "password1234")])
        #expect(answer.status == .seeOther)
        var fresh = lenient.browser()
        #expect(fresh.login("ann", "password1234").status == .seeOther)
    }

    @Test("Password change to 128 characters that take 1,792 bytes is accepted, and the new password signs in")
    func longInBytes() throws {
        let flags = String(repeating: "🏳️‍🌈", count: 128)  // one character, 14 bytes, each
        var browser = harness.browser()
        browser.login("ann")
        let answer = browser.post("/account/password", [("current_password", "correct horse battery"), ("new_password", flags), ("new_password2", flags)])
        #expect(answer.status == .seeOther)
        var fresh = harness.browser()
        #expect(fresh.login("ann", flags).status == .seeOther)
    }

    @Test("Password change ends other sessions, rotates this one, and the new password works")
    func change() throws {
        var phone = harness.browser()
        phone.login("ann")
        var laptop = harness.browser()
        laptop.login("ann")
        let before = try #require(laptop.cookie)
        let answer = laptop.post("/account/password", [("current_password", "correct horse battery"), ("new_password", "a brand new password"), ("new_password2", "a brand new password")])
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == "/account?flash=password-changed")
        #expect(laptop.cookie != before)
        #expect(laptop.get("/account?flash=password-changed").text.contains("Your password was changed"))
        #expect(phone.get("/").status == .seeOther)
        var stale = harness.browser()
        stale.cookie = before
        #expect(stale.get("/").status == .seeOther)
        var fresh = harness.browser()
        #expect(fresh.login("ann", "correct horse battery").status == .unauthorized)
        #expect(fresh.login("ann", "a brand new password").status == .seeOther)
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'password_changed'") == "1")
    }

    @Test("Revoke one session by id; another user's id is refused")
    func revokeOne() throws {
        try harness.addUser("bob")
        var phone = harness.browser()
        phone.login("ann")
        var laptop = harness.browser()
        laptop.login("ann")
        var bob = harness.browser()
        bob.login("bob")
        let phoneID = try #require(try harness.scalar("SELECT min(s.id) FROM session s JOIN users u ON u.id = s.\"user\" WHERE u.username = 'ann'"))
        let bobID = try #require(try harness.scalar("SELECT s.id FROM session s JOIN users u ON u.id = s.\"user\" WHERE u.username = 'bob'"))
        #expect(laptop.post("/account/sessions/revoke", [("session_id", bobID)]).status == .notFound)
        #expect(bob.get("/").status == .ok)
        #expect(laptop.post("/account/sessions/revoke", [("session_id", phoneID)]).status == .seeOther)
        #expect(phone.get("/").status == .seeOther)
        #expect(laptop.get("/").status == .ok)
    }

    @Test("Sign out everywhere else keeps only this session")
    func revokeOthers() {
        var one = harness.browser()
        one.login("ann")
        var two = harness.browser()
        two.login("ann")
        var three = harness.browser()
        three.login("ann")
        #expect(three.post("/account/sessions/revoke-others", []).status == .seeOther)
        #expect(one.get("/").status == .seeOther)
        #expect(two.get("/").status == .seeOther)
        #expect(three.get("/").status == .ok)
        #expect(three.get("/account").text.contains("This is your only session"))
    }
}
