import Foundation
@testable import Gatehouse
import Testing

/// deploy/nginx.conf's gate: `auth_request` against Gatehouse guarding /protected/ (any
/// signed-in user) and /protected/admin/ (scope admin), through real nginx.
@Suite("End to end: the nginx gate", .serialized)
struct GateTests {
    @Test("anonymous → sign-in page and back; plain user → /protected/ only; admin → both")
    func gate() throws {
        let stack = try Stack()
        try SignIn.addUser("bob", password: "bob password 12", to: stack.database)
        try SignIn.addUser("alice", password: "alice password 1", scopes: ["admin"], to: stack.database)
        let client = stack.client

        for path in ["/protected/", "/protected/admin/", "/protected/index.html"] {
            let anonymous = try client.send("GET", path)
            #expect(anonymous.status == 303, "\(path)")
            #expect(anonymous.header("Location") == "/auth?next=" + path)
            #expect(anonymous.cookie("session") == nil)
        }
        let forged = try client.send("GET", "/protected/", headers: ["Cookie": "session=" + String(repeating: "A", count: 43)])
        #expect(forged.status == 303)

        // The login page carries `next`; signing in there comes back to the guarded page.
        let away = try client.send("GET", "/protected/?from=mail")
        #expect(away.header("Location") == "/auth?next=/protected/?from=mail")
        let (bob, signedIn) = try SignIn.through(client, "bob", "bob password 12", next: "/protected/?from=mail")
        #expect(signedIn.header("Location") == "/protected/?from=mail")

        let page = try client.send("GET", "/protected/", headers: ["Cookie": "session=\(bob)"])
        #expect(page.status == 200)
        #expect(page.text.contains("Protected page"))
        #expect(page.text.contains("/static/bulma.min.css"))
        #expect(page.header("X-Auth-User") == "bob")
        #expect(page.header("Cache-Control") == "private, no-store")
        #expect(page.cookie("session") == nil)
        #expect(try client.send("GET", "/protected/admin/", headers: ["Cookie": "session=\(bob)"]).status == 403)
        // The check is always a bodiless GET, whatever the guarded request was.
        #expect(try client.send("HEAD", "/protected/", headers: ["Cookie": "session=\(bob)"]).status == 200)
        let posted = try client.post("/protected/", form: [("a", String(repeating: "b", count: 100_000))])
        #expect(posted.status == 303)
        #expect(posted.header("Location") == "/auth?next=/protected/")

        let (alice, _) = try SignIn.through(client, "alice", "alice password 1")
        let admin = try client.send("GET", "/protected/admin/", headers: ["Cookie": "session=\(alice)"])
        #expect(admin.status == 200)
        #expect(admin.text.contains("Protected admin area"))
        #expect(admin.header("X-Auth-User") == "alice")
        #expect(try client.send("GET", "/protected/", headers: ["Cookie": "session=\(alice)"]).status == 200)
        #expect(stack.stop() == 0)
    }

    /// Each identity header an app behind the gate might trust, and the `/auth/check` header
    /// its value must come from (the same name where Gatehouse sends that name).
    static let identityHeaders: [(name: String, source: String)] = [
        ("X-Auth-User", "X-Auth-User"), ("X-Auth-Scope", "X-Auth-Scope"), ("X-Auth-Email", "X-Auth-Email"),
        ("Remote-User", "Remote-User"), ("Remote-Groups", "Remote-Groups"), ("Remote-Email", "Remote-Email"), ("Remote-Name", "Remote-Name"),
        ("X-Auth-Request-User", "X-Auth-Request-User"), ("X-Auth-Request-Groups", "X-Auth-Request-Groups"),
        ("X-Auth-Request-Email", "X-Auth-Request-Email"), ("X-Auth-Request-Preferred-Username", "X-Auth-User"),
        ("X-Forwarded-User", "X-Auth-User"), ("X-Forwarded-Groups", "Remote-Groups"), ("X-Forwarded-Email", "X-Auth-Email"),
        ("X-Forwarded-Preferred-Username", "X-Auth-User"), ("X-Webauth-User", "X-Auth-User"),
    ]

    /// Every identity header with a forged value, some twice in other spellings.
    static let forged: [String: String] = {
        var headers: [String: String] = [:]
        for (name, _) in identityHeaders { headers[name] = name.hasSuffix("Groups") || name.hasSuffix("Scope") ? "forged-admin,super" : "forged-alice" }
        headers["remote-groups"] = "forged-admin"
        headers["X-AUTH-USER"] = "forged-alice"
        headers["X-Auth-Email"] = "forged@evil.example"
        return headers
    }()

