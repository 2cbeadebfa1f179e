@testable import Gatehouse
import Testing

/// Issue 15 fault 4: strangers' failures must not lock a user out of a browser that has
/// signed in as them before (OWASP device cookies), while the user-wide brake still stops
/// strangers.
@Suite("Device cookies", .serialized)
struct DeviceCookieTests {
    static let deviceCookie = "session_device"

    /// An owner's browser that signed in once (and signed out again), so it holds a device cookie.
    func knownBrowser(_ harness: AppHarness, address: String) throws -> Browser {
        var browser = harness.browser(address: address)
        #expect(browser.login("admin").status == .seeOther)
        #expect(browser.otherCookies[Self.deviceCookie] != nil, "a sign-in sets the device cookie")
        #expect(browser.post("/auth/logout", []).status == .seeOther)
        return browser
    }

    @Test("LOGIN_USER_LIMIT tripped by strangers from many addresses: strangers get 429, the owner's known browser signs in")
    func userBrakeSparesKnownBrowser() throws {
        let harness = try AppHarness(settings: ["LOGIN_USER_LIMIT": "3"])
        try harness.addUser("admin")
        var owner = try knownBrowser(harness, address: "203.0.113.10")
        for octet in 1...3 {
            var bot = harness.browser(address: "198.51.100.\(octet)")
            #expect(bot.login("admin", "wrong wrong wrong").status == .unauthorized)
        }
        // The brake holds for any browser without the cookie, even with the right password…
        var stranger = harness.browser(address: "203.0.113.10")
        #expect(stranger.login("admin").status == .tooManyRequests)
        // …but the browser that signed in before is judged by its own counter.
        #expect(owner.login("admin").status == .seeOther)
        #expect(owner.get("/").status == .ok)
    }

    @Test("An attacker behind the owner's address (same NAT) locks the pair, not the owner's known browser")
    func sharedAddress() throws {
        let harness = try AppHarness()
        try harness.addUser("admin")
        var owner = try knownBrowser(harness, address: "198.51.100.50")
        var attacker = harness.browser(address: "198.51.100.50")
        for _ in 0..<5 { #expect(attacker.login("admin", "guess guess guess").status == .unauthorized) }
        #expect(attacker.login("admin").status == .tooManyRequests)
        #expect(owner.login("admin").status == .seeOther)
    }

    @Test("A known browser has its own limit: LOGIN_FAILURE_LIMIT wrong passwords lock that browser, not the user elsewhere")
    func deviceCounter() throws {
        let harness = try AppHarness()
        try harness.addUser("admin")
        var owner = try knownBrowser(harness, address: "203.0.113.20")
        for _ in 0..<5 { #expect(owner.login("admin", "mistyped mistyped").status == .unauthorized) }
        let locked = owner.login("admin")
        #expect(locked.status == .tooManyRequests)
        #expect(locked.header("Retry-After") == "900")
        #expect(try harness.scalar("SELECT count(*) FROM login_failure WHERE device IS NOT NULL") == "5")
        // Its failures are its own: the same address without the cookie is not locked.
        var other = harness.browser(address: "203.0.113.20")
        #expect(other.login("admin").status == .seeOther)
    }

    @Test("The cookie is set at sign-in: HttpOnly, SameSite=Lax, a year long, Secure over HTTPS, and not guessable")
    func attributes() throws {
        let harness = try AppHarness()
        try harness.addUser("admin")
        var plain = harness.browser()
        let answer = plain.login("admin")
        let set = try #require(answer.cookies.first { $0.name == Self.deviceCookie })
        #expect(set.headerValue.hasSuffix("; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"))
        #expect(set.value.utf8.count == 22 + 1 + 43)
        var secure = harness.browser()
        secure.https = true
        let overTLS = secure.login("admin")
        #expect(overTLS.cookies.first { $0.name == Self.deviceCookie }?.secure == true)
        #expect(overTLS.cookies.first { $0.name == Self.deviceCookie }?.value != set.value)
        // A failed sign-in sets none.
        var failing = harness.browser()
        #expect(!failing.login("admin", "wrong wrong wrong").cookies.contains { $0.name == Self.deviceCookie })
    }

    @Test("A device cookie proves nothing for another user, nor when forged")
    func boundToUser() throws {
        let harness = try AppHarness(settings: ["LOGIN_USER_LIMIT": "2"])
        try harness.addUser("admin")
        try harness.addUser("mallory", password: "mallory's own pass")
        // Mallory's browser has a device cookie of her own account.
        var mallory = harness.browser(address: "198.51.100.9")
        #expect(mallory.login("mallory", "mallory's own pass").status == .seeOther)
        #expect(mallory.post("/auth/logout", []).status == .seeOther)
        let valid = try #require(mallory.otherCookies[Self.deviceCookie])
        // With it, her guesses at admin count as a stranger's: toward admin's user-wide brake.
        for octet in 1...2 {
            var bot = harness.browser(address: "198.51.100.\(octet)")
            bot.otherCookies[Self.deviceCookie] = valid
            #expect(bot.login("admin", "guess guess guess").status == .unauthorized)
        }
        var forged = harness.browser(address: "198.51.100.3")
        forged.otherCookies[Self.deviceCookie] = String(valid.dropLast()) + (valid.last == "A" ? "B" : "A")
        #expect(forged.login("admin").status == .tooManyRequests)
        #expect(try harness.scalar("SELECT count(*) FROM login_failure WHERE device IS NOT NULL") == "0")
    }
}
