import Foundation
import Testing

/// Passkeys in a real browser: Chromium with chromedriver's virtual authenticator at
/// `http://localhost:PORT` (a secure context whose host is a valid RP ID, which
/// 127.0.0.1 is not), through nginx and `gatehouse serve`, at phone width.
@Suite("End to end: passkeys in a browser", .serialized)
struct PasskeyBrowserTests {
    @Test("Chromium at 390 px: add a passkey on /account, sign out, sign in with the passkey alone, two factors for the gate")
    func addAndSignIn() throws {
        let stack = try Stack()
        defer { stack.stop() }
        try SignIn.addUser("carol", password: "carol password 1", firstName: "Carol", to: stack.database)
        let base = "http://localhost:\(stack.port)"
        let browser = try WebDriver(width: 390, height: 844)
        defer { browser.quit() }
        let authenticator = try browser.addVirtualAuthenticator()
        func shoot(_ name: String) throws {
            try browser.screenshot(to: "\(BrowserTests.screenshots)/\(name).png", fullPage: true)
        }
        func fits() throws -> Bool {
            try browser.execute("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true
        }
        func signOut() throws {
            try browser.click(browser.find(".navbar-burger"))
            try browser.click(browser.find("form[action='/auth/logout'] button"))
            try browser.waitForURL("/auth") { $0 == base + "/auth" }
        }
        /// Clicks the passkey button (shown by static/passkeys.js once it found WebAuthn).
        func clickPasskeyButton(_ selector: String) throws {
            let button = try browser.find(selector)
            try Stack.waitFor { (try? browser.isDisplayed(button)) == true }
            try browser.click(button)
        }

        // Sign in with the password, add a passkey named on /account.
        try browser.navigate(to: base + "/auth")
        try browser.sendKeys("carol", to: browser.find("input#username"))
        try browser.sendKeys("carol password 1", to: browser.find("input#password"))
        try browser.click(browser.find("form[action='/auth'] button[type=submit]"))
        try browser.waitForURL("/") { $0 == base + "/" }
        try browser.navigate(to: base + "/account")
        try browser.sendKeys("Test laptop", to: browser.find("input#passkey-name"))
        try clickPasskeyButton("button[data-passkey='add']")
        let added = try browser.waitForText("Your passkey was added")
        #expect(added.contains("Test laptop"))
        #expect(added.contains("never"), "a new passkey was never used")
        #expect(try fits(), "/account with a passkey scrolls sideways at 390 px")
        try shoot("account-passkeys-mobile")
        let held = try browser.credentials(of: authenticator)
        #expect(held.count == 1)
        #expect(held.first?["isResidentCredential"] as? Bool == true, "the passkey is discoverable")
        #expect(held.first?["rpId"] as? String == "localhost")

        // Signed out, the login page's button signs in with the passkey alone.
        try signOut()
        #expect(try fits())
        try shoot("login-passkey-mobile")
        try clickPasskeyButton("button[data-passkey='sign-in']")
        try browser.waitForURL("/") { $0 == base + "/" }
        #expect(try browser.visibleText().contains("Welcome, Carol!"))
        let session = try #require(try browser.cookie("session"))
        let check = try stack.client.send("GET", "/auth/check?mfa=1", headers: ["Cookie": "session=\(session)"])
        #expect(check.status == 204, "a passkey with user verification counts as two factors")
        #expect(check.header("X-Auth-User") == "carol")
        try browser.navigate(to: base + "/account")
        #expect(!(try browser.find("table.passkeys").id.isEmpty))
        #expect(!(try browser.visibleText().contains("never")), "the passkey's last use is shown")

        // /auth/confirm takes the passkey instead of the password and a code.
        try browser.navigate(to: base + "/auth/confirm?next=/account")
        #expect(try fits())
        try shoot("confirm-passkey-mobile")
        try clickPasskeyButton("button[data-passkey='sign-in']")
        try browser.waitForURL("/account") { $0 == base + "/account" }

        // A password sign-in now asks for the second step, where the passkey completes it.
        try signOut()
        try browser.sendKeys("carol", to: browser.find("input#username"))
        try browser.sendKeys("carol password 1", to: browser.find("input#password"))
        try browser.click(browser.find("form[action='/auth'] button[type=submit]"))
        try browser.waitForURL("/auth/second") { $0 == base + "/auth/second" }
        #expect(try fits())
        try shoot("second-step-passkey-mobile")
        try clickPasskeyButton("button[data-passkey='sign-in']")
        try browser.waitForURL("/") { $0 == base + "/" }
        let second = try #require(try browser.cookie("session"))
        #expect(try stack.client.send("GET", "/auth/check?mfa=1", headers: ["Cookie": "session=\(second)"]).status == 204)
    }
}