    /// Checks that an app saw exactly the gate's identity headers for `session` and none of
    /// the forged ones; `environment` for a FastCGI app (`HTTP_*` names).
    static func expectGateValues(_ seen: [(name: String, value: String)], session: String, stack: Stack, environment: Bool = false) throws {
        let check = try stack.client.send("GET", "/auth/check", headers: ["Cookie": "session=\(session)"])
        #expect(check.status == 204)
        for (name, source) in identityHeaders {
            let key = environment ? "HTTP_" + name.uppercased().replacingOccurrences(of: "-", with: "_") : name
            let values = seen.filter { $0.name.lowercased() == key.lowercased() }.map(\.value)
            let expected = check.header(source).map { [$0] } ?? []
            #expect(values == expected, "\(key)")
        }
        let leaked = seen.filter { $0.value.lowercased().contains("forged") }
        #expect(leaked.isEmpty, "\(leaked)")
    }

    @Test("Guarded apps, proxied and FastCGI, see only the gate's identity headers, never a client's forged Remote-Groups and kin")
    func identityHeadersCannotBeForged() throws {
        let apps = try EchoApps()
        let stack = try Stack(nginxLocations: apps.locations)
        try SignIn.addUser("bob", password: "bob password 12", to: stack.database)
        try SignIn.addUser("alice", password: "alice password 1", scopes: ["admin"], to: stack.database)
        try UserStore(database: stack.database.connect()).setConfirmedEmail(username: "alice", "alice@example.test")
        let client = stack.client

        // Anonymous, however forged: sent to sign in, and no app hears of it.
        for path in ["/app/", "/app/admin/", "/fcgi-app/"] {
            let anonymous = try client.send("GET", path, headers: GateTests.forged)
            #expect(anonymous.status == 303, "\(path)")
            #expect(anonymous.header("Location") == "/auth?next=" + path)
        }
        #expect(apps.hits.isEmpty)

        // A signed-in non-admin claiming admin: the app sees bob and bob's groups only.
        let (bob, _) = try SignIn.through(client, "bob", "bob password 12")
        let cookie = GateTests.forged.merging(["Cookie": "session=\(bob)"]) { $1 }
        let proxied = try client.send("GET", "/app/", headers: cookie)
        #expect(proxied.status == 200, "\(proxied.text)")
        let proxiedHeaders = try EchoApps.headers(proxied)
        #expect(proxiedHeaders.first { $0.name == "Remote-Groups" }?.value == "authenticated")
        try GateTests.expectGateValues(proxiedHeaders, session: bob, stack: stack)
        let fastCGI = try client.send("GET", "/fcgi-app/", headers: cookie)
        #expect(fastCGI.status == 200, "\(fastCGI.text)")
        let fastCGIHeaders = try EchoApps.headers(fastCGI)
        #expect(fastCGIHeaders.first { $0.name == "HTTP_REMOTE_GROUPS" }?.value == "authenticated")
        try GateTests.expectGateValues(fastCGIHeaders, session: bob, stack: stack, environment: true)
        #expect(try client.send("GET", "/app/admin/", headers: cookie).status == 403)
        #expect(apps.hits == ["/app/", "/fcgi-app/"])

        // An admin gets her own groups through, still not the forged ones.
        let (alice, _) = try SignIn.through(client, "alice", "alice password 1")
        let admin = try client.send("GET", "/app/admin/", headers: GateTests.forged.merging(["Cookie": "session=\(alice)"]) { $1 })
        #expect(admin.status == 200)
        let adminHeaders = try EchoApps.headers(admin)
        #expect(adminHeaders.first { $0.name == "Remote-Groups" }?.value == "authenticated,admin")
        #expect(adminHeaders.first { $0.name == "Remote-Email" }?.value == "alice@example.test")
        try GateTests.expectGateValues(adminHeaders, session: alice, stack: stack)
        #expect(stack.stop() == 0)
    }

    @Test("the protected files are not reachable through /static/, and the check is internal")
    func noBypass() throws {
        let stack = try Stack()
        try SignIn.addUser("alice", password: "alice password 1", scopes: ["admin"], to: stack.database)
        let (alice, _) = try SignIn.through(stack.client, "alice", "alice password 1")
        let paths = [
            "/static/protected/index.html", "/static/protected/admin/index.html", "/static/protected/",
            "/static//protected/index.html", "/static/%70rotected/index.html", "/static/./protected/index.html",
            "/static/x/../protected/index.html", "/protected/../static/protected/index.html",
        ]
        for path in paths {
            for cookie in [[:], ["Cookie": "session=\(alice)"]] {
                let answer = try stack.client.send("GET", path, headers: cookie)
                #expect(answer.status == 404, "\(path)")
                #expect(!answer.text.contains("Protected"), "\(path)")
            }
        }
        for path in ["/_gatehouse/check", "/_gatehouse/check/admin"] {
            #expect(try stack.client.send("GET", path, headers: ["Cookie": "session=\(alice)"]).status == 404, "\(path)")
        }
        // The Gatehouse stylesheet next to them is still served.
        #expect(try stack.client.send("GET", "/static/gatehouse.css").status == 200)
    }
}
