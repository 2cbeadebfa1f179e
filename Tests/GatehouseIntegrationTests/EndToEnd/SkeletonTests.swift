import Foundation
import Testing

/// The walking skeleton through real nginx: pages, status codes, cookie, health, shutdown.
@Suite("End to end: skeleton", .serialized)
struct SkeletonTests {
    let stack: Stack

    init() throws {
        stack = try Stack()
    }

    @Test("GET /auth renders the Bulma login page with a fresh session cookie")
    func loginPage() throws {
        let answer = try stack.client.send("GET", "/auth?next=/admin")
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type") == "text/html; charset=utf-8")
        #expect(answer.text.contains("/static/bulma.min.css"))
        #expect(answer.text.contains(#"name="csrf_token""#))
        #expect(answer.text.contains(#"name="next" value="/admin""#))
        let cookie = try #require(answer.headers("Set-Cookie").first)
        let token = try #require(answer.cookie("session"))
        #expect(token.count == 43)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(cookie.hasSuffix("; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax"))
        #expect(answer.header("X-Frame-Options") == "DENY")
        #expect(answer.header("Content-Security-Policy") == "default-src 'self'")
    }

    @Test("A visitor keeps the token they were given")
    func tokenIsKept() throws {
        let first = try #require(try stack.client.send("GET", "/auth").cookie("session"))
        let second = try stack.client.send("GET", "/auth", headers: ["Cookie": "session=\(first)"])
        #expect(second.cookie("session") == first)
        let third = try stack.client.send("GET", "/auth", headers: ["Cookie": "session=not-a-token"])
        #expect(third.cookie("session") != "not-a-token")
        #expect(third.cookie("session")?.count == 43)
    }

    @Test("Bulma's stylesheet is served by nginx")
    func stylesheet() throws {
        let answer = try stack.client.send("GET", "/static/bulma.min.css")
        #expect(answer.status == 200)
        #expect(answer.text.hasPrefix("/*! bulma.io"))
    }

    @Test("Unknown path is a 404 page, wrong method a 405 page")
    func notFoundAndMethod() throws {
        let missing = try stack.client.send("GET", "/no/such/page")
        #expect(missing.status == 404)
        #expect(missing.text.contains("404"))
        #expect(missing.text.contains("bulma.min.css"))
        let put = try stack.client.send("PUT", "/auth", body: Array("x=1".utf8))
        #expect(put.status == 405)
        #expect(put.header("Allow")?.contains("GET") == true)
        #expect(put.text.contains("405"))
    }

    @Test("A form post over 64 KiB is refused with 413")
    func oversizeBody() throws {
        let body = "username=" + String(repeating: "a", count: 100 * 1024)
        let answer = try stack.client.send("POST", "/auth", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8))
        #expect(answer.status == 413)
        #expect(answer.text.contains("413"))
    }

    @Test("/healthz is 200 ok while the database answers")
    func healthy() throws {
        let answer = try stack.client.send("GET", "/healthz")
        #expect(answer.status == 200)
        #expect(answer.text == "ok\n")
        #expect(answer.headers("Set-Cookie").isEmpty)
    }

    @Test("SIGTERM stops an idle responder with status 0 within a second")
    func sigtermWhenIdle() throws {
        _ = try stack.client.send("GET", "/auth")
        stack.stopNginx()
        let started = Date()
        let status = stack.stop()
        #expect(status == 0)
        #expect(Date().timeIntervalSince(started) < 1.0)
    }
}
