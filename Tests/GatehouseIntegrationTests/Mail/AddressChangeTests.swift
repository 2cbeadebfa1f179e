import Foundation
@testable import Gatehouse
import Testing

/// A user's own address change on /account (`POST /account/email`) and the link that
/// makes it count (`/auth/confirm-email/<token>`), on real PostgreSQL.
@Suite("Address change and confirmation", .serialized)
struct AddressChangeTests {
    let harness: AppHarness
    let ann: Int

    init() throws {
        harness = try AppHarness(settings: ["PUBLIC_URL": "http://127.0.0.1:8080", "MAIL_FROM": "gate@example.test"])
        ann = try harness.addUser("ann", firstName: "Ann")
        try harness.addUser("bob")
        try UserStore(database: harness.connection).setConfirmedEmail(username: "ann", "ann@old.example")
        try UserStore(database: harness.connection).setConfirmedEmail(username: "bob", "bob@example.test")
    }

    func email(_ username: String) throws -> String? {
        try harness.scalar("SELECT email || ' ' || (email_confirmed_at IS NOT NULL) FROM users WHERE username = $1", [username])
    }

    func signedIn() -> Browser {
        var browser = harness.browser()
        browser.login("ann")
        return browser
    }

    @Test("A new address gets a link and counts only once it is followed; the old address is told; the link works once")
    func changeAndConfirm() throws {
        var browser = signedIn()
        let asked = browser.post("/account/email", [("email", "Ann.New@Example.TEST")])
        #expect(asked.status == .seeOther)
        #expect(asked.header("Location") == "/account?flash=email-link-sent")
        #expect(try email("ann") == "ann@old.example true", "the old address stays until the link is followed")
        let account = browser.get("/account")
        #expect(account.text.contains("Waiting for you to follow the link sent to <strong>Ann.New@example.test</strong>"))
        let mails = try QueuedMail.outbox(harness.connection, to: "Ann.New@example.test")
        #expect(mails.count == 1)
        let mail = try #require(mails.first)
        #expect(mail.contains("Subject: Confirm your email address\r\n"))
        #expect(mail.contains("To: \"Ann\" <Ann.New@example.test>\r\n"))
        #expect(mail.contains("Content-Type: text/html; charset=utf-8"))
        let link = try #require(QueuedMail.confirmationPath(in: mail))
        #expect(mail.contains("http://127.0.0.1:8080" + link))
        #expect(try QueuedMail.outbox(harness.connection, to: "ann@old.example").isEmpty, "nothing is told before the change")

        // Opening the link (as a mail scanner would) changes nothing.
        var mailbox = harness.browser(address: "198.51.100.20")
        let opened = mailbox.get(link)
        #expect(opened.status == .ok)
        #expect(opened.text.contains("Make <strong>Ann.New@example.test</strong> the email address of the account <strong>ann</strong>?"))
        #expect(try email("ann") == "ann@old.example true")
        #expect(mailbox.post(link, [("csrf_token", "forged")]).status == .forbidden)
        #expect(try email("ann") == "ann@old.example true")

        let confirmed = mailbox.post(link, [])
        #expect(confirmed.status == .ok)
        #expect(confirmed.text.contains("is now the address of the account"))
        #expect(try email("ann") == "Ann.New@example.test true")
        let told = try QueuedMail.outbox(harness.connection, to: "ann@old.example")
        #expect(told.count == 1)
        #expect(told.first?.contains("Subject: The email address of your account was changed\r\n") == true)
        #expect(told.first?.contains("/auth/confirm-email/") == false)
        #expect(try harness.scalar("SELECT detail FROM audit_log WHERE event = 'email_changed' ORDER BY id DESC LIMIT 1")
            == "email=Ann.New@example.test confirmed=link told_previous=true")

