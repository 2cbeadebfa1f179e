@testable import Gatehouse
import Testing

/// Issue 4's defences, each with a test that fails when the defence is removed.
@Suite("Security defences", .serialized)
struct SecurityTests {
    let harness: AppHarness

    init() throws {
        harness = try AppHarness(settings: ["TRUSTED_PROXIES": "10.0.0.1 192.168.7.0/24"])
        try harness.addUser("victim")
        try harness.addUser("other")
    }

    func sessionRows() throws -> String? { try harness.scalar("SELECT count(*) FROM session") }

    @Test("CSRF: missing, wrong, and another session's token are 403 and change nothing")
    func csrf() throws {
        var mallory = harness.browser()
        mallory.get("/auth")
        let malloryToken = mallory.currentCSRF()
        var browser = harness.browser()
        browser.get("/auth")
        let fields = [("username", "victim"), ("password", "correct horse battery")]

        let missing = browser.send("POST", "/auth", body: Array("username=victim&password=correct+horse+battery".utf8))
        #expect(missing.status == .forbidden)
        #expect(browser.post("/auth", fields, csrf: "AAAA").status == .forbidden)
        #expect(browser.post("/auth", fields, csrf: malloryToken).status == .forbidden)
        #expect(try sessionRows() == "0")

        // Logout without a valid token leaves the session alive.
        #expect(browser.post("/auth", fields).status == .seeOther)
        #expect(browser.post("/auth/logout", [], csrf: malloryToken).status == .forbidden)
        #expect(browser.get("/").status == .ok)
    }

    @Test("A foreign Origin is refused; this host's Origin passes")
    func origin() throws {
        var browser = harness.browser()
        let fields = [("username", "victim"), ("password", "correct horse battery")]
        #expect(browser.post("/auth", fields, headers: ["origin": "https://evil.example"]).status == .forbidden)
        #expect(browser.post("/auth", fields, headers: ["origin": "null"]).status == .forbidden)
        #expect(browser.post("/auth", fields, headers: ["origin": "http://127.0.0.1:9999"]).status == .forbidden)
        #expect(try sessionRows() == "0")
        #expect(browser.post("/auth", fields, headers: ["origin": "http://127.0.0.1:8080"]).status == .seeOther)
    }

    @Test("An Origin of another scheme or port, or one sent empty or unparseable, is refused (Host 127.0.0.1:8080, plain http)",
          arguments: ["http://127.0.0.1", "http://127.0.0.1:80", "http://127.0.0.1:9999", "ftp://127.0.0.1:1", "ftp://127.0.0.1:8080",
                      "https://127.0.0.1", "https://127.0.0.1:443", "", " ", "127.0.0.1:8080", "http://", "http://:8080", "http://127.0.0.1:",
                      "http://127.0.0.1:8080/", "http://127.0.0.1:8080/path", "http://user@127.0.0.1:8080", "http://127.0.0.1:+8080",
                      "http://127.0.0.1:808080", "http://127.0.0.1:8080:8080", "http://[::1]:8080"])
    func originMismatch(origin: String) throws {
        var browser = harness.browser()
        let answer = browser.post("/auth", [("username", "victim"), ("password", "correct horse battery")], headers: ["origin": origin])
        #expect(answer.status == .forbidden)
        #expect(answer.text.contains("sent from another site"))
        #expect(try sessionRows() == "0")
    }

    @Test("Over https the Origin must say https; a Host without a port means the scheme's default")
    func originOverHTTPS() throws {
        var browser = harness.browser()
        browser.https = true
        let fields = [("username", "victim"), ("password", "correct horse battery")]
        let host = ["host": "gate.example"]
        for refused in ["http://gate.example", "https://gate.example:8443", "http://gate.example:443", "https://other.example"] {
            #expect(browser.post("/auth", fields, headers: host.merging(["origin": refused]) { $1 }).status == .forbidden, "\(refused)")
        }
        #expect(try sessionRows() == "0")
        #expect(browser.post("/auth", fields, headers: host.merging(["origin": "https://gate.example:443"]) { $1 }).status == .seeOther)
        var second = harness.browser()
        second.https = true
        #expect(second.post("/auth", fields, headers: host.merging(["origin": "https://GATE.example"]) { $1 }).status == .seeOther)
    }

