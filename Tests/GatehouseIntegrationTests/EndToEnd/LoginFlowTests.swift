import Foundation
@testable import Gatehouse
import Testing

/// The whole sign-in story through real nginx and `gatehouse serve`.
@Suite("End to end: login flow", .serialized)
struct LoginFlowTests {
    @Test("login → home greets by first name → admin 200 for admin, 403 for plain → logout → old cookie anonymous")
    func story() throws {
        let stack = try Stack()
        let store = UserStore(database: stack.database.connect())
        let hasher = PasswordHasher(iterations: 1000)
        try store.add(username: "alice", firstName: "Alice", lastName: "Liddell", scopes: ["admin"], password: hasher.hash("alice password 1"))
        try store.add(username: "bob", firstName: "Bob", lastName: nil, scopes: [], password: hasher.hash("bob password 12"))
        let client = stack.client

        func signIn(_ username: String, _ password: String) throws -> String {
            let form = try client.send("GET", "/auth?next=/")
            let anonymous = try #require(form.cookie("session"))
            let csrf = try #require(hiddenValue("csrf_token", in: form.text))
            let answer = try client.post("/auth", form: [("csrf_token", csrf), ("username", username), ("password", password), ("next", "/")],
                                         headers: ["Cookie": "session=\(anonymous)", "Origin": "http://127.0.0.1:\(stack.port)"])
            #expect(answer.status == 303)
            #expect(answer.header("Location") == "/")
            let session = try #require(answer.cookie("session"))
            #expect(session != anonymous)
            return session
        }

        let alice = try signIn("alice", "alice password 1")
        let home = try client.send("GET", "/", headers: ["Cookie": "session=\(alice)"])
        #expect(home.status == 200)
        #expect(home.text.contains("Welcome, Alice!"))
        #expect(home.header("Cache-Control") == "no-store")
        #expect(try client.send("GET", "/admin", headers: ["Cookie": "session=\(alice)"]).status == 200)

        let bob = try signIn("bob", "bob password 12")
        let denied = try client.send("GET", "/admin", headers: ["Cookie": "session=\(bob)"])
        #expect(denied.status == 403)
        #expect(denied.text.contains("You do not have permission"))

        let check = try client.send("GET", "/auth/check", headers: ["Cookie": "session=\(alice)"])
        #expect(check.status == 204)
        #expect(check.header("X-Auth-User") == "alice")

        let page = try client.send("GET", "/", headers: ["Cookie": "session=\(alice)"])
        let csrf = try #require(hiddenValue("csrf_token", in: page.text))
        let logout = try client.post("/auth/logout", form: [("csrf_token", csrf)], headers: ["Cookie": "session=\(alice)"])
        #expect(logout.status == 303)
        #expect(logout.header("Location") == "/auth")
        #expect(logout.cookie("session") != alice)

        let after = try client.send("GET", "/", headers: ["Cookie": "session=\(alice)"])
        #expect(after.status == 303)
        #expect(after.header("Location") == "/auth?next=/")
        #expect(try client.send("GET", "/auth/check", headers: ["Cookie": "session=\(alice)"]).status == 401)
        #expect(stack.stop() == 0)

        // The audit lines reached stderr, and no password or token did.
        let log = stack.responderLog
        #expect(log.contains("event=login_success"))
        #expect(log.contains("event=logout"))
        for secret in ["alice password 1", "bob password 12", alice, bob] {
            #expect(!log.contains(secret))
        }
    }

    @Test("Through nginx, whose HTTP_HOST carries no port, an Origin naming another port or scheme is refused")
    func originThroughNginx() throws {
        let stack = try Stack()
        try SignIn.addUser("carol", password: "carol password 1", to: stack.database)
        let client = stack.client

        func post(origin: String?) throws -> Int {
            let form = try client.send("GET", "/auth")
            let anonymous = try #require(form.cookie("session"))
            let csrf = try #require(hiddenValue("csrf_token", in: form.text))
            var headers = ["Cookie": "session=\(anonymous)"]
            if let origin { headers["Origin"] = origin }
            return try client.post("/auth", form: [("csrf_token", csrf), ("username", "carol"), ("password", "carol password 1")],
                                   headers: headers).status
        }

        // (`http://127.0.0.1`, port 80, is not among them: behind a HTTP_HOST without a port it
        // cannot be told from a browser that reached this site through a proxy on port 80.)
        for foreign in ["http://127.0.0.1:9999", "http://localhost:\(stack.port)", "https://127.0.0.1:\(stack.port + 1)",
                        "ftp://127.0.0.1:\(stack.port)", ""] {
            #expect(try post(origin: foreign) == 403, "Origin: \(foreign)")
        }
        #expect(try stack.database.connect().query("SELECT count(*) FROM session").scalar() == "0")
        #expect(try post(origin: "http://127.0.0.1:\(stack.port)") == 303)
        #expect(try post(origin: nil) == 303)
    }
}

/// The `value` of the hidden input `name` in an HTML page.
func hiddenValue(_ name: String, in html: String) -> String? {
    guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
    let rest = html[range.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
}
