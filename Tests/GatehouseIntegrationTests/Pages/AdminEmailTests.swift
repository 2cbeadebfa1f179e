@testable import Gatehouse
import Testing

/// `/admin` shows each user's address, finds users by its prefix, and sets it
/// (`POST /admin/users/email`): confirmed, audited, re-confirmed, CSRF-checked, the previous
/// address told, `super` users only by super.
@Suite("Admin page: addresses", .serialized)
struct AdminEmailTests {
    let harness: AppHarness

    init() throws {
        harness = try AppHarness(settings: ["PUBLIC_URL": "http://127.0.0.1:8080"])
        try harness.addUser("dana")
        try harness.addUser("erin")
        try harness.addUser("boss", scopes: ["admin"])
        try harness.addUser("root", scopes: ["super"])
        try UserStore(database: harness.connection).setConfirmedEmail(username: "erin", "erin@example.test")
    }

    func email(_ username: String) throws -> String? {
        try harness.scalar("SELECT email || ' ' || (email_confirmed_at IS NOT NULL) FROM users WHERE username = $1", [username])
    }

    func admin() -> Browser {
        var boss = harness.browser()
        boss.login("boss")
        return boss
    }

    @Test("An admin sets an address: confirmed at once, audited, listed, and found by its prefix in any case")
    func setAndSearch() throws {
        var boss = admin()
        let set = boss.post("/admin/users/email", [("username", "dana"), ("email", "Dana.Scully@FBI.example"), ("q", "da")])
        #expect(set.status == .seeOther)
        #expect(set.header("Location") == "/admin?flash=email-set&q=da")
        #expect(try email("dana") == "Dana.Scully@fbi.example true")
        #expect(try harness.scalar("SELECT detail FROM audit_log WHERE event = 'email_changed'")
            == "email=Dana.Scully@fbi.example by=boss told_previous=false")
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "0", "no previous address, nobody to tell")
        #expect(boss.get("/admin").text.contains("Dana.Scully@fbi.example"))
        #expect(AdminListingTests.usernames(boss.get("/admin?q=DANA.SC")) == ["dana"])
        #expect(AdminListingTests.usernames(boss.get("/admin?q=erin%40ex")) == ["erin"])
        #expect(AdminListingTests.usernames(boss.get("/admin?q=%25%40")).isEmpty, "LIKE's % is a character here")
    }

    @Test("Replacing an address tells the previous one and ends the user's unfollowed confirmation links")
    func replaceTellsPrevious() throws {
        var user = harness.browser(address: "198.51.100.30")
        user.login("erin")
        #expect(user.post("/account/email", [("email", "erin@elsewhere.example")]).status == .seeOther)
        let link = try #require(QueuedMail.confirmationPath(in: try QueuedMail.outbox(harness.connection, to: "erin@elsewhere.example")[0]))
        var boss = admin()
        #expect(boss.post("/admin/users/email", [("username", "erin"), ("email", "erin@new.example")]).status == .seeOther)
        #expect(try email("erin") == "erin@new.example true")
        let told = try QueuedMail.outbox(harness.connection, to: "erin@example.test")
        #expect(told.count == 1)
        #expect(told.first?.contains("Subject: The email address of your account was changed") == true)
        var mailbox = harness.browser(address: "198.51.100.31")
        #expect(mailbox.post(link, []).status == .badRequest, "the admin's address replaced the pending one")
        #expect(try email("erin") == "erin@new.example true")
    }

    @Test("Refused, nothing changed or queued: another user's address (any case), an invalid one, CR/LF, a plain user, no CSRF, an admin for a super user, a stale session")
    func refusals() throws {
        var boss = admin()
        let taken = boss.post("/admin/users/email", [("username", "dana"), ("email", "ERIN@example.test")])
        #expect(taken.status == .badRequest)
        #expect(taken.text.contains("Another user has this address"))
        for bad in ["not an address", "dana@example.test\r\nBcc: x@evil.example", "dänä@example.test", ""] {
            let refused = boss.post("/admin/users/email", [("username", "dana"), ("email", bad)])
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("Nothing was changed"))
        }
        #expect(boss.post("/admin/users/email", [("username", "root"), ("email", "root@example.test")]).status == .forbidden)
        #expect(boss.post("/admin/users/email", [("username", "nobody"), ("email", "n@example.test")]).status == .notFound)
        #expect(boss.post("/admin/users/email", [("username", "dana"), ("email", "d@example.test"), ("csrf_token", "forged")]).status == .forbidden)
        var plain = harness.browser(address: "198.51.100.32")
        plain.login("dana")
        #expect(plain.post("/admin/users/email", [("username", "dana"), ("email", "d@example.test")]).status == .forbidden)
        _ = try harness.scalar("UPDATE session SET authenticated_at = now() - interval '1 hour'")
        #expect(boss.post("/admin/users/email", [("username", "dana"), ("email", "d@example.test")]).header("Location")
            == "/auth/confirm?next=/admin")
        #expect(try email("dana") == nil)
        #expect(try email("root") == nil)
        #expect(try email("erin") == "erin@example.test true")
        #expect(try harness.scalar("SELECT count(*) FROM mail_outbox") == "0")
        var root = harness.browser(address: "198.51.100.33")
        root.login("root")
        #expect(root.post("/admin/users/email", [("username", "root"), ("email", "root@example.test")]).status == .seeOther)
    }
}
