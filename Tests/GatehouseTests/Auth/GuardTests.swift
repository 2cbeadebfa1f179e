@testable import Gatehouse
import Testing

/// The guards through `Application.respond` without PostgreSQL: a 303 to the sign-in page
/// with `next` for visitors, a 403 page for users without the scope, a 303 home for
/// signed-in users on the sign-in pages.
@Suite("Guards without a database")
struct GuardTests {
    /// Guarded addresses as a browser sends them, and the `Location` the guard must answer:
    /// the whole path and query as one percent-encoded `next` value (`/` may stay as it is
    /// in a query value).
    static let guardedTargets: [(target: String, location: String)] = [
        ("/", "/auth?next=/"),
        ("/account?q=a%20b&x=1", "/auth?next=/account%3Fq%3Da%2520b%26x%3D1"),
        ("/account?q=a b", "/auth?next=/account%3Fq%3Da%20b"),
        ("/admin?next=//evil.example", "/auth?next=/admin%3Fnext%3D//evil.example"),
        ("/admin?x=1&next=https://evil.example/", "/auth?next=/admin%3Fx%3D1%26next%3Dhttps%3A//evil.example/"),
        ("/super?name=Zoë+Ünal&tab=2", "/auth?next=/super%3Fname%3DZo%C3%AB%2B%C3%9Cnal%26tab%3D2"),
        ("/account?%23top", "/auth?next=/account%3F%2523top"),
    ]

    @Test("A guarded page without a session is a 303 to /auth whose next is exactly the path and query",
          arguments: guardedTargets)
    func notLoggedIn(target: String, location: String) throws {
        let pipeline = try Pipeline()
        let unknown = SessionToken.generate()  // well-formed, but no session behind it
        for response in [pipeline.send("GET", target), pipeline.send("GET", target, session: unknown),
                         pipeline.send("HEAD", target, headers: ["cookie": "session=forged"])] {
            #expect(response.status == .seeOther)
            let sent = try #require(response.location)
            #expect(sent == location)
            // Nothing in it a browser would read as another parameter, a fragment or a space.
            #expect(sent.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") })
            let query = try #require(sent.split(separator: "?", maxSplits: 1).last)
            let fields = try #require(FormFields(urlEncoded: Array(query.utf8)))
            #expect(fields.pairs.count == 1)
            #expect(fields["next"] == target)
            // The sign-in page will take the visitor back to exactly that local address.
            #expect(SafeRedirect.target(fields["next"]) == target)
        }
    }

    @Test("Signed in without the scope: 403 with the permission_failed page naming it")
    func missingScope() throws {
        let pipeline = try Pipeline()
        let reader = pipeline.sessions.signIn("ann", scopes: ["authenticated", "reader"])
        let admin = pipeline.sessions.signIn("adam", scopes: ["admin"])
        for (target, token, required) in [("/admin", reader, "admin"), ("/admin?page=2", reader, "admin"), ("/super", admin, "super")] {
            let response = pipeline.send("GET", target, session: token)
            #expect(response.status == .forbidden)
            #expect(response.location == nil)
            #expect(response.text.contains("You do not have permission to see this page"))
            #expect(response.text.contains("<span class=\"tag is-warning is-light\">\(required)</span>"))
            #expect(response.text.contains("href=\"/account\">Your account</a>"))
        }
        // A form of the admin page, sent by a non-admin with a valid token: refused alike.
        let change = pipeline.post("/admin/users/scope", session: reader,
                                   [("csrf_token", pipeline.csrfToken(for: reader)), ("username", "ann"),
                                    ("scope", "admin"), ("action", "add")])
        #expect(change.status == .forbidden)
        #expect(change.text.contains("You do not have permission to see this page"))
        #expect(pipeline.databaseErrors == 0)
    }

    @Test("Scope admin or super passes the /admin guard (and goes on to the database); super opens /super")
    func scopePasses() throws {
        let pipeline = try Pipeline()
        for scopes in [["admin"], ["super"], ["authenticated", "admin"]] {
            let token = pipeline.sessions.signIn("adam", scopes: scopes)
            let response = pipeline.send("GET", "/admin", session: token)
            // Past the guard the page lists users: the database this pipeline has not got.
            #expect(response.status == .serviceUnavailable)
            #expect(!response.text.contains("You do not have permission"))
        }
        #expect(pipeline.databaseErrors == 3)
        let root = pipeline.sessions.signIn("root", scopes: ["super"])
        let page = pipeline.send("GET", "/super", session: root)
        #expect(page.status == .ok)
        #expect(page.text.contains("Signed in as&nbsp;<strong>root</strong>"))
    }

    @Test("The sign-in and registration pages send a signed-in user home")
    func alreadyLoggedIn() throws {
        let pipeline = try Pipeline(["REGISTRATION": "on"])
        let token = pipeline.sessions.signIn("ann")
        for target in ["/auth", "/auth?next=/account", "/auth/register"] {
            let response = pipeline.send("GET", target, session: token)
            #expect(response.status == .seeOther)
            #expect(response.location == "/")
        }
        // Without a session both show their forms.
        let form = pipeline.send("GET", "/auth?next=/account")
        #expect(form.status == .ok)
        #expect(form.text.contains("name=\"next\" value=\"/account\""))
        #expect(pipeline.send("GET", "/auth/register").status == .ok)
    }
}
