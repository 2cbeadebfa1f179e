@testable import Gatehouse
import Testing

/// What the router answers by itself — 404, 405 with `Allow`, HEAD — driven through
/// `Application.respond` without PostgreSQL.
@Suite("Routing without a database")
struct RouterTests {
    @Test("An unknown path answers the 404 page, still showing who is signed in")
    func unknownPath() throws {
        let pipeline = try Pipeline()
        let anonymous = pipeline.send("GET", "/nowhere")
        #expect(anonymous.status == .notFound)
        #expect(anonymous.isHTML)
        #expect(anonymous.text.contains("There is no page at this address."))
        #expect(anonymous.text.contains("href=\"/auth\">Sign in</a>"))
        #expect(anonymous.header("Content-Security-Policy") == "default-src 'self'")

        let token = pipeline.sessions.signIn("ann")
        let signedIn = pipeline.send("GET", "/nowhere?x=1", session: token)
        #expect(signedIn.status == .notFound)
        #expect(signedIn.text.contains("Signed in as&nbsp;<strong>ann</strong>"))
        // A path that only differs from a route by a trailing slash or case is another path.
        #expect(pipeline.send("GET", "/account/", session: token).status == .notFound)
        #expect(pipeline.send("GET", "/ADMIN", session: token).status == .notFound)
        #expect(pipeline.databaseErrors == 0)
    }

    /// Paths, a method they do not take, and the `Allow` header expected.
    static let wrongMethods: [(method: String, path: String, allow: String)] = [
        ("DELETE", "/auth", "GET, HEAD, POST"),
        ("POST", "/", "GET, HEAD"),
        ("PUT", "/admin", "GET, HEAD"),
        ("GET", "/auth/logout", "POST"),
        ("HEAD", "/account/password", "POST"),
        ("POST", "/auth/check", "GET, HEAD"),
    ]

    @Test("A wrong method answers 405 with Allow, listing HEAD wherever GET is answered", arguments: wrongMethods)
    func wrongMethod(method: String, path: String, allow: String) throws {
        let pipeline = try Pipeline()
        let response = pipeline.send(method, path, session: pipeline.sessions.signIn("ann", scopes: ["admin"]))
        #expect(response.status == .methodNotAllowed)
        #expect(response.header("Allow") == allow)
        if path == "/auth/check" {
            // A machine endpoint: the bare status, no page for nginx's auth_request.
            #expect(response.body.isEmpty)
        } else {
            #expect(response.isHTML)
            if method != "HEAD" { #expect(response.text.contains("This page does not accept \(method).")) }
        }
    }

    @Test("HEAD is answered by the GET handler: its status and headers, no body", arguments: ["/", "/super", "/nowhere", "/account"])
    func head(path: String) throws {
        let pipeline = try Pipeline()
        // Signed in, so both answers carry the same session token (/account then needs the
        // database: a 503 page).
        let token = pipeline.sessions.signIn("root", scopes: ["super"])
        let get = pipeline.send("GET", path, session: token)
        let head = pipeline.send("HEAD", path, session: token)
        #expect(!get.body.isEmpty)
        #expect(head.body.isEmpty)
        #expect(head.status == get.status)
        #expect(head.headers.map { "\($0.name): \($0.value)" } == get.headers.map { "\($0.name): \($0.value)" })
        #expect(head.hasSecurityHeaders == get.hasSecurityHeaders)
        #expect(head.cookies == get.cookies)
    }

    @Test("HEAD /auth/check answers like GET: 204 and the identity headers")
    func headCheck() throws {
        let pipeline = try Pipeline()
        let token = pipeline.sessions.signIn("ann", scopes: ["reader"])
        let head = pipeline.send("HEAD", "/auth/check", session: token)
        #expect(head.status == .noContent)
        #expect(head.header("X-Auth-User") == "ann")
        #expect(head.body.isEmpty && head.cookies.isEmpty)
    }

    @Test("The session is looked up once per request, and never for a malformed cookie")
    func oneLookup() throws {
        let pipeline = try Pipeline()
        let token = pipeline.sessions.signIn("ann", scopes: ["admin"])
        // The guard, the page's navbar and the 404 page all ask; the store is asked once.
        #expect(pipeline.send("GET", "/", session: token).status == .ok)
        #expect(pipeline.sessions.lookups == [token])
        #expect(pipeline.send("GET", "/nowhere", session: token).status == .notFound)
        #expect(pipeline.sessions.lookups == [token, token])
        // /account's guard and its "this session" mark both ask before its own statements.
        #expect(pipeline.send("GET", "/account", session: token).status == .serviceUnavailable)
        #expect(pipeline.sessions.lookups == [token, token, token])
        let malformed = pipeline.send("GET", "/", headers: ["cookie": "session=not-a-token"])
        #expect(malformed.status == .seeOther)
        #expect(pipeline.sessions.lookups.count == 3)
    }

    @Test("A path ending in /* matches one non-empty last segment, and only that")
    func tokenSegment() {
        var router = Router()
        router.add("GET", "/auth/reset/*") { _ in Response(status: .ok) }
        router.add("POST", "/auth/reset/*") { _ in Response(status: .ok) }
        guard case .found(_, let pattern) = router.match(method: "GET", path: "/auth/reset/abc_DEF-123") else {
            Issue.record("a token path did not match")
            return
        }
        #expect(pattern == "/auth/reset/*")
        for path in ["/auth/reset/", "/auth/reset", "/auth/reset/a/b", "/auth/resetx/a", "/*"] {
            guard case .notFound = router.match(method: "GET", path: path) else {
                Issue.record("\(path) matched")
                continue
            }
        }
        guard case .methodNotAllowed(let allowed, _) = router.match(method: "PUT", path: "/auth/reset/t") else {
            Issue.record("PUT was not refused")
            return
        }
        #expect(allowed == ["GET", "HEAD", "POST"])
    }
}
