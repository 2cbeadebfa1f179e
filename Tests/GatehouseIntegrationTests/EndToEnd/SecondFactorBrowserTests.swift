import Foundation
import Testing

/// The authenticator app in a real browser at phone width: enrolment with the QR code,
/// the recovery codes, and the second step of sign-in, with screenshots for a person.
@Suite("End to end: second factor in a browser", .serialized)
struct SecondFactorBrowserTests {
    @Test("Chromium at 390 px: set up the app, save recovery codes, sign in again with a code")
    func enrolAndSignIn() throws {
        let stack = try Stack()
        defer { stack.stop() }
        try SignIn.addUser("mallory", password: "mallory password", firstName: "Mallory", to: stack.database)
        let base = "http://127.0.0.1:\(stack.port)"
        let browser = try WebDriver(width: 390, height: 844)
        defer { browser.quit() }
        func shoot(_ name: String) throws {
            try browser.screenshot(to: "\(BrowserTests.screenshots)/\(name).png", fullPage: true)
        }
        func fits() throws -> Bool {
            try browser.execute("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true
        }
        func signIn() throws {
            try browser.navigate(to: base + "/auth")
            try browser.sendKeys("mallory", to: browser.find("input#username"))
            try browser.sendKeys("mallory password", to: browser.find("input#password"))
            try browser.click(browser.find("form[action='/auth'] button[type=submit]"))
        }

        try signIn()
        try browser.waitForURL("/") { $0 == base + "/" }
        try browser.navigate(to: base + "/account")
        #expect(try browser.visibleText().contains("Authenticator app"))
        try browser.click(browser.find("a[href='/account/totp']"))
        try browser.waitForURL("/account/totp") { $0 == base + "/account/totp" }
        #expect(try browser.isDisplayed(browser.find(".qr-code svg")))
        #expect(try fits(), "the enrolment page scrolls sideways at 390 px")
        try shoot("totp-mobile")
        // Read in one script: no element reference to go stale while the page settles.
        _ = try browser.find(".totp-secret")
        let shown = try browser.execute("return document.querySelector('.totp-secret').textContent") as? String
        let secret = try #require(shown).filter { $0 != " " }
        try browser.sendKeys(SecondFactor.code(secret, at: Int64(Date().timeIntervalSince1970)), to: browser.find("input#code"))
        try browser.click(browser.find("form[action='/account/totp'] button[type=submit]"))
        // The form posts back to its own address: wait for the new page's words, not a URL.
        try browser.waitForText("Your recovery codes")
        #expect(try fits(), "the recovery codes scroll sideways at 390 px")
        try shoot("recovery-codes-mobile")

        try browser.navigate(to: base + "/account")
        #expect(try fits())
        try shoot("account-factors-mobile")
        try browser.click(browser.find(".navbar-burger"))
        try browser.click(browser.find("form[action='/auth/logout'] button"))
        try browser.waitForURL("/auth") { $0 == base + "/auth" }
        try signIn()
        try browser.waitForURL("/auth/second") { $0 == base + "/auth/second" }
        #expect(try fits(), "the second step scrolls sideways at 390 px")
        try shoot("second-step-mobile")
        try browser.sendKeys("000000", to: browser.find("input#code"))
        try browser.click(browser.find("form[action='/auth/second'] button[type=submit]"))
        try browser.waitForText("That code is not right")
        try browser.clear(browser.find("input#code"))
        try browser.sendKeys(SecondFactor.nextCode(secret), to: browser.find("input#code"))
        try browser.click(browser.find("form[action='/auth/second'] button[type=submit]"))
        try browser.waitForURL("/") { $0 == base + "/" }
        #expect(try browser.visibleText().contains("Welcome, Mallory!"))
    }
}
