import Foundation
@testable import Gatehouse
import Testing

/// Through real nginx to `gatehouse serve`, whose sender hands mail to a real SMTP server
/// (scripts/smtp-sink.py): the address change with its link, and every notice.
@Suite("End to end: address confirmation and notices by mail", .serialized)
struct AddressMailTests {
    static let password = "correct horse battery"

    /// A stack whose mail goes to `sink`, PUBLIC_URL naming nginx's own port.
    static func stack(_ sink: SMTPSink) throws -> Stack {
        let port = TestEnvironment.freePort()
        return try Stack(settings: ["PUBLIC_URL": "http://127.0.0.1:\(port)", "SMTP_URL": "smtp://127.0.0.1:\(sink.port)",
                                    "MAIL_FROM": "gate@example.test"], port: port)
    }

    /// The messages the sink holds for `recipient`, decoded, once there are `count`.
    static func mail(_ sink: SMTPSink, to recipient: String, count: Int) throws -> [String] {
        var found: [String] = []
        try Stack.waitFor(seconds: 15) {
            found = sink.messages().filter { $0.contains("X-Envelope-To: \(recipient)\r\n") }.map(MailText.decoded)
            return found.count >= count
        }
        return found
    }

    /// POSTs a form from a page's CSRF token as `session`.
    static func post(_ client: HTTPClient, _ session: String, page: String, to target: String,
                     _ fields: [(String, String)]) throws -> HTTPClient.Answer {
        let shown = try client.send("GET", page, headers: ["Cookie": "session=\(session)"])
        let csrf = try #require(hiddenValue("csrf_token", in: shown.text))
        return try client.post(target, form: [("csrf_token", csrf)] + fields, headers: SecondFactor.headers(client, session))
    }

    @Test("The link to the new address arrives over SMTP; opening it and confirming makes it the user's; the old address is told by mail")
    func addressChange() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let stack = try Self.stack(sink)
        defer { stack.stop() }
        try SignIn.addUser("ann", password: Self.password, to: stack.database)
        try UserStore(database: stack.database.connect()).setConfirmedEmail(username: "ann", "ann@old.example")
        let client = stack.client
        let (session, _) = try SignIn.through(client, "ann", Self.password)
        let asked = try Self.post(client, session, page: "/account", to: "/account/email", [("email", "ann@new.example")])
        #expect(asked.status == 303)
        #expect(asked.header("Location") == "/account?flash=email-link-sent")

        let confirmation = try #require(try Self.mail(sink, to: "ann@new.example", count: 1).first)
        #expect(confirmation.contains("Subject: Confirm your email address\r\n"))
        #expect(confirmation.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(confirmation.contains("Content-Type: text/html; charset=utf-8"))
        let link = try #require(QueuedMail.confirmationPath(in: confirmation))
        #expect(confirmation.contains(client.origin + link))
        let stored = "SELECT email FROM users WHERE username = 'ann'"
        #expect(try stack.database.connect().query(stored).scalar() == "ann@old.example")

        // Another browser, not signed in: the mailbox's owner on their phone.
        let opened = try client.send("GET", link)
        #expect(opened.status == 200)
        let anonymous = try #require(opened.cookie("session"))
        #expect(try stack.database.connect().query(stored).scalar() == "ann@old.example", "opening the link changes nothing")
        let csrf = try #require(hiddenValue("csrf_token", in: opened.text))
        let confirmed = try client.post(link, form: [("csrf_token", csrf)], headers: SecondFactor.headers(client, anonymous))
        #expect(confirmed.status == 200)
        #expect(try stack.database.connect().query(stored).scalar() == "ann@new.example")

