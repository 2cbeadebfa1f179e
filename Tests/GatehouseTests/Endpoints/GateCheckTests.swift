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
}
