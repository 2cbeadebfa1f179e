import Foundation
@testable import Gatehouse
import Testing

/// The password reset as a person does it in headless Chromium: "Forgot your password?",
/// the mail over real SMTP, the link, a new password, sign-in with it. Screenshots go to
/// `.build/screenshots/` like the other browser stories.
@Suite("End to end: password reset in a real browser", .serialized)
struct ResetBrowserTests {
    @Test("Chromium: sign-in page → Forgot your password? → mail → link → new password → signed in with it")
    func story() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let database = try TestDatabase()
        try Migrations.run(on: database.connect())
        try SignIn.addUser("alice", password: "the old password 1", firstName: "Alice", to: database)
        try UserStore(database: database.connect()).setConfirmedEmail(username: "alice", "alice@example.test")
        let port = TestEnvironment.freePort()
        let base = "http://127.0.0.1:\(port)"
        let stack = try Stack(database: database, settings: ["PUBLIC_URL": base, "SMTP_URL": "smtp://127.0.0.1:\(sink.port)"], port: port)
        defer { stack.stop() }
        let browser = try WebDriver(width: 1280, height: 900)
        defer { browser.quit() }
        func shoot(_ name: String) throws { try browser.screenshot(to: "\(BrowserTests.screenshots)/\(name).png") }

        try browser.navigate(to: base + "/auth")
        try browser.click(browser.find("a[href='/auth/reset']"))
        try browser.waitForURL("the reset page") { $0 == base + "/auth/reset" }
        #expect(try browser.title() == "Reset your password · Gatehouse")
        try shoot("reset")
        try browser.sendKeys("alice@example.test", to: browser.find("input#login"))
        try browser.click(browser.find("form[action='/auth/reset'] button[type=submit]"))
        #expect(try browser.waitForText("If an account matches, a link is on its way").contains("within 30 minutes"))
        try shoot("reset-sent")

        let mail = try #require(sink.waitForMessages(1, seconds: 20).first)
        let link = try #require(MailText.resetLink(in: mail, site: base))
        try browser.navigate(to: link)
        #expect(try browser.visibleText().contains("Choose a new password"))
        #expect(try browser.visibleText().contains("for alice"))
        try browser.sendKeys("purple elephants juggle quietly", to: browser.find("input#new_password"))
        try browser.sendKeys("purple elephants juggle quietly", to: browser.find("input#new_password2"))
        try shoot("reset-password")
        try browser.click(browser.find("form button[type=submit]"))
        try browser.waitForURL("the sign-in page") { $0 == base + "/auth?flash=password-reset" }
        #expect(try browser.visibleText().contains("Your new password is set"))

        try browser.sendKeys("alice", to: browser.find("input#username"))
        try browser.sendKeys("purple elephants juggle quietly", to: browser.find("input#password"))
        try browser.click(browser.find("form[action='/auth'] button[type=submit]"))
        try browser.waitForURL("home") { $0 == base + "/" }
        #expect(try browser.visibleText().contains("Welcome, Alice!"))

        // The link again: a page that says so, not a form.
        try browser.navigate(to: link)
        #expect(try browser.visibleText().contains("already used"))
    }
}
