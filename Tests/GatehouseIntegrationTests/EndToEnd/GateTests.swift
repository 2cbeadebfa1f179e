import Foundation
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