        #expect(mailbox.post(link, []).status == .badRequest, "a link works once")
        #expect(mailbox.get(link).status == .badRequest)
        #expect(browser.get("/account").text.contains("Waiting for you") == false)
    }

    @Test("The database holds only the link's SHA-256: outside the queued mail, no column of any table holds the token")
    func tokenNeverStoredRaw() throws {
        var browser = signedIn()
        #expect(browser.post("/account/email", [("email", "ann@new.example")]).status == .seeOther)
        let mail = try #require(try QueuedMail.outbox(harness.connection, to: "ann@new.example").first)
        let token = String(try #require(QueuedMail.confirmationPath(in: mail)).split(separator: "/").last!)
        #expect(try harness.scalar("SELECT count(*) FROM email_confirmation WHERE digest = sha256(convert_to($1, 'UTF8'))", [token]) == "1")
        let columns = try harness.connection.query("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'bytea', 'jsonb')
            """).rows
        #expect(columns.count > 10)
        for column in columns {
            guard let table = column[0], let name = column[1], !(table == "mail_outbox" && name == "message") else { continue }
            let matches = column[2] == "bytea"
                ? "position(convert_to($1, 'UTF8') in \"\(name)\") > 0 OR position(decode($1, 'escape') in \"\(name)\") > 0"
                : "\"\(name)\"::text LIKE '%' || $1 || '%'"
            #expect(try harness.scalar("SELECT count(*) FROM \"\(table)\" WHERE \(matches)", [token]) == "0", "\(table).\(name)")
        }
        // Once sent, the mail's message is dropped (the sender's rule): then no copy remains at all.
        _ = try harness.scalar("UPDATE mail_outbox SET message = NULL, sent_at = now()")
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox WHERE position(convert_to($1, 'UTF8') in message) > 0", [token]) == "0")
        var mailbox = harness.browser(address: "198.51.100.21")
        #expect(mailbox.post("/auth/confirm-email/" + token, []).status == .ok)
    }

    @Test("Hostile or invalid addresses: 400 with the reason, and nothing changed, queued or stored",
          arguments: [
              "ann@new.example\r\nBcc: victim@evil.example", "ann@new.example\nBcc: x@evil.example", "ann@new.example\r",
              "Ann <ann@new.example>", "ann@new.example, eve@evil.example", "jörg@example.test", "ann@exämple.test",
              String(repeating: "a", count: 65) + "@example.test", "a@" + String(repeating: "b", count: 250) + ".example",
              "ann@@new.example", ".ann@new.example", "ann..x@new.example", "ann @new.example", "", "ann@new.example\u{7F}",
          ])
    func hostile(_ typed: String) throws {
        var browser = signedIn()
        let answer = browser.post("/account/email", [("email", typed)])
        #expect(answer.status == .badRequest)
        #expect(answer.text.contains("Nothing was changed"))
        #expect(try email("ann") == "ann@old.example true")
        #expect(try harness.scalar("SELECT count(*) FROM email_confirmation") == "0")
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "0")
    }

    @Test("A NUL in the form is refused before anything is read: 400, nothing changed")
    func nul() throws {
        var browser = signedIn()
        let body = "email=ann%00@new.example&csrf_token=" + browser.currentCSRF()
        #expect(browser.send("POST", "/account/email", body: Array(body.utf8)).status == .badRequest)
        #expect(try harness.scalar("SELECT count(*) FROM email_confirmation") == "0")
    }

    @Test("Another user's address gets the same answer and a link to that address; following it is refused and nothing changes")
    func othersAddress() throws {
        var browser = signedIn()
        let asked = browser.post("/account/email", [("email", "BOB@example.test")])
        #expect(asked.status == .seeOther)
        #expect(asked.header("Location") == "/account?flash=email-link-sent", "no hint that the address has an account")
        let mail = try #require(try QueuedMail.outbox(harness.connection, to: "BOB@example.test").first)
        let link = try #require(QueuedMail.confirmationPath(in: mail))
        var mailbox = harness.browser(address: "198.51.100.22")
        let refused = mailbox.post(link, [])
        #expect(refused.status == .badRequest)
        #expect(refused.text.contains("Another account uses this address already"))
        #expect(try email("ann") == "ann@old.example true")
        #expect(try email("bob") == "bob@example.test true")
        #expect(try QueuedMail.outbox(harness.connection, to: "ann@old.example").isEmpty)
    }

    @Test("Refused and nothing queued: no CSRF token, a session past REAUTH_WINDOW, anonymous")
    func guards() throws {
        var browser = signedIn()
        #expect(browser.post("/account/email", [("email", "ann@new.example"), ("csrf_token", "forged")]).status == .forbidden)
        _ = try harness.scalar("UPDATE session SET authenticated_at = now() - interval '1 hour'")
        let stale = browser.post("/account/email", [("email", "ann@new.example")])
        #expect(stale.status == .seeOther)
        #expect(stale.header("Location") == "/auth/confirm?next=/account")
        var anonymous = harness.browser(address: "198.51.100.23")
        #expect(anonymous.post("/account/email", [("email", "ann@new.example")]).header("Location")?.hasPrefix("/auth?next=") == true)
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "0")
        #expect(try email("ann") == "ann@old.example true")
    }

    @Test("Only the newest link counts, and at most five links an hour are mailed (then 429, nothing queued)")
    func newestOnlyAndLimit() throws {
        var browser = signedIn()
        var links: [String] = []
        for number in 1...5 {
            #expect(browser.post("/account/email", [("email", "ann\(number)@new.example")]).status == .seeOther)
            let mail = try #require(try QueuedMail.outbox(harness.connection, to: "ann\(number)@new.example").first)
            links.append(try #require(QueuedMail.confirmationPath(in: mail)))
        }
        let limited = browser.post("/account/email", [("email", "ann6@new.example")])
        #expect(limited.status == .tooManyRequests)
        #expect(limited.text.contains("Nothing was changed"))
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "5")
        var mailbox = harness.browser(address: "198.51.100.24")
        #expect(mailbox.post(links[0], []).status == .badRequest, "replaced by a newer link")
        #expect(mailbox.post(links[4], []).status == .ok)
        #expect(try email("ann") == "ann5@new.example true")
    }

    @Test("An expired link is refused; malformed tokens are refused without a match")
    func expiredAndMalformed() throws {
        var browser = signedIn()
        #expect(browser.post("/account/email", [("email", "ann@new.example")]).status == .seeOther)
        let link = try #require(QueuedMail.confirmationPath(in: try QueuedMail.outbox(harness.connection, to: "ann@new.example")[0]))
        _ = try harness.scalar("UPDATE email_confirmation SET created_at = now() - interval '25 hours', expires_at = now() - interval '1 hour'")
        var mailbox = harness.browser(address: "198.51.100.25")
        #expect(mailbox.get(link).status == .badRequest)
        #expect(mailbox.post(link, []).status == .badRequest)
        for bad in ["short", String(repeating: "A", count: 44), String(repeating: "%", count: 43), String(link.suffix(43).dropLast()) + "!"] {
            #expect(mailbox.get("/auth/confirm-email/" + bad).status == .badRequest)
        }
        #expect(try email("ann") == "ann@old.example true")
    }

    @Test("Without PUBLIC_URL no link can be mailed: /account shows the address but no form, and a POST is 400, nothing changed")
    func mailOff() throws {
        let plain = try AppHarness()
        try plain.addUser("ann")
        try UserStore(database: plain.connection).setConfirmedEmail(username: "ann", "ann@old.example")
        var browser = plain.browser()
        browser.login("ann")
        let page = browser.get("/account")
        #expect(page.text.contains("ann@old.example"))
        #expect(!page.text.contains("action=\"/account/email\""))
        let refused = browser.post("/account/email", [("email", "ann@new.example")])
        #expect(refused.status == .badRequest)
        #expect(refused.text.contains("Nothing was changed"))
        #expect(try plain.scalar("SELECT count(*) FROM email_confirmation") == "0")
    }

    @Test("The purge drops links used or expired once the hour that counts them has passed; live ones stay")
    func purge() throws {
        var browser = signedIn()
        #expect(browser.post("/account/email", [("email", "ann1@new.example")]).status == .seeOther)
        #expect(browser.post("/account/email", [("email", "ann2@new.example")]).status == .seeOther)
        try Purge.run(database: harness.connection, configuration: harness.configuration)
        #expect(try harness.scalar("SELECT count(*) FROM email_confirmation") == "2", "the replaced link still counts toward the hour")
        _ = try harness.scalar("UPDATE email_confirmation SET created_at = created_at - interval '2 hours'")
        try Purge.run(database: harness.connection, configuration: harness.configuration)
        #expect(try harness.scalar("SELECT email FROM email_confirmation") == "ann2@new.example")
    }

    @Test("/auth/check names the confirmed address (X-Auth-Email, Remote-Email, X-Auth-Request-Email): the old one until the link is followed, never an unconfirmed or malformed one")
    func gateHeaders() throws {
        var browser = signedIn()
        func emails() -> [String?] {
            let answer = browser.get("/auth/check")
            return ["X-Auth-Email", "Remote-Email", "X-Auth-Request-Email"].map { answer.header($0) }
        }
        #expect(emails() == ["ann@old.example", "ann@old.example", "ann@old.example"])
        #expect(browser.post("/account/email", [("email", "ann@new.example")]).status == .seeOther)
        #expect(emails() == ["ann@old.example", "ann@old.example", "ann@old.example"])
        let link = try #require(QueuedMail.confirmationPath(in: try QueuedMail.outbox(harness.connection, to: "ann@new.example")[0]))
        var mailbox = harness.browser(address: "198.51.100.26")
        #expect(mailbox.post(link, []).status == .ok)
        #expect(emails() == ["ann@new.example", "ann@new.example", "ann@new.example"])
        _ = try harness.scalar("UPDATE users SET email_confirmed_at = NULL WHERE username = 'ann'")
        #expect(emails() == [nil, nil, nil])
        _ = try harness.scalar("UPDATE users SET email = E'ann@new.example\\r\\nX-Auth-Scope: super', email_confirmed_at = now() WHERE username = 'ann'")
        #expect(emails() == [nil, nil, nil])
        #expect(browser.get("/auth/check").header("X-Auth-Scope") == "authenticated")
    }
}