    @Test("A Host without a port (Debian's nginx drops it) matches SERVER_PORT or the scheme's default, nothing else")
    func originWithoutHostPort() throws {
        let fields = [("username", "victim"), ("password", "correct horse battery")]
        // make run: nginx on 8080 sends HTTP_HOST 127.0.0.1 and SERVER_PORT 8080.
        var direct = harness.browser()
        direct.serverPort = 8080
        let host = ["host": "127.0.0.1"]
        for refused in ["http://127.0.0.1:9999", "https://127.0.0.1:8443", "http://127.0.0.1:443"] {
            #expect(direct.post("/auth", fields, headers: host.merging(["origin": refused]) { $1 }).status == .forbidden, "\(refused)")
        }
        #expect(try sessionRows() == "0")
        #expect(direct.post("/auth", fields, headers: host.merging(["origin": "http://127.0.0.1:8080"]) { $1 }).status == .seeOther)

        // A TLS terminator in front (deploy/apache.conf): HTTPS=on, the browser's Host has no
        // port, and SERVER_PORT is the backend's own.
        var behindProxy = harness.browser()
        behindProxy.https = true
        behindProxy.serverPort = 80
        let publicHost = ["host": "gate.example"]
        #expect(behindProxy.post("/auth", fields, headers: publicHost.merging(["origin": "https://gate.example:8443"]) { $1 }).status == .forbidden)
        #expect(behindProxy.post("/auth", fields, headers: publicHost.merging(["origin": "https://gate.example"]) { $1 }).status == .seeOther)

        // A TLS terminator that does not tell nginx (no HTTPS=on): an https Origin still
        // names this site when host and port match.
        var unaware = harness.browser()
        unaware.serverPort = 80
        #expect(unaware.post("/auth", fields, headers: publicHost.merging(["origin": "https://gate.example:8443"]) { $1 }).status == .forbidden)
        #expect(unaware.post("/auth", fields, headers: publicHost.merging(["origin": "https://gate.example"]) { $1 }).status == .seeOther)
    }

    @Test("Five failures lock (username, address) — even the right password — but not the user elsewhere")
    func pairLockout() throws {
        var attacker = harness.browser(address: "198.51.100.66")
        for _ in 0..<5 {
            #expect(attacker.login("victim", "guess guess guess").status == .unauthorized)
        }
        let locked = attacker.login("victim")
        #expect(locked.status == .tooManyRequests)
        #expect(locked.text.contains("Too many failed sign-in attempts"))
        #expect(try sessionRows() == "0")

        var owner = harness.browser(address: "203.0.113.10")
        #expect(owner.login("victim").status == .seeOther)
        // The attacker's address may still sign in other users.
        var sameAddress = harness.browser(address: "198.51.100.66")
        #expect(sameAddress.login("other").status == .seeOther)

        // The lock is shared: another instance on the same database sees it too.
        let second = try harness.secondInstance()
        var elsewhere = second.browser(address: "198.51.100.66")
        #expect(elsewhere.login("victim").status == .tooManyRequests)

        // Once the window has passed, the right password works again.
        try harness.connection.run(script: "UPDATE login_failure SET at = at - interval '16 minutes'")
        var later = harness.browser(address: "198.51.100.66")
        #expect(later.login("victim").status == .seeOther)

        // Two refusals of one key in one window (one per instance): one audit row.
        let events = try harness.connection.query("SELECT event FROM audit_log WHERE event = 'login_locked'").rows
        #expect(events.count == 1)
    }

    @Test("LOGIN_IP_LIMIT counts failures from one address across usernames")
    func addressLimit() throws {
        let tight = try AppHarness(settings: ["LOGIN_IP_LIMIT": "3"])
        try tight.addUser("victim")
        var spray = tight.browser(address: "198.51.100.7")
        for name in ["a1", "a2", "a3"] {
            #expect(spray.login(name, "whatever password").status == .unauthorized)
        }
        #expect(spray.login("victim").status == .tooManyRequests)
        var elsewhere = tight.browser(address: "198.51.100.8")
        #expect(elsewhere.login("victim").status == .seeOther)
    }

    @Test("LOGIN_USER_LIMIT counts failures for one username across addresses, per hour")
    func userLimit() throws {
        let tight = try AppHarness(settings: ["LOGIN_USER_LIMIT": "3"])
        try tight.addUser("victim")
        for octet in 1...3 {
            var bot = tight.browser(address: "198.51.100.\(octet)")
            #expect(bot.login("victim", "wrong wrong wrong").status == .unauthorized)
        }
        var owner = tight.browser(address: "203.0.113.99")
        #expect(owner.login("victim").status == .tooManyRequests)
        try tight.connection.run(script: "UPDATE login_failure SET at = at - interval '61 minutes'")
        #expect(owner.login("victim").status == .seeOther)
    }

