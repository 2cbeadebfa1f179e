import Foundation
import Testing

/// The sign-in story in a real browser: headless Chromium over WebDriver, through nginx and
/// `gatehouse serve`. It asserts what a person sees (addresses, visible texts) and saves
/// screenshots of every page under `.build/screenshots/` for a human to look at.
@Suite("End to end: real browser", .serialized)
struct BrowserTests {
    static let screenshots = TestEnvironment.repoRoot + "/.build/screenshots"

    @Test("Chromium: / → sign-in page → home → account → admin → sign out; a plain user gets the 403 page; 390 px usable")
    func story() throws {
        let stack = try Stack()
        defer { stack.stop() }
        try SignIn.addUser("alice", password: "alice password 1", firstName: "Alice", scopes: ["admin"], to: stack.database)
        try SignIn.addUser("bob", password: "bob password 12", firstName: "Bob", to: stack.database)
        let base = "http://127.0.0.1:\(stack.port)"
        let browser = try WebDriver(width: 1280, height: 900)
        defer { browser.quit() }

        func shoot(_ name: String, fullPage: Bool = false) throws {
            try browser.screenshot(to: "\(Self.screenshots)/\(name).png", fullPage: fullPage)
        }
        func signIn(_ username: String, _ password: String) throws {
            try browser.sendKeys(username, to: browser.find("input#username"))
            try browser.sendKeys(password, to: browser.find("input#password"))
            try browser.click(browser.find("form[action='/auth'] button[type=submit]"))
            try browser.waitForURL("\(base)/") { $0 == base + "/" }
        }
        func signOut() throws {
            try browser.click(browser.find("form[action='/auth/logout'] button"))
            try browser.waitForURL("\(base)/auth") { $0 == base + "/auth" }
        }
        /// No sideways scrolling of the whole page (wide tables scroll inside their card).
        func pageFitsWidth() throws -> Bool {
            try browser.execute("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true
        }
        func mobile<T>(_ body: () throws -> T) throws -> T {
            try browser.setWindowSize(width: 390, height: 844)
            defer { try? browser.setWindowSize(width: 1280, height: 900) }
            return try body()
        }

        // Anonymous: / sends the browser to the sign-in page, carrying where it was going.
        try browser.navigate(to: base + "/")
        try browser.waitForURL("the sign-in page") { $0.hasPrefix(base + "/auth?next=") }
        #expect(try browser.title() == "Sign in · Gatehouse")
        #expect(try browser.visibleText().contains("Sign in"))
        #expect(try browser.pageSource().contains(#"name="csrf_token""#))
        try shoot("login")
        try mobile {
            try shoot("login-mobile")
            #expect(try pageFitsWidth(), "the sign-in page scrolls sideways at 390 px")
            // The form is usable: no sideways scrolling, the button on screen.
            #expect(try browser.isDisplayed(browser.find("form[action='/auth'] button[type=submit]")))
        }

        // A wrong password: the page again, with an error the person can read.
        try browser.sendKeys("alice", to: browser.find("input#username"))
        try browser.sendKeys("not the password", to: browser.find("input#password"))
        try browser.click(browser.find("form[action='/auth'] button[type=submit]"))
        try browser.waitForURL("the failed sign-in page") { $0 == base + "/auth" }
        #expect(try browser.visibleText().contains("Incorrect username or password."))
        try shoot("login-error")

        // Sign in: home greets by first name and lists scopes.
        try browser.clear(browser.find("input#username"))
        try signIn("alice", "alice password 1")
        let home = try browser.visibleText()
        #expect(home.contains("Welcome, Alice!"))
        #expect(home.contains("admin"))
        #expect(try browser.title() == "Home · Gatehouse")
        try shoot("home")

        // Account: names, the password form, this browser's session.
        try browser.click(browser.find("a.navbar-item[href='/account']"))
        try browser.waitForURL("/account") { $0 == base + "/account" }
        let account = try browser.visibleText()
        #expect(account.contains("Your account"))
        #expect(account.contains("Change password"))
        #expect(account.contains("this browser"))
        #expect(account.contains("This is your only session"))
        try shoot("account", fullPage: true)

        // Admin: both users and their scopes.
        try browser.click(browser.find("a.navbar-item[href='/admin']"))
        try browser.waitForURL("/admin") { $0 == base + "/admin" }
        let admin = try browser.visibleText()
        #expect(admin.contains("alice"))
        #expect(admin.contains("bob"))
        try shoot("admin", fullPage: true)

        // A flash message after a redirect.
        try browser.navigate(to: base + "/account?flash=session-revoked")
        #expect(try browser.visibleText().contains("The session was signed out."))
        try shoot("flash")

        // At phone width: the menu folds behind the burger, which opens without JavaScript.
        try mobile {
            try browser.navigate(to: base + "/account")
            let signOutButton = try browser.find("form[action='/auth/logout'] button")
            #expect(try !browser.isDisplayed(signOutButton))
            #expect(try pageFitsWidth(), "the account page scrolls sideways at 390 px")
            try shoot("account-mobile", fullPage: true)
            try browser.click(browser.find(".navbar-burger"))
            #expect(try browser.isDisplayed(signOutButton))
            #expect(try browser.isDisplayed(browser.find("a.navbar-item[href='/admin']")))
            try shoot("menu-mobile")
            try browser.navigate(to: base + "/admin")
            #expect(try pageFitsWidth(), "the admin page scrolls sideways at 390 px")
            try shoot("admin-mobile", fullPage: true)
        }

        // Sign out with the navbar button: back to the sign-in page, / is closed again.
        try signOut()
        #expect(try browser.visibleText().contains("Sign in"))
        try browser.navigate(to: base + "/account")
        try browser.waitForURL("the sign-in page") { $0 == base + "/auth?next=/account" }

        // A plain user: no Admin link, and /admin is the 403 permission page.
        try browser.navigate(to: base + "/auth")
        try signIn("bob", "bob password 12")
        #expect(try browser.visibleText().contains("Welcome, Bob!"))
        #expect(try !browser.pageSource().contains("href=\"/admin\""))
        try browser.navigate(to: base + "/admin")
        #expect(try browser.currentURL() == base + "/admin")
        let denied = try browser.visibleText()
        #expect(denied.contains("You do not have permission"))
        #expect(denied.contains("admin"))
        try shoot("forbidden")
        try browser.navigate(to: base + "/no-such-page")
        #expect(try browser.visibleText().contains("404"))
        try shoot("not-found")
        try browser.navigate(to: base + "/")
        try signOut()
    }
}