        let told = try #require(try Self.mail(sink, to: "ann@old.example", count: 1).first)
        #expect(told.contains("Subject: The email address of your account was changed\r\n"))
        #expect(!told.contains("/auth/confirm-email/"))
        let again = try client.post(link, form: [("csrf_token", csrf)], headers: SecondFactor.headers(client, anonymous))
        #expect(again.status == 400, "the link works once")
        sleep(2)
        #expect(sink.messages().count == 2, "one link, one notice, nothing else")
    }

    @Test("Each notice arrives over SMTP, only to a confirmed address, holding no secret: password, app added, new codes, recovery code used, app removed, factors reset by an admin")
    func notices() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let stack = try Self.stack(sink)
        defer { stack.stop() }
        let client = stack.client
        try SignIn.addUser("cat", password: Self.password, to: stack.database)
        try SignIn.addUser("dan", password: Self.password, to: stack.database)
        try SignIn.addUser("boss", password: Self.password, scopes: ["admin"], to: stack.database)
        try UserStore(database: stack.database.connect()).setConfirmedEmail(username: "cat", "cat@example.test")
        _ = try stack.database.connect().query("UPDATE users SET email = 'dan@example.test' WHERE username = 'dan'")  // not confirmed

        // A password change, by cat and by dan (whose address is not confirmed: no mail).
        let newPassword = "a fresh and long passphrase"
        for name in ["dan", "cat"] {
            let (session, _) = try SignIn.through(client, name, Self.password)
            let changed = try Self.post(client, session, page: "/account", to: "/account/password",
                                        [("current_password", Self.password), ("new_password", newPassword), ("new_password2", newPassword)])
            #expect(changed.status == 303)
        }
        var mails = try Self.mail(sink, to: "cat@example.test", count: 1)
        #expect(mails[0].contains("Subject: Your password was changed\r\n"))
        #expect(!mails[0].contains(newPassword))

        // The app on, new codes, the app used… each a mail.
        var (session, _) = try SignIn.through(client, "cat", newPassword)
        let (secret, page) = try SecondFactor.enrolmentSecret(client, session)
        let csrf = try #require(hiddenValue("csrf_token", in: page.text))
        let enabled = try SecondFactor.confirm(client, session, code: try SecondFactor.nextCode(secret), csrf: csrf)
        #expect(enabled.status == 200)
        mails = try Self.mail(sink, to: "cat@example.test", count: 2)
        #expect(mails[1].contains("An authenticator app was added"))
        let renewed = try client.post("/account/recovery-codes", form: [("csrf_token", csrf)], headers: SecondFactor.headers(client, session))
        let codes = SecondFactor.recoveryCodes(in: renewed.text)
        #expect(codes.count == 10)
        mails = try Self.mail(sink, to: "cat@example.test", count: 3)
        #expect(mails[2].contains("New recovery codes were made"))

        let pending = try SecondFactor.firstStep(client, "cat", newPassword)
        let signedIn = try SecondFactor.secondStep(client, pending, code: codes[0])
        #expect(signedIn.status == 303)
        session = try #require(signedIn.cookie("session"))
        mails = try Self.mail(sink, to: "cat@example.test", count: 4)
        #expect(mails[3].contains("Subject: A recovery code of your account was used\r\n"))
        #expect(mails[3].contains("9 codes are left"))

        let removed = try Self.post(client, session, page: "/account", to: "/account/totp/remove", [])
        #expect(removed.status == 303)
        mails = try Self.mail(sink, to: "cat@example.test", count: 5)
        #expect(mails[4].contains("The authenticator app was removed."))

        let (admin, _) = try SignIn.through(client, "boss", Self.password)
        let reset = try Self.post(client, admin, page: "/admin", to: "/admin/users/mfa-reset", [("username", "cat")])
        #expect(reset.status == 303)
        mails = try Self.mail(sink, to: "cat@example.test", count: 6)
        #expect(mails[5].contains("Every second factor and recovery code was removed by an administrator (boss)."))

        for mail in mails {
            #expect(mail.contains("Subject: Your second factors were changed\r\n") || mail.contains("Subject: Your password was changed\r\n")
                || mail.contains("Subject: A recovery code of your account was used\r\n"))
            #expect(mail.contains("Content-Type: text/html; charset=utf-8"))
            #expect(!mail.contains(secret) && !mail.contains(newPassword) && !mail.contains(Self.password))
            for code in codes { #expect(!mail.contains(code)) }
        }
        sleep(2)
        #expect(sink.messages().count == 6, "dan, whose address is not confirmed, got nothing")
    }

    @Test("Adding and removing a passkey each send a notice naming it, over SMTP")
    func passkeyNotices() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let stack = try Self.stack(sink)
        defer { stack.stop() }
        try SignIn.addUser("ann", password: Self.password, to: stack.database)
        try UserStore(database: stack.database.connect()).setConfirmedEmail(username: "ann", "ann@example.test")
        let session = try SignIn.through(stack.client, "ann", Self.password).session
        let http = PasskeyHTTP(client: stack.client)
        try http.register(try SoftAuthenticator(origin: http.origin), session: session, name: "Desk key")
        var mails = try Self.mail(sink, to: "ann@example.test", count: 1)
        #expect(mails[0].contains("A passkey named \u{201C}Desk key\u{201D} was added."))
        let id = try #require(try stack.database.connect().query("SELECT id FROM passkey").scalar())
        let removed = try stack.client.post("/account/passkeys/remove", form: [("csrf_token", http.csrf(session)), ("id", id)],
                                            headers: SecondFactor.headers(stack.client, session))
        #expect(removed.status == 303)
        mails = try Self.mail(sink, to: "ann@example.test", count: 2)
        #expect(mails[1].contains("The passkey named \u{201C}Desk key\u{201D} was removed."))
    }

    @Test("Through nginx: hostile addresses (CR/LF, NUL, over-long, non-ASCII) are 400 and change nothing; a non-ASCII or hostile name reaches the mail only RFC 2047-encoded, no header added")
    func hostileThroughNginx() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let stack = try Self.stack(sink)
        defer { stack.stop() }
        try SignIn.addUser("zoe", password: Self.password, firstName: "Zoë\r\nBcc: victim@evil.example", to: stack.database)
        let client = stack.client
        let (session, _) = try SignIn.through(client, "zoe", Self.password)
        let shown = try client.send("GET", "/account", headers: ["Cookie": "session=\(session)"])
        let csrf = try #require(hiddenValue("csrf_token", in: shown.text))
        let hostile = ["zoe%40example.test%0D%0ABcc%3A%20x%40evil.example", "zoe%40example.test%0ABcc%3A%20x%40evil.example",
                       "zoe%00%40example.test", String(repeating: "z", count: 300) + "%40example.test", "zo%C3%AB%40example.test",
                       "%3Czoe%40example.test%3E"]
        for email in hostile {
            let body = "csrf_token=\(csrf)&email=\(email)"
            let answer = try client.send("POST", "/account/email", headers: [
                "Cookie": "session=\(session)", "Origin": client.origin, "Content-Type": "application/x-www-form-urlencoded",
            ], body: Array(body.utf8))
            #expect(answer.status == 400, "\(email)")
        }
        let database = stack.database.connect()
        #expect(try database.query("SELECT count(*) FROM email_confirmation").scalar() == "0")
        #expect(try database.query("SELECT count(*) FROM mail_outbox").scalar() == "0")
        #expect(try database.query("SELECT email FROM users WHERE username = 'zoe'").scalar() == nil)

        let asked = try client.post("/account/email", form: [("csrf_token", csrf), ("email", "zoe@example.test")],
                                    headers: SecondFactor.headers(client, session))
        #expect(asked.status == 303)
        try Stack.waitFor(seconds: 15) { !sink.messages().isEmpty }
        let raw = sink.messages()[0]
        let head = raw.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.contains("To: =?UTF-8?B?"))
        #expect(!head.contains("Bcc:"))
        #expect(raw.contains("X-Envelope-To: zoe@example.test\r\n"))
        #expect(!raw.contains("victim@evil.example\r\n") && !raw.contains("X-Envelope-To: zoe@example.test,"))
    }
}
