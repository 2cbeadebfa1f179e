import Foundation
@testable import Gatehouse
import Testing

/// Domain-wide sign-in through `Application.respond` without PostgreSQL: the `Domain=`
/// cookie, forms only at the sign-in site, the sign-out page apps link to, and `next`
/// carried through the sign-in and sign-up pages.
@Suite("Domain-wide sign-in without a database")
struct DomainSignInTests {
    static let settings = ["PUBLIC_URL": "http://auth.gatehouse.test:8080", "COOKIE_DOMAIN": "gatehouse.test",
                           "REDIRECT_HOSTS": "*.gatehouse.test", "REGISTRATION": "on"]
    static let appURL = "http://app.gatehouse.test:8080/report?from=2024-01-01&to=2024-12-31&sort=desc"

    /// The value of the hidden field `name` in a rendered page (still HTML-escaped).
    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    @Test("With COOKIE_DOMAIN every session cookie carries Domain=, anonymous and signed in alike")
    func domainCookie() throws {
        let pipeline = try Pipeline(Self.settings)
        let token = pipeline.sessions.signIn("ann")
        for (target, session) in [("/auth", nil), ("/", token), ("/nowhere", nil), ("/auth/signout", token)] as [(String, SessionToken?)] {
            let cookie = try #require(pipeline.send("GET", target, session: session).sessionCookie(pipeline))
            #expect(cookie.domain == "gatehouse.test")
            #expect(cookie.headerValue.hasSuffix("; HttpOnly; SameSite=Lax; Domain=gatehouse.test"), "\(target)")
        }
        // Without it the cookie stays host-only.
        #expect(try #require(try Pipeline().send("GET", "/auth").sessionCookie(Pipeline())).domain == nil)
    }

    @Test("A host-only session cookie left from before COOKIE_DOMAIN is expired, so the visitor is not stuck anonymous")
    func staleHostOnlyCookie() throws {
        let pipeline = try Pipeline(Self.settings)
        let token = pipeline.sessions.signIn("ann")
        var request = Request(path: "/auth")
        request.headers["cookie"] = "session=\(SessionToken.generate().text); session=\(token.text)"
        let response = pipeline.application.respond(to: request, database: pipeline.database, sessions: pipeline.sessions)
        let expired = response.cookies.filter { $0.name == "session" && $0.domain == nil }
        #expect(expired.count == 1)
        #expect(expired.first?.maxAge == 0 && expired.first?.value == "")
        #expect(response.cookies.contains { $0.name == "session" && $0.domain == "gatehouse.test" && $0.maxAge > 0 })
        // A single cookie, or no COOKIE_DOMAIN, expires nothing.
        #expect(pipeline.send("GET", "/auth", session: token).cookies.count == 1)
        let plain = try Pipeline()
        #expect(plain.application.respond(to: request, database: plain.database, sessions: plain.sessions).cookies.count == 1)
    }

    @Test("Forms are taken only at PUBLIC_URL's origin: another app's Host or Origin gets 403")
    func formsOnlyAtSignInSite() throws {
        let pipeline = try Pipeline(Self.settings)
        let visitor = SessionToken.generate()
        let fields = [("csrf_token", pipeline.csrfToken(for: visitor)), ("username", "not a name!"), ("password", "x")]
        // Past the defences, this form is refused for its username (400): a 403 is the defence.
        #expect(pipeline.post("/auth", session: visitor, fields, headers: ["host": "auth.gatehouse.test:8080"]).status == .badRequest)
        let wrongHost = pipeline.post("/auth", session: visitor, fields, headers: ["host": "app.gatehouse.test:8080"])
        #expect(wrongHost.status == .forbidden)
        #expect(wrongHost.text.contains("only at the sign-in site"))
        #expect(pipeline.post("/auth", session: visitor, fields, headers: ["host": "auth.gatehouse.test:9090"]).status == .forbidden)
        let sibling = pipeline.post("/auth", session: visitor, fields,
                                    headers: ["host": "auth.gatehouse.test:8080", "origin": "http://app.gatehouse.test:8080"])
        #expect(sibling.status == .forbidden)
        // Without COOKIE_DOMAIN the host is not checked (one site, many names).
        let plain = try Pipeline()
        let plainFields = [("csrf_token", plain.csrfToken(for: visitor)), ("username", "not a name!"), ("password", "x")]
        #expect(plain.post("/auth", session: visitor, plainFields, headers: ["host": "app.gatehouse.test"]).status == .badRequest)
    }

    @Test("GET /auth/signout: a signed-in visitor gets a CSRF-protected button carrying next; others go to sign in")
    func signOutPage() throws {
        let pipeline = try Pipeline(Self.settings)
        let token = pipeline.sessions.signIn("ann")
        let page = pipeline.send("GET", "/auth/signout?next=" + PercentEncoding.queryValue(Self.appURL), session: token)
        #expect(page.status == .ok)
        #expect(page.text.contains(#"<form method="post" action="/auth/logout">"#))
        #expect(page.text.contains("Sign out of every app"))
        #expect(Self.hidden("csrf_token", in: page.text) == pipeline.csrfToken(for: token))
        #expect(Self.hidden("next", in: page.text) == Self.appURL.replacingOccurrences(of: "&", with: "&amp;"))
        #expect(page.header("Cache-Control") == "no-store")
        let hostile = pipeline.send("GET", "/auth/signout?next=https%3A%2F%2Fevil.example%2F", session: token)
        #expect(Self.hidden("next", in: hostile.text) == "/")

        let anonymous = pipeline.send("GET", "/auth/signout?next=" + PercentEncoding.queryValue(Self.appURL))
        #expect(anonymous.status == .seeOther)
        #expect(anonymous.location == "/auth?next=" + PercentEncoding.queryValue(Self.appURL))
        #expect(pipeline.send("GET", "/auth/signout").location == "/auth")
        // The POST stays the only way out: a GET of /auth/logout (a link, an <img>) signs nobody out.
        #expect(pipeline.send("GET", "/auth/logout", session: token).status == .methodNotAllowed)
        #expect(pipeline.send("GET", "/auth/signout?next=https%3A%2F%2Fevil.example%2F").location == "/auth")
    }

    @Test("The sign-in and sign-up pages carry an allowed absolute next, and drop a foreign one")
    func nextCarried() throws {
        let pipeline = try Pipeline(Self.settings)
        let login = pipeline.send("GET", "/auth?next=" + PercentEncoding.queryValue(Self.appURL))
        #expect(Self.hidden("next", in: login.text) == Self.appURL.replacingOccurrences(of: "&", with: "&amp;"))
        #expect(login.text.contains(#"href="/auth/register?next=\#(PercentEncoding.queryValue(Self.appURL))""#))
        let register = pipeline.send("GET", "/auth/register?next=" + PercentEncoding.queryValue(Self.appURL))
        #expect(Self.hidden("next", in: register.text) == Self.appURL.replacingOccurrences(of: "&", with: "&amp;"))
        for foreign in ["https://evil.example/", "http://gatehouse.test.evil.example/", "javascript:alert(1)"] {
            let page = pipeline.send("GET", "/auth?next=" + PercentEncoding.queryValue(foreign))
            #expect(Self.hidden("next", in: page.text) == "/", "\(foreign)")
            #expect(page.text.contains(#"href="/auth/register""#))
        }
    }
}
