@testable import Gatehouse
import Testing

@Suite("Guards and pages", .serialized)
struct GuardTests {
    let harness: AppHarness

    init() throws {
        harness = try AppHarness()
        try harness.addUser("plain", firstName: "Pat")
        try harness.addUser("boss", scopes: ["admin"])
        try harness.addUser("root", scopes: ["super"])
    }

    @Test("Not logged in: every guarded page sends the visitor to /auth with next", arguments: [
        ("/", "/auth?next=/"), ("/admin", "/auth?next=/admin"), ("/super", "/auth?next=/super"),
    ])
    func anonymous(path: String, location: String) {
        var browser = harness.browser()
        let answer = browser.get(path)
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == location)
    }

    @Test("next keeps the query string, encoded")
    func nextWithQuery() {
        var browser = harness.browser()
        #expect(browser.get("/admin?tab=users&x=1").header("Location") == "/auth?next=/admin%3Ftab%3Dusers%26x%3D1")
    }

    @Test("Home greets by first name, else username, and lists scopes")
    func home() {
        var pat = harness.browser()
        pat.login("plain")
        let page = pat.get("/")
        #expect(page.status == .ok)
        #expect(page.text.contains("Welcome, Pat!"))
        #expect(page.text.contains("authenticated"))
        var boss = harness.browser()
        boss.login("boss")
        #expect(boss.get("/").text.contains("Welcome, boss!"))
    }

    @Test("admin accepts admin OR super; a plain user gets 403 with permission_failed")
    func adminGuard() {
        var boss = harness.browser()
        boss.login("boss")
        #expect(boss.get("/admin").status == .ok)
        var root = harness.browser()
        root.login("root")
        #expect(root.get("/admin").status == .ok)
        var plain = harness.browser()
        plain.login("plain")
        let denied = plain.get("/admin")
        #expect(denied.status == .forbidden)
        #expect(denied.text.contains("You do not have permission"))
        #expect(!denied.text.contains("permission_failed.html"))
    }

    @Test("super needs super")
    func superGuard() {
        var boss = harness.browser()
        boss.login("boss")
        #expect(boss.get("/super").status == .forbidden)
        var root = harness.browser()
        root.login("root")
        #expect(root.get("/super").status == .ok)
    }

    @Test("/auth while logged in goes home")
    func alreadyLoggedIn() {
        var pat = harness.browser()
        pat.login("plain")
        let answer = pat.get("/auth")
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == "/")
    }

    @Test("Login follows a safe next and ignores a foreign one")
    func nextAfterLogin() {
        var one = harness.browser()
        #expect(one.login("boss", next: "/admin").header("Location") == "/admin")
        var two = harness.browser()
        #expect(two.login("boss", next: "//evil.example/").header("Location") == "/")
    }

    @Test("After login, a next with non-ASCII characters is sent back percent-encoded, existing escapes untouched", arguments: [
        ("/ünï", "/%C3%BCn%C3%AF"), ("/docs/ünï?q=é&r=%2F", "/docs/%C3%BCn%C3%AF?q=%C3%A9&r=%2F"), ("/a b", "/a%20b"),
    ])
    func nonASCIINext(next: String, location: String) {
        var browser = harness.browser()
        let answer = browser.login("boss", next: next)
        #expect(answer.status == .seeOther)
        #expect(answer.header("Location") == location)
        #expect(answer.serialized().allSatisfy { $0 < 0x80 })
    }

    @Test("Unknown user and wrong password: same status, same message")
    func failures() {
        var one = harness.browser()
        let wrong = one.login("plain", "not the password at all")
        var two = harness.browser()
        let unknown = two.login("nobody", "not the password at all")
        #expect(wrong.status == .unauthorized)
        #expect(unknown.status == .unauthorized)
        #expect(wrong.text.contains(LoginPage.failureMessage))
        #expect(unknown.text.contains(LoginPage.failureMessage))
        #expect(one.get("/").status == .seeOther)
    }

    @Test("A login without the CSRF token is refused and creates no session")
    func csrf() throws {
        var browser = harness.browser()
        browser.get("/auth")
        let answer = browser.post("/auth", [("username", "plain"), ("password", "correct horse battery")], csrf: "forged")
        #expect(answer.status == .forbidden)
        #expect(try harness.scalar("SELECT count(*) FROM session") == "0")
    }

    @Test("/auth/check: 204 with identity headers, 401, 403 for a missing scope, never a cookie")
    func check() {
        var anonymous = harness.browser()
        let denied = anonymous.get("/auth/check")
        #expect(denied.status == .unauthorized)
        #expect(denied.cookies.isEmpty)
        #expect(denied.body.isEmpty)

        var boss = harness.browser()
        boss.login("boss")
        let allowed = boss.get("/auth/check")
        #expect(allowed.status == .noContent)
        #expect(allowed.header("X-Auth-User") == "boss")
        #expect(allowed.header("X-Auth-Scope") == "authenticated admin")
        #expect(allowed.header("Remote-User") == "boss")
        #expect(allowed.header("Remote-Groups") == "authenticated,admin")
        #expect(allowed.header("X-Auth-Request-User") == "boss")
        #expect(allowed.header("X-Auth-Request-Groups") == "authenticated,admin")
        #expect(allowed.cookies.isEmpty)
        #expect(allowed.body.isEmpty)
        #expect(boss.get("/auth/check?scope=admin").status == .noContent)
        #expect(boss.get("/auth/check?scope=super").status == .forbidden)
    }

    @Test("/auth/check with several scope parameters needs every one of them")
    func checkEveryScope() throws {
        try harness.addUser("both", scopes: ["admin", "super"])
        var boss = harness.browser()
        boss.login("boss")
        #expect(boss.get("/auth/check?scope=admin&scope=super").status == .forbidden)
        #expect(boss.get("/auth/check?scope=super&scope=admin").status == .forbidden)
        #expect(boss.get("/auth/check?scope=admin&scope=admin").status == .noContent)
        #expect(boss.get("/auth/check?scope=admin&scope=").status == .noContent)

        var both = harness.browser()
        both.login("both")
        let allowed = both.get("/auth/check?scope=admin&scope=super")
        #expect(allowed.status == .noContent)
        #expect(allowed.header("X-Auth-User") == "both")
        #expect(both.get("/auth/check?scope=admin&scope=super&scope=billing").status == .forbidden)
    }

    @Test("/auth/check never has a body or sets a cookie: database down 503, other methods 405, broken query 400; HEAD as GET")
    func checkIsBare() throws {
        var boss = harness.browser()
        boss.login("boss")
        let cookie = try #require(boss.cookie)

        let unreachable = DatabaseConnection(conninfo: "host=127.0.0.1 port=\(TestEnvironment.freePort()) user=gatehouse dbname=gatehouse", timeout: 1)
        for method in ["GET", "HEAD"] {
            let request = Request(method: method, path: "/auth/check", headers: ["host": "127.0.0.1:8080", "cookie": "session=\(cookie)"])
            let down = harness.application.respond(to: request, database: unreachable)
            #expect(down.status == .serviceUnavailable, "\(method)")
            #expect(down.body.isEmpty, "\(method)")
            #expect(down.cookies.isEmpty, "\(method)")
        }

        for method in ["POST", "PUT", "DELETE"] {
            let wrong = boss.send(method, "/auth/check")
            #expect(wrong.status == .methodNotAllowed, "\(method)")
            #expect(wrong.header("Allow")?.contains("GET") == true, "\(method)")
            #expect(wrong.body.isEmpty, "\(method)")
            #expect(wrong.cookies.isEmpty, "\(method)")
        }

        let broken = boss.get("/auth/check?scope=%")
        #expect(broken.status == .badRequest)
        #expect(broken.body.isEmpty)
        #expect(broken.cookies.isEmpty)

        let head = boss.send("HEAD", "/auth/check")
        #expect(head.status == .noContent)
        #expect(head.header("X-Auth-User") == "boss")
        #expect(head.body.isEmpty)
        #expect(head.cookies.isEmpty)
        #expect(boss.send("HEAD", "/auth/check?scope=super").status == .forbidden)
    }

    @Test("A 405's Allow lists HEAD wherever GET is answered", arguments: [
        ("PUT", "/auth", "GET, HEAD, POST"), ("POST", "/", "GET, HEAD"), ("DELETE", "/admin", "GET, HEAD"),
        ("POST", "/auth/check", "GET, HEAD"), ("POST", "/healthz", "GET, HEAD"), ("GET", "/auth/logout", "POST"),
        ("HEAD", "/account/password", "POST"),
    ])
    func allowListsHead(method: String, path: String, allowed: String) {
        var browser = harness.browser()
        let answer = browser.send(method, path)
        #expect(answer.status == .methodNotAllowed)
        #expect(answer.header("Allow") == allowed)
    }

    @Test("Login and logout land in audit_log without secrets")
    func audit() throws {
        var browser = harness.browser()
        browser.login("plain", "wrong password here")
        browser.login("plain")
        browser.post("/auth/logout", [])
        let events = try harness.connection.query("SELECT event, coalesce(username, '') FROM audit_log ORDER BY id").rows
        #expect(events.map { $0[0] ?? "" } == ["login_failure", "login_success", "logout"])
        let everything = try harness.scalar("SELECT string_agg(a::text, ' ') FROM audit_log a") ?? ""
        #expect(!everything.contains("correct horse"))
        #expect(!everything.contains("wrong password"))
    }
}
