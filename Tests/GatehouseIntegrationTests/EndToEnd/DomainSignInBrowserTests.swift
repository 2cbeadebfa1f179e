import Foundation
import Testing

/// Domain-wide sign-in in real Chromium: `*.gatehouse.test` resolved to loopback, an app
/// on `app.gatehouse.test` guarded by Gatehouse on `auth.gatehouse.test`, with screenshots.
@Suite("End to end: domain-wide sign-in in a browser", .serialized)
struct DomainSignInBrowserTests {
    @Test("Chromium: app → sign-in on the auth host → code → the exact app URL → sign out there → app asks to sign in again")
    func story() throws {
        let site = try DomainSite()
        defer { site.stop() }
        let (secret, _) = try site.addUserWithApp("carol", password: "carol password 1")
        let browser = try WebDriver(width: 1280, height: 900, arguments: ["--host-resolver-rules=MAP *.gatehouse.test 127.0.0.1"])
        defer { browser.quit() }
        func shoot(_ name: String) throws {
            try browser.screenshot(to: "\(BrowserTests.screenshots)/\(name).png", fullPage: true)
        }
        let signInPrefix = site.publicURL + "/auth?next="
        let target = site.appURL + "/report?from=2024-01-01&to=2024-12-31&sort=desc"

        // Signed out: the app sends the browser to the sign-in host, carrying the app URL.
        try browser.navigate(to: target)
        let login = try browser.waitForURL("the sign-in page") { $0.hasPrefix(signInPrefix) }
        #expect(login == site.signInLocation(for: target))
        #expect(try browser.title() == "Sign in · Gatehouse")
        try shoot("domain-sign-in")
        try browser.sendKeys("carol", to: browser.find("input#username"))
        try browser.sendKeys("carol password 1", to: browser.find("input#password"))
        try browser.click(browser.find("form[action='/auth'] button[type=submit]"))
        try browser.waitForURL("/auth/second") { $0 == site.publicURL + "/auth/second" }
        try browser.sendKeys(SecondFactor.nextCode(secret), to: browser.find("input#code"))
        try shoot("domain-second-step")
        try browser.click(browser.find("form[action='/auth/second'] button[type=submit]"))

        // Back at the exact app URL, query intact; the app saw who signed in.
        try browser.waitForURL("the app") { $0 == target }
        let seen = try browser.waitForText("X-Auth-User")
        #expect(seen.contains(#"["X-Auth-User", "carol"]"#))
        #expect(!seen.contains("session="), "the app never sees Gatehouse's session cookie")
        // (The browser also asks the app for /favicon.ico.)
        func pages() -> [String] { site.echo.hits.filter { $0 != "/favicon.ico" } }
        #expect(pages() == ["/report?from=2024-01-01&to=2024-12-31&sort=desc"])
        try shoot("domain-app")

        // The app's sign-out link: Gatehouse's page on the auth host, one button.
        try browser.navigate(to: site.appURL + "/signout")
        try browser.waitForURL("the sign-out page") { $0.hasPrefix(site.publicURL + "/auth/signout") }
        try browser.waitForText("Sign out of every app")
        try shoot("domain-sign-out")
        try browser.click(browser.find("main form[action='/auth/logout'] button[type=submit]"))
        try browser.waitForURL("the sign-in page") { $0 == site.signInLocation(for: site.appURL + "/") }

        // The one session is over for the app too.
        try browser.navigate(to: target)
        #expect(try browser.waitForURL("the sign-in page again") { $0.hasPrefix(signInPrefix) } == site.signInLocation(for: target))
        #expect(pages().count == 1)
    }
}
