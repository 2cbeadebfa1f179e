import Foundation
@testable import Gatehouse
import Testing

/// The optional `email` of `/auth/register` (REGISTRATION=on, mail on with PUBLIC_URL): a
/// link is mailed, and the address counts once it is followed.
@Suite("Registration: email address", .serialized)
struct RegisterEmailTests {
    static let password = "a long new password"

    func register(_ harness: AppHarness, _ username: String, email: String) -> Response {
        var browser = harness.browser(address: "198.51.100.\(40 + username.count)")
        return browser.post("/auth/register", [("username", username), ("first_name", "Nina"), ("last_name", ""),
                                               ("email", email), ("password", Self.password), ("password2", Self.password)])
    }

    @Test("An address given at sign-up gets a link; the account has no address until it is followed")
    func linkAtSignUp() throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on", "PUBLIC_URL": "http://127.0.0.1:8080"])
        var visitor = harness.browser()
        #expect(visitor.get("/auth/register").text.contains("name=\"email\""))
        let answer = register(harness, "newbie", email: "nina@example.test")
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == "/?flash=welcome-email")
        #expect(try harness.scalar("SELECT email FROM users WHERE username = 'newbie'") == nil)
        let mail = try #require(try QueuedMail.outbox(harness.connection, to: "nina@example.test").first)
        #expect(mail.contains("Subject: Confirm your email address\r\n"))
        let link = try #require(QueuedMail.confirmationPath(in: mail))
        var mailbox = harness.browser(address: "198.51.100.60")
        #expect(mailbox.post(link, []).status == .ok)
        #expect(try harness.scalar("SELECT email || ' ' || (email_confirmed_at IS NOT NULL) FROM users WHERE username = 'newbie'")
            == "nina@example.test true")
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "1", "no previous address: nobody else is told")
    }

    @Test("Without an address no link is mailed; an invalid or hostile one is 400 with the reason and creates nothing",
          arguments: ["nina@example.test\r\nBcc: x@evil.example", "nina", "Nina <nina@example.test>", "ninä@example.test"])
    func invalid(_ typed: String) throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on", "PUBLIC_URL": "http://127.0.0.1:8080"])
        let refused = register(harness, "newbie", email: typed)
        #expect(refused.status == .badRequest)
        #expect(refused.text.contains("Leave the address empty to add one later."))
        #expect(try harness.scalar("SELECT count(*) FROM users") == "0")
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "0")
        #expect(register(harness, "plain", email: "").header("Location") == "/?flash=welcome")
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "0")
    }

    @Test("Another user's address: the same answer and a link, whose following is refused; nothing changes")
    func othersAddress() throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on", "PUBLIC_URL": "http://127.0.0.1:8080"])
        try harness.addUser("owner")
        try UserStore(database: harness.connection).setConfirmedEmail(username: "owner", "taken@example.test")
        let answer = register(harness, "squatter", email: "Taken@example.test")
        #expect(answer.header("Location") == "/?flash=welcome-email")
        let link = try #require(QueuedMail.confirmationPath(in: try QueuedMail.outbox(harness.connection, to: "Taken@example.test")[0]))
        var mailbox = harness.browser(address: "198.51.100.61")
        #expect(mailbox.post(link, []).status == .badRequest)
        #expect(try harness.scalar("SELECT email FROM users WHERE username = 'squatter'") == nil)
        #expect(try harness.scalar("SELECT email FROM users WHERE username = 'owner'") == "taken@example.test")
    }

    @Test("Without PUBLIC_URL the form asks for no address, and one sent anyway is ignored")
    func mailOff() throws {
        let harness = try AppHarness(settings: ["REGISTRATION": "on"])
        var visitor = harness.browser()
        #expect(!visitor.get("/auth/register").text.contains("name=\"email\""))
        #expect(register(harness, "newbie", email: "nina@example.test").header("Location") == "/?flash=welcome")
        #expect(try harness.scalar("SELECT count(*) FROM email_confirmation") == "0")
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "0")
    }
}
