@testable import Gatehouse
import Testing

/// The session cookie on answers through `Application.respond` without PostgreSQL: on every
/// browser answer with SPEC.md's attributes, on no machine endpoint's.
@Suite("Session cookie without a database")
struct SessionCookieTests {
    /// Browser answers of every kind: page, sign-in form, guard redirect, 403, 404, 405,
    /// 503, and a refused form.
    static let browserRequests: [(method: String, target: String)] = [
        ("GET", "/"), ("GET", "/auth"), ("GET", "/account?x=1"), ("GET", "/super"), ("GET", "/nowhere"),
        ("DELETE", "/auth"), ("GET", "/admin"), ("POST", "/auth/logout"), ("HEAD", "/"),
    ]

    @Test("Every browser answer carries session=<token>; Path=/; Max-Age; HttpOnly; SameSite=Lax", arguments: browserRequests)
    func browserRoutes(method: String, target: String) throws {
        let pipeline = try Pipeline(["SESSION_MAX_AGE": "7200"])
        let token = pipeline.sessions.signIn("adam", scopes: ["admin"])
        for session in [token, nil] {
            let response = pipeline.send(method, target, session: session)
            #expect(response.cookies.count == 1)
            let cookie = try #require(response.sessionCookie(pipeline))
            // The signed-in visitor keeps their token; an anonymous one gets a fresh token.
            if let session { #expect(cookie.value == session.text) } else { #expect(SessionToken(cookieValue: cookie.value) != nil) }
            #expect(cookie.headerValue == "session=\(cookie.value); Path=/; Max-Age=7200; HttpOnly; SameSite=Lax")
        }
    }

    @Test("Secure is added per COOKIE_SECURE: true, false, or auto when the request came over HTTPS")
    func secure() throws {
        for (setting, https, secure) in [("true", false, true), ("false", true, false), ("auto", true, true), ("auto", false, false)] {
            let pipeline = try Pipeline(["COOKIE_SECURE": setting])
            let request = Request(path: "/auth", isHTTPS: https)
            let response = pipeline.application.respond(to: request, database: pipeline.database, sessions: pipeline.sessions)
            let cookie = try #require(response.sessionCookie(pipeline))
            #expect(cookie.headerValue.hasSuffix("; SameSite=Lax; Secure") == secure, "COOKIE_SECURE=\(setting), HTTPS \(https)")
        }
    }

    @Test("Machine endpoints set no cookie, whatever they answer")
    func machineRoutes() throws {
        let pipeline = try Pipeline()
        let token = pipeline.sessions.signIn("ann")
        let answers = [
            pipeline.send("GET", "/auth/check", session: token),  // 204
            pipeline.send("GET", "/auth/check"),  // 401
            pipeline.send("GET", "/auth/check?scope=admin", session: token),  // 403
            pipeline.send("POST", "/auth/check", session: token),  // 405
            pipeline.send("GET", "/auth/check?x=%ZZ", session: token),  // 400
            pipeline.send("GET", "/healthz"),  // 503: no database here
            pipeline.send("GET", "/metrics", session: token),  // 200: loopback is in METRICS_ALLOW
        ]
        #expect(answers.map(\.status.code) == [204, 401, 403, 405, 400, 503, 200])
        for answer in answers {
            #expect(answer.cookies.isEmpty, "\(answer.status.code)")
            #expect(!String(decoding: answer.serialized(), as: UTF8.self).contains("Set-Cookie"))
        }
    }
}