    @Test("X-Forwarded-For counts only when REMOTE_ADDR is a trusted proxy")
    func forwardedFor() throws {
        var viaProxy = harness.browser(address: "10.0.0.1")
        viaProxy.get("/auth")
        viaProxy.post("/auth", [("username", "victim"), ("password", "nope nope nope")],
                      headers: ["x-forwarded-for": "6.6.6.6, 198.51.100.23"])
        var viaRange = harness.browser(address: "192.168.7.40")
        viaRange.get("/auth")
        viaRange.post("/auth", [("username", "victim"), ("password", "nope nope nope")],
                      headers: ["x-forwarded-for": "198.51.100.24"])
        var direct = harness.browser(address: "203.0.113.50")
        direct.get("/auth")
        direct.post("/auth", [("username", "victim"), ("password", "nope nope nope")],
                    headers: ["x-forwarded-for": "198.51.100.25"])
        let addresses = try harness.connection.query("SELECT address FROM login_failure ORDER BY id").rows.map { $0[0] ?? "" }
        #expect(addresses == ["198.51.100.23", "198.51.100.24", "203.0.113.50"])
    }

    @Test("next accepts only local paths", arguments: ["//evil.example/x", "/\\evil.example", "https://evil.example/", "/\t/evil.example", "javascript:alert(1)"])
    func foreignNext(target: String) {
        var browser = harness.browser()
        let answer = browser.login("victim", next: target)
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == "/")
    }

    @Test("Security headers on every HTML answer", arguments: ["/auth", "/nope", "/auth?next=%zz"])
    func headers(path: String) {
        var browser = harness.browser()
        let answer = browser.get(path)
        #expect(answer.header("Content-Security-Policy") == "default-src 'self'")
        #expect(answer.header("X-Frame-Options") == "DENY")
        #expect(answer.header("Referrer-Policy") == "same-origin")
        #expect(answer.header("X-Content-Type-Options") == "nosniff")
        #expect(answer.header("Cache-Control") == "no-store")
    }

    @Test("Strict-Transport-Security on every answer over https (pages, redirects, errors, sign-in), never over plain http")
    func strictTransportSecurity() {
        for https in [true, false] {
            var browser = harness.browser()
            browser.https = https
            let answers = [browser.get("/auth"), browser.get("/"), browser.get("/nope"), browser.send("DELETE", "/auth"),
                           browser.get("/healthz"), browser.login("victim"), browser.get("/")]
            for answer in answers {
                #expect(answer.header("Strict-Transport-Security") == (https ? "max-age=31536000" : nil), "\(answer.status) https=\(https)")
            }
        }
    }

    @Test("Hostile form input gets a clear 4xx and changes nothing", arguments: [
        ("username=victim&password=%FF%FE", 400),
        ("username=vic%00tim&password=x", 400),
        ("username=" + String(repeating: "a", count: 21) + "&password=x", 400),
        ("username=bad%20name&password=x", 400),
        ("username=victim&password=" + String(repeating: "p", count: 1025), 400),
        ("username=victim&password=%zz", 400),
    ])
    func hostileForms(body: String, status: Int) throws {
        var browser = harness.browser()
        browser.get("/auth")
        let answer = browser.send("POST", "/auth", body: Array((body + "&csrf_token=" + browser.currentCSRF()).utf8))
        #expect(answer.status.code == status)
        #expect(answer.text.contains("bulma.min.css"))
        #expect(try sessionRows() == "0")
        #expect(try harness.scalar("SELECT count(*) FROM login_failure") == "0")
    }

    @Test("The 1024 limit on a submitted password counts characters, as the new-password rule does, not bytes")
    func submittedPasswordLength() throws {
        var browser = harness.browser()
        // 513 two-byte characters (1,026 bytes) are within the limit: a wrong password like any other.
        let accented = browser.login("victim", String(repeating: "é", count: 513))
        #expect(accented.status == .unauthorized)
        #expect(accented.text.contains(LoginPage.failureMessage))
        #expect(browser.login("victim", String(repeating: "é", count: 1024)).status == .unauthorized)
        let over = browser.login("victim", String(repeating: "a", count: 1025))
        #expect(over.status == .badRequest)
        #expect(over.text.contains("more than 1024 characters"))

        // 50 characters are a valid new password, though these take 1,250 bytes: they sign in.
        let family = String(repeating: "👨‍👩‍👧‍👦", count: 50)
        try harness.addUser("emoji", password: family)
        #expect(browser.login("emoji", family).status == .seeOther)
    }

    @Test("A POST that is not a URL-encoded form is 415")
    func contentType() {
        var browser = harness.browser()
        browser.get("/auth")
        let body = "csrf_token=\(browser.currentCSRF())&username=victim&password=correct+horse+battery"
        let answer = browser.send("POST", "/auth", body: Array(body.utf8), headers: ["content-type": "application/json"])
        #expect(answer.status == .unsupportedMediaType)
    }

    @Test("Broken percent-escapes in the query are a 400 page")
    func brokenQuery() {
        var browser = harness.browser()
        #expect(browser.get("/auth?next=%E0%A4%A").status == .badRequest)
        #expect(browser.get("/auth/check?scope=%").status == .badRequest)
    }
}
