import Foundation
@testable import Gatehouse
import Testing

/// deploy/nginx.conf's stricter gates through real nginx: /protected/mfa/ (a sign-in with
/// two factors) and /protected/recent/ (a password or factor proved within 10 minutes).
@Suite("End to end: the nginx gate's two-factor and recent-sign-in locations", .serialized)
struct GateStrictTests {
    @Test("mfa: anonymous → sign-in, one factor → 403, two → page; recent: stale → /auth/confirm, fresh → page")
    func strictGates() throws {
        let stack = try Stack()
        try SignIn.addUser("bob", password: "bob password 12", to: stack.database)
        let client = stack.client
        let database = stack.database.connect()

        for path in ["/protected/mfa/", "/protected/recent/"] {
            let anonymous = try client.send("GET", path)
            #expect(anonymous.status == 303, "\(path)")
            #expect(anonymous.header("Location")?.hasSuffix("?next=" + path) == true, "\(path)")
        }
        // The pages themselves are never served unguarded.
        #expect(try client.send("GET", "/static/protected/mfa/index.html").status == 404)

        let (bob, _) = try SignIn.through(client, "bob", "bob password 12")
        let cookie = ["Cookie": "session=\(bob)"]
        #expect(try client.send("GET", "/protected/mfa/", headers: cookie).status == 403)
        let fresh = try client.send("GET", "/protected/recent/", headers: cookie)
        #expect(fresh.status == 200)
        #expect(fresh.text.contains("Recent sign-in area"))
        #expect(fresh.header("X-Auth-User") == "bob")

        let key = try #require(SessionToken(cookieValue: bob)).storageKey
        _ = try database.query("UPDATE session SET authenticated_at = now() - interval '11 minutes' WHERE token = $1", [key])
        OtherInstanceChange.settle()
        let stale = try client.send("GET", "/protected/recent/?a=1", headers: cookie)
        #expect(stale.status == 303)
        #expect(stale.header("Location") == "/auth/confirm?next=/protected/recent/?a=1")
        // A forged X-Original-URL changes nothing on this same-host site.
        let forged = try client.send("GET", "/protected/recent/", headers: ["Cookie": "session=\(bob)", "X-Original-URL": "https://evil.example/"])
        #expect(forged.header("Location") == "/auth/confirm?next=/protected/recent/")

        // A session that proved two factors passes the mfa gate.
        _ = try database.query("UPDATE session SET factors = 2 WHERE token = $1", [key])
        OtherInstanceChange.settle()
        let mfa = try client.send("GET", "/protected/mfa/", headers: cookie)
        #expect(mfa.status == 200)
        #expect(mfa.text.contains("Two-factor area"))
        #expect(mfa.header("X-Auth-User") == "bob")
        #expect(stack.stop() == 0)
    }
}
