@testable import Gatehouse
import Testing

/// `GET /auth/check`, nginx's `auth_request` target, through `Application.respond` without
/// PostgreSQL: 204 with identity headers, 401, 403 for a `?scope=` the user lacks.
@Suite("Gate check without a database")
struct GateCheckTests {
    @Test("A signed-in user gets 204, the identity headers, no body and no-store")
    func signedIn() throws {
        let pipeline = try Pipeline()
        let token = pipeline.sessions.signIn("ann", scopes: ["authenticated", "reader", "ops.team"])
        let response = pipeline.send("GET", "/auth/check", session: token)
        #expect(response.status == .noContent)
        #expect(response.body.isEmpty)
        #expect(response.header("X-Auth-User") == "ann")
        #expect(response.header("X-Auth-Scope") == "authenticated reader ops.team")
        #expect(response.header("Remote-User") == "ann")
        #expect(response.header("Remote-Groups") == "authenticated,reader,ops.team")
        #expect(response.header("X-Auth-Request-User") == "ann")
        #expect(response.header("X-Auth-Request-Groups") == "authenticated,reader,ops.team")
        #expect(response.header("Cache-Control") == "no-store")
    }

    @Test("No valid session is a bare 401 without identity headers")
    func notSignedIn() throws {
        let pipeline = try Pipeline()
        let cookies = [nil, "session=" + SessionToken.generate().text, "session=short", "session=; other=1",
                       "session=\(pipeline.sessions.signIn("ann").text)x"]
        for cookie in cookies {
            let response = pipeline.send("GET", "/auth/check", headers: cookie.map { ["cookie": $0] } ?? [:])
            #expect(response.status == .unauthorized, "\(cookie ?? "no cookie")")
            #expect(response.body.isEmpty)
            #expect(response.header("X-Auth-User") == nil)
            #expect(response.header("Remote-User") == nil)
        }
    }

    @Test("Every ?scope= given must be held: else a bare 403; an empty one asks nothing")
    func scopes() throws {
        let pipeline = try Pipeline()
        let token = pipeline.sessions.signIn("ann", scopes: ["authenticated", "reader"])
        let expected: [(query: String, status: Int)] = [
            ("scope=reader", 204), ("scope=", 204), ("scope=reader&scope=authenticated", 204),
            ("scope=admin", 403), ("scope=reader&scope=admin", 403), ("scope=admin&scope=reader", 403),
            ("scope=READER", 403), ("scope=read", 403), ("scope=reader%20", 403),
        ]
        for (query, status) in expected {
            let response = pipeline.send("GET", "/auth/check?" + query, session: token)
            #expect(response.status.code == status, "?\(query)")
            #expect(response.body.isEmpty)
            #expect((response.header("X-Auth-User") == "ann") == (status == 204), "?\(query)")
        }
        // Without a session the answer is 401 whatever scope is asked for.
        #expect(pipeline.send("GET", "/auth/check?scope=admin").status == .unauthorized)
    }

    @Test("?mfa=1 needs a sign-in of two factors (a typo such as mfa=yes asks too); mfa=0 or empty asks nothing")
    func mfa() throws {
        let pipeline = try Pipeline()
        let one = pipeline.sessions.signIn("ann")
        let two = pipeline.sessions.signIn("bea", factors: 2)
        for (query, withOne, withTwo) in [("mfa=1", 403, 204), ("mfa=yes", 403, 204), ("mfa=0", 204, 204), ("mfa=", 204, 204),
                                          ("mfa=1&scope=admin", 403, 403), ("", 204, 204)] {
            #expect(pipeline.send("GET", "/auth/check?" + query, session: one).status.code == withOne, "?\(query)")
            #expect(pipeline.send("GET", "/auth/check?" + query, session: two).status.code == withTwo, "?\(query)")
        }
        #expect(pipeline.send("GET", "/auth/check?mfa=1").status == .unauthorized)
    }

    @Test("?max_age=S: 401 once the last password or factor is older than S seconds; malformed S is 400")
    func maxAge() throws {
        let pipeline = try Pipeline()
        let fresh = pipeline.sessions.signIn("ann", authenticatedAgo: 10)
        let old = pipeline.sessions.signIn("bea", factors: 2, authenticatedAgo: 4000)
        for (query, forFresh, forOld) in [("max_age=600", 204, 401), ("max_age=10", 204, 401), ("max_age=9", 401, 401),
                                          ("max_age=5000", 204, 204), ("max_age=5000&mfa=1", 403, 204), ("max_age=0", 401, 401)] {
            #expect(pipeline.send("GET", "/auth/check?" + query, session: fresh).status.code == forFresh, "?\(query)")
            #expect(pipeline.send("GET", "/auth/check?" + query, session: old).status.code == forOld, "?\(query)")
        }
        for bad in ["max_age=", "max_age=x", "max_age=-1", "max_age=%2B5", "max_age=1.5", "max_age=12345678901", "max_age=%EF%BC%91"] {
            let response = pipeline.send("GET", "/auth/check?" + bad, session: fresh)
            #expect(response.status == .badRequest, "?\(bad)")
            #expect(response.header("X-Auth-User") == nil)
        }
    }

    @Test("Remote-Name: first and last name, else the username; control characters cannot end the header")
    func remoteName() throws {
        let pipeline = try Pipeline()
        let cases: [(first: String?, last: String?, expected: String)] = [
            ("Ann", "Lee", "Ann Lee"), ("Ann", nil, "Ann"), (nil, "Lee", "Lee"), (nil, nil, "ann"), ("", "", "ann"),
            ("Ann\r\nX-Auth-User: root", nil, "Ann  X-Auth-User: root"), ("Zoë", "Ünal", "Zoë Ünal"),
        ]
        for (first, last, expected) in cases {
            let token = pipeline.sessions.signIn("ann", firstName: first, lastName: last)
            let response = pipeline.send("GET", "/auth/check", session: token)
            #expect(response.header("Remote-Name") == expected)
            #expect(response.headers.filter { $0.0 == "X-Auth-User" }.count == 1)
        }
    }
}
