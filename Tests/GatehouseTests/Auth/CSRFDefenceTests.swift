@testable import Gatehouse
import Testing

/// Every form's CSRF defences through `Application.respond` without PostgreSQL: the
/// `csrf_token` bound to the session token, and the `Origin` check.
///
/// The forms are filled so that, past the defences, each would reach the database (503
/// here) or refuse its input (400): a 403 can only come from the defence under test.
@Suite("CSRF defences without a database")
struct CSRFDefenceTests {
    /// A form: where it posts, whether it is sent signed in (as an admin), and its fields.
    struct Form: Sendable, CustomTestStringConvertible {
        let path: String
        let signedIn: Bool
        let fields: [(String, String)]
        var testDescription: String { "POST " + path }
    }

    static let forms: [Form] = [
        Form(path: "/auth", signedIn: false, fields: [("username", "not a name!"), ("password", "secret")]),
        Form(path: "/auth/logout", signedIn: true, fields: []),
        Form(path: "/auth/register", signedIn: false, fields: [("username", "not a name!"), ("password", "x"), ("password2", "x")]),
        Form(path: "/account/password", signedIn: true,
             fields: [("current_password", "old"), ("new_password", "a new long passphrase"), ("new_password2", "a new long passphrase")]),
        Form(path: "/account/sessions/revoke", signedIn: true, fields: [("session_id", "7")]),
        Form(path: "/account/sessions/revoke-others", signedIn: true, fields: []),
        Form(path: "/admin/users/scope", signedIn: true, fields: [("username", "ann"), ("scope", "super"), ("action", "add")]),
        Form(path: "/admin/users/revoke", signedIn: true, fields: [("username", "ann")]),
    ]

    /// A pipeline with registration on, the visitor's token for `form` (a super user's
    /// session, or an anonymous token), and a second live session.
    static func setUp(_ form: Form) throws -> (Pipeline, visitor: SessionToken, other: SessionToken) {
        let pipeline = try Pipeline(["REGISTRATION": "on"])
        let visitor = form.signedIn ? pipeline.sessions.signIn("root", scopes: ["super"]) : SessionToken.generate()
        return (pipeline, visitor, pipeline.sessions.signIn("eve", scopes: ["authenticated"]))
    }

    @Test("A wrong, missing or foreign csrf_token is a 403 that changes nothing", arguments: forms)
    func badToken(form: Form) throws {
        let (pipeline, visitor, other) = try Self.setUp(form)
        let attempts: [(label: String, token: String?)] = [
            ("missing", nil),
            ("empty", ""),
            ("wrong", SessionToken.generate().text),
            ("another session's", pipeline.csrfToken(for: other)),
            ("one character off", String(pipeline.csrfToken(for: visitor).dropLast()) + "A"),
        ]
        for (label, token) in attempts where token != pipeline.csrfToken(for: visitor) {
            let fields = (token.map { [("csrf_token", $0)] } ?? []) + form.fields
            let response = pipeline.post(form.path, session: visitor, fields, headers: ["origin": "http://gate.example"])
            #expect(response.status == .forbidden, "\(label) token")
            #expect(response.text.contains("The form has expired or did not come from this site."), "\(label) token")
            // The visitor keeps the token they came with: no session was started or ended.
            #expect(response.sessionCookie(pipeline)?.value == visitor.text, "\(label) token")
        }
        // Without a cookie there is no session token to bind a csrf_token to.
        let cookieless = pipeline.post(form.path, session: nil, [("csrf_token", pipeline.csrfToken(for: visitor))] + form.fields)
        #expect(cookieless.status == .forbidden)
        #expect(cookieless.sessionCookie(pipeline)?.value != visitor.text)
        #expect(pipeline.databaseErrors == 0)
    }

    @Test("The right csrf_token from another origin is a 403 that changes nothing", arguments: forms)
    func foreignOrigin(form: Form) throws {
        let (pipeline, visitor, _) = try Self.setUp(form)
        let fields = [("csrf_token", pipeline.csrfToken(for: visitor))] + form.fields
        // (`https://gate.example` would pass: TLS may end in front of nginx.)
        for origin in ["https://evil.example", "null", "", "http://gate.example:8443", "http://gate.example.evil.example",
                       "http://evil.example:80", "ftp://gate.example"] {
            let response = pipeline.post(form.path, session: visitor, fields, headers: ["origin": origin])
            #expect(response.status == .forbidden, "Origin: \(origin)")
            #expect(response.text.contains("This form was sent from another site."), "Origin: \(origin)")
            #expect(response.sessionCookie(pipeline)?.value == visitor.text)
        }
        #expect(pipeline.databaseErrors == 0)
    }

    @Test("The right csrf_token, from this site or with no Origin, passes the check", arguments: forms)
    func rightToken(form: Form) throws {
        // The control for the two tests above: the same forms get past the defences.
        let (pipeline, visitor, _) = try Self.setUp(form)
        let fields = [("csrf_token", pipeline.csrfToken(for: visitor))] + form.fields
        for headers in [["origin": "http://gate.example"], [:]] {
            let response = pipeline.post(form.path, session: visitor, fields, headers: headers)
            #expect(response.status == .serviceUnavailable || response.status == .badRequest, "\(headers)")
        }
    }
}
