import Foundation
@testable import Gatehouse
import Testing

/// `/auth/reset` and `/auth/reset/<token>` in-process against real PostgreSQL; the mail
/// sender's part (`PasswordResetMailer`) is run by hand where the real one would.
@Suite("Password reset pages", .serialized)
struct ResetPageTests {
    static let site = "https://auth.example.test"
    static let newPassword = "purple elephants juggle quietly"

    /// A harness with PUBLIC_URL, user `alice` (address confirmed) and `bob` (none).
    static func harness(_ settings: [String: String] = [:]) throws -> AppHarness {
        let harness = try AppHarness(settings: ["PUBLIC_URL": site].merging(settings) { $1 })
        try harness.addUser("alice", firstName: "Alice")
        try UserStore(database: harness.connection).setConfirmedEmail(username: "alice", "Alice@Example.test")
        try harness.addUser("bob")
        return harness
    }

    /// Runs the mail sender's half, then returns the links queued since `after` (outbox id).
    @discardableResult
    static func mailedLinks(_ harness: AppHarness, after: Int = 0) throws -> [String] {
        try PasswordResetMailer(application: harness.application).handleWaiting(on: harness.connection)
        return try harness.connection.query(
            "SELECT convert_from(message, 'UTF8') FROM mail_outbox WHERE id > $1 ORDER BY id", [String(after)]).rows.compactMap { row in
            row[0].flatMap { MailText.resetLink(in: $0, site: site) }
        }
    }

    /// The path of a link.
    static func path(_ link: String) -> String { String(link.dropFirst(site.count)) }

    @Test("Without PUBLIC_URL there is no reset: 404, and the sign-in page says to ask an administrator")
    func unavailable() throws {
        let harness = try AppHarness()
        var browser = harness.browser()
        #expect(browser.get("/auth/reset").status == .notFound)
        #expect(browser.post("/auth/reset", [("login", "alice")]).status == .notFound)
        #expect(browser.get("/auth/reset/" + String(repeating: "A", count: 43)).status == .notFound)
        let login = browser.get("/auth").text
        #expect(!login.contains("/auth/reset"))
        #expect(login.contains("Ask an administrator"))
    }

