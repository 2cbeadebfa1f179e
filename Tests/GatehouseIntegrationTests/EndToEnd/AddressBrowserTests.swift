import Foundation
@testable import Gatehouse
import Testing

/// A person changing their address in headless Chromium, through nginx and `gatehouse
/// serve`, the link read from the mail a real SMTP server received.
@Suite("End to end: address change in a real browser", .serialized)
struct AddressBrowserTests {
    @Test("Chromium: /account → new address → the mailed link → confirm → /account shows it confirmed; the old address is told")
    func changeInBrowser() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let stack = try AddressMailTests.stack(sink)
        defer { stack.stop() }
        try SignIn.addUser("alice", password: "alice password 1", firstName: "Alice", to: stack.database)
        try UserStore(database: stack.database.connect()).setConfirmedEmail(username: "alice", "alice@old.example")
        let base = "http://127.0.0.1:\(stack.port)"
        let browser = try WebDriver(width: 1280, height: 900)
        defer { browser.quit() }

        try browser.navigate(to: base + "/auth?next=/account")
        try browser.sendKeys("alice", to: browser.find("input#username"))
        try browser.sendKeys("alice password 1", to: browser.find("input#password"))
        try browser.click(browser.find("form[action='/auth'] button[type=submit]"))
        _ = try browser.waitForURL("/account") { $0 == base + "/account" }
        let before = try browser.text(of: browser.find("td.account-email")).lowercased()
        #expect(before.contains("alice@old.example") && before.contains("confirmed") && !before.contains("not confirmed"))

        try browser.sendKeys("alice@new.example", to: browser.find("form.change-email input#email"))
        try browser.click(browser.find("form.change-email button[type=submit]"))
        _ = try browser.waitForText("We sent a link to the new address")
        #expect(try browser.visibleText().contains("Waiting for you to follow the link sent to alice@new.example."))
        try browser.screenshot(to: BrowserTests.screenshots + "/account-email-pending.png")

        let mail = try #require(try AddressMailTests.mail(sink, to: "alice@new.example", count: 1).first)
        let link = try #require(QueuedMail.confirmationPath(in: mail))
        try browser.navigate(to: base + link)
        _ = try browser.waitForText("Make alice@new.example the email address of the account alice?")
        try browser.click(browser.find("form[action='\(link)'] button[type=submit]"))
        _ = try browser.waitForText("alice@new.example is now the address of the account alice.")
        try browser.click(browser.find("a[href='/account']"))
        _ = try browser.waitForURL("/account") { $0 == base + "/account" }
        let cell = try browser.text(of: browser.find("td.account-email")).lowercased()
        #expect(cell.contains("alice@new.example") && cell.contains("confirmed") && !cell.contains("not confirmed"))
        #expect(!cell.contains("waiting"))
        let told = try #require(try AddressMailTests.mail(sink, to: "alice@old.example", count: 1).first)
        #expect(told.contains("Subject: The email address of your account was changed"))
    }
}