    @Test("The sign-in page offers \"Forgot your password?\"; a request by username or address (any case) mails one link to the confirmed address")
    func requestMailsLink() throws {
        let harness = try Self.harness()
        var browser = harness.browser()
        #expect(browser.get("/auth").text.contains("<a href=\"/auth/reset\">Forgot your password?</a>"))
        #expect(browser.get("/auth/reset").status == .ok)
        let answer = browser.post("/auth/reset", [("login", "alice")])
        #expect(answer.status == .ok)
        #expect(answer.text.contains("If an account matches, a link is on its way"))
        // Nothing is looked up on the request path: the request waits for the mailer.
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "0")
        #expect(try harness.scalar("SELECT login FROM reset_attempt") == "alice")
        let links = try Self.mailedLinks(harness)
        #expect(links.count == 1)
        #expect(try harness.scalar("SELECT recipient FROM mail_outbox") == "Alice@example.test")
        #expect(try harness.scalar("SELECT login IS NULL AND handled_at IS NOT NULL FROM reset_attempt") == "t")
        browser.post("/auth/reset", [("login", "aLiCe@EXAMPLE.test")])
        #expect(try Self.mailedLinks(harness, after: 1).count == 1)
    }

    @Test("Unknown logins, users without an address and unconfirmed addresses get the same page, and no mail")
    func sameAnswer() throws {
        let harness = try Self.harness()
        _ = try harness.addUser("carol")
        _ = try harness.connection.query("UPDATE users SET email = 'carol@example.test' WHERE username = 'carol'")
        var browser = harness.browser()
        browser.get("/auth/reset")
        let known = browser.post("/auth/reset", [("login", "alice")])
        for login in ["nobody", "bob", "carol", "carol@example.test", "nobody@example.test"] {
            let answer = browser.post("/auth/reset", [("login", login)])
            #expect(answer.status == known.status, "\(login)")
            #expect(answer.body == known.body, "\(login)")
            #expect(answer.headers.map(\.0) == known.headers.map(\.0), "\(login)")
        }
        #expect(try Self.mailedLinks(harness).count == 1)
        #expect(try harness.scalar("SELECT count(*) FROM password_reset") == "1")
    }

    @Test("Hostile logins are 400 with the reason and record nothing", arguments: [
        "", "alice\r\nBcc: evil@example.test", "alice\n", "al\u{7F}ice", String(repeating: "a", count: 255),
    ])
    func hostileLogin(_ login: String) throws {
        let harness = try Self.harness()
        var browser = harness.browser()
        let answer = browser.post("/auth/reset", [("login", login)])
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("notification is-danger"))
        #expect(try harness.scalar("SELECT count(*) FROM reset_attempt") == "0")
    }

    @Test("A request without its CSRF token is 403 and records nothing")
    func csrf() throws {
        let harness = try Self.harness()
        var browser = harness.browser()
        #expect(browser.post("/auth/reset", [("login", "alice")], csrf: "forged").status == .forbidden)
        #expect(try harness.scalar("SELECT count(*) FROM reset_attempt") == "0")
    }

    @Test("A link sets the new password, ends every session of the user, and sign-in works with the new password only")
    func useLink() throws {
        let harness = try Self.harness()
        var signedIn = harness.browser(address: "198.51.100.1")
        #expect(signedIn.login("alice").status == .seeOther)
        #expect(signedIn.get("/").status == .ok)
        var visitor = harness.browser()
        visitor.post("/auth/reset", [("login", "alice")])
        let link = try #require(try Self.mailedLinks(harness).first)
        let form = visitor.get(Self.path(link))
        #expect(form.status == .ok)
        #expect(form.text.contains("Choose a new password"))
        let answer = visitor.post(Self.path(link), [("new_password", Self.newPassword), ("new_password2", Self.newPassword)])
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == "/auth?flash=password-reset")
        #expect(visitor.get("/auth?flash=password-reset").text.contains("Your new password is set"))
        #expect(signedIn.get("/").status == .seeOther)
        #expect(try harness.scalar("SELECT count(*) FROM session s JOIN users u ON u.id = s.\"user\" WHERE u.username = 'alice'") == "0")
        var fresh = harness.browser(address: "198.51.100.2")
        #expect(fresh.login("alice").status == .unauthorized)
        #expect(fresh.login("alice", Self.newPassword).status == .seeOther)
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'password_reset' AND username = 'alice'") == "1")
        #expect(try harness.scalar("SELECT recipient FROM mail_outbox WHERE subject = 'Your password was changed'") == "Alice@example.test")
        // Used: refused, and nothing changes.
        let again = visitor.post(Self.path(link), [("new_password", "another fine long password"), ("new_password2", "another fine long password")])
        #expect(again.status == .badRequest)
        #expect(again.text.contains("already used"))
        #expect(visitor.get(Self.path(link)).status == .badRequest)
        #expect(fresh.get("/").status == .ok)
    }

    @Test("Using one link uses every other open link of the user")
    func siblingsUsed() throws {
        let harness = try Self.harness()
        var visitor = harness.browser()
        visitor.post("/auth/reset", [("login", "alice")])
        visitor.post("/auth/reset", [("login", "alice")])
        let links = try Self.mailedLinks(harness)
        #expect(links.count == 2)
        #expect(visitor.post(Self.path(links[1]), [("new_password", Self.newPassword), ("new_password2", Self.newPassword)]).status == .seeOther)
        #expect(visitor.get(Self.path(links[0])).status == .badRequest)
    }

    @Test("A weak, short or mismatched new password is refused with the reason; the link still works")
    func passwordRules() throws {
        let harness = try Self.harness()
        var visitor = harness.browser()
        visitor.post("/auth/reset", [("login", "alice")])
        let link = try #require(try Self.mailedLinks(harness).first)
        let before = try harness.scalar("SELECT encode(p_hash, 'hex') FROM users WHERE username = 'alice'")
        for (new, again, reason) in [("password1234", "password1234", "too easy to guess"), ("short", "short", "12 to 128"),
                                     (Self.newPassword, "something else entirely", "do not match"),
                                     ("alice alice alice", "alice alice alice", "too easy to guess")] {
            let answer = visitor.post(Self.path(link), [("new_password", new), ("new_password2", again)])
            #expect(answer.status == .badRequest, "\(new)")
            #expect(answer.text.contains(reason), "\(new)")
        }
        let long = String(repeating: "x", count: 1025)
        #expect(visitor.post(Self.path(link), [("new_password", long), ("new_password2", long)]).status == .badRequest)
        #expect(try harness.scalar("SELECT encode(p_hash, 'hex') FROM users WHERE username = 'alice'") == before)
        #expect(visitor.get(Self.path(link)).status == .ok)
    }

    @Test("Expired links are refused with a clear page and change nothing")
    func expired() throws {
        let harness = try Self.harness()
        var visitor = harness.browser()
        visitor.post("/auth/reset", [("login", "alice")])
        let link = try #require(try Self.mailedLinks(harness).first)
        _ = try harness.connection.query("UPDATE password_reset SET expires_at = now() - interval '1 second'")
        let before = try harness.scalar("SELECT encode(p_hash, 'hex') FROM users WHERE username = 'alice'")
        let page = visitor.get(Self.path(link))
        #expect(page.status == .badRequest)
        #expect(page.text.contains("expired"))
        let answer = visitor.post(Self.path(link), [("new_password", Self.newPassword), ("new_password2", Self.newPassword)])
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("expired"))
        #expect(try harness.scalar("SELECT encode(p_hash, 'hex') FROM users WHERE username = 'alice'") == before)
        #expect(try harness.scalar("SELECT count(*) FROM password_reset WHERE used_at IS NOT NULL") == "0")
    }

    @Test("Malformed and unknown tokens are 400 pages, before or without any change", arguments: [
        "short", String(repeating: "A", count: 42), String(repeating: "A", count: 44), String(repeating: "A", count: 42) + "!",
        String(repeating: "A", count: 42) + "%0A", String(repeating: "A", count: 43),
    ])
    func badTokens(_ token: String) throws {
        let harness = try Self.harness()
        var visitor = harness.browser()
        #expect(visitor.get("/auth/reset/" + token).status == .badRequest)
        let answer = visitor.post("/auth/reset/" + token, [("new_password", Self.newPassword), ("new_password2", Self.newPassword)])
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("Nothing was changed"))
    }

    @Test("A user with a second factor still needs it after a reset")
    func secondFactorStillAsked() throws {
        let harness = try Self.harness()
        let userID = try #require(try harness.scalar("SELECT id FROM users WHERE username = 'alice'").flatMap { Int($0) })
        let totp = TOTPStore(database: harness.connection, key: harness.application.factorKey)
        let secret = try #require(try totp.pendingSecret(userID: userID))
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try totp.confirm(userID: userID, typed: TOTP.code(secret: secret, step: TOTP.step(at: now)), now: now))
        var visitor = harness.browser()
        visitor.post("/auth/reset", [("login", "alice")])
        let link = try #require(try Self.mailedLinks(harness).first)
        #expect(visitor.post(Self.path(link), [("new_password", Self.newPassword), ("new_password2", Self.newPassword)]).status == .seeOther)
        let signIn = visitor.login("alice", Self.newPassword)
        #expect(signIn.header("Location") == "/auth/second")
        #expect(visitor.get("/").status == .seeOther)
    }

    @Test("An account is sent at most 3 links an hour, however many addresses ask; the others are dropped silently")
    func accountLimit() throws {
        let harness = try Self.harness()
        var answers: [Response] = []
        for number in 1...6 {
            var visitor = harness.browser(address: "192.0.2.\(number)")
            answers.append(visitor.post("/auth/reset", [("login", "alice")]))
        }
        #expect(answers.allSatisfy { $0.status == .ok })
        #expect(try Self.mailedLinks(harness).count == PasswordResetRequests.accountLimit)
        #expect(try harness.scalar("SELECT count(*) FROM audit_log WHERE event = 'password_reset_limited'") == "3")
    }

    @Test("Four mailers on four connections handling 8 requests for one account at once send it exactly 3 links")
    func accountLimitUnderConcurrency() throws {
        let harness = try Self.harness()
        for number in 1...8 {
            var visitor = harness.browser(address: "192.0.2.\(number)")
            #expect(visitor.post("/auth/reset", [("login", number.isMultiple(of: 2) ? "alice" : "ALICE@example.test")]).status == .ok)
        }
        let mailer = PasswordResetMailer(application: harness.application)
        let conninfo = harness.database.conninfo
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Foundation.Thread.detachNewThread {
                defer { group.leave() }
                try? mailer.handleWaiting(on: DatabaseConnection(conninfo: conninfo))
            }
        }
        group.wait()
        #expect(try harness.scalar("SELECT count(*) FROM reset_attempt WHERE handled_at IS NULL") == "0")
        #expect(try harness.scalar("SELECT count(*) FROM password_reset") == String(PasswordResetRequests.accountLimit))
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == String(PasswordResetRequests.accountLimit))
    }

    @Test("One address may ask 10 times an hour, then gets 429 with Retry-After and nothing is recorded")
    func addressLimit() throws {
        let harness = try Self.harness()
        var visitor = harness.browser()
        for _ in 0..<PasswordResetRequests.addressLimit {
            #expect(visitor.post("/auth/reset", [("login", "nobody")]).status == .ok)
        }
        let refused = visitor.post("/auth/reset", [("login", "alice")])
        #expect(refused.status == .tooManyRequests)
        #expect(refused.header("Retry-After").flatMap { Int($0) }.map { $0 > 0 && $0 <= 3600 } == true)
        #expect(try harness.scalar("SELECT count(*) FROM reset_attempt") == String(PasswordResetRequests.addressLimit))
        var other = harness.browser(address: "192.0.2.99")
        #expect(other.post("/auth/reset", [("login", "alice")]).status == .ok)
    }
}
