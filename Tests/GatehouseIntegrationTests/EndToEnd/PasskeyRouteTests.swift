import Foundation
@testable import Gatehouse
import Testing

/// The passkey JSON routes through real nginx and PostgreSQL, with a software
/// authenticator (an openssl P-256 key): creation options as SPEC names them, adding,
/// signing in with the passkey alone, the second step, re-confirmation, removal,
/// MFA_REQUIRED, and a replayed or stale answer refused.
@Suite("End to end: passkey routes", .serialized)
struct PasskeyRouteTests {
    /// A stack with `ann` signed in (by password) and the HTTP side of the passkey routes.
    static func start(settings: [String: String] = [:]) throws -> (Stack, PasskeyHTTP, String) {
        let stack = try Stack(settings: settings)
        try SignIn.addUser("ann", password: "ann password 12", firstName: "Ann", to: stack.database)
        try SignIn.addUser("ben", password: "ben password 12", to: stack.database)
        let session = try SignIn.through(stack.client, "ann", "ann password 12").session
        return (stack, PasskeyHTTP(client: stack.client), session)
    }

    @Test("Creation options: challenge, rp from the request's origin, user handle, ES256/RS256/EdDSA, none, resident key, UV preferred, own passkeys excluded")
    func creationOptions() throws {
        let (stack, http, session) = try Self.start()
        defer { stack.stop() }
        let csrf = try http.csrf(session)
        let first = try http.post("/account/passkeys/options", session: session, csrf: csrf)
        #expect(first.status == 200)
        #expect(first.header("Content-Type") == "application/json")
        #expect(first.header("Cache-Control") == "no-store")
        let options = try PasskeyHTTP.object(first)
        #expect(Base64URL.decode(options["challenge"] as? String ?? "")?.count == 32)
        #expect((options["rp"] as? [String: Any])?["id"] as? String == "localhost")
        let user = try #require(options["user"] as? [String: Any])
        #expect(user["name"] as? String == "ann" && user["displayName"] as? String == "Ann")
        #expect(Base64URL.decode(user["id"] as? String ?? "")?.count == 32, "the handle is an HMAC, not the user id")
        #expect((options["pubKeyCredParams"] as? [[String: Any]])?.compactMap { $0["alg"] as? Int } == [-7, -257, -8])
        #expect(options["attestation"] as? String == "none")
        let selection = try #require(options["authenticatorSelection"] as? [String: Any])
        #expect(selection["residentKey"] as? String == "required" && selection["userVerification"] as? String == "preferred")
        #expect((options["excludeCredentials"] as? [Any])?.isEmpty == true)
        #expect(try PasskeyHTTP.challenge(http.post("/account/passkeys/options", session: session, csrf: csrf))
            != options["challenge"] as? String, "every ceremony gets a fresh challenge")

        let key = try SoftAuthenticator(origin: http.origin)
        try http.register(key, session: session, name: "Desk key")
        #expect(try stack.client.send("GET", "/account?flash=passkey-added-make-codes", headers: ["Cookie": "session=\(session)"])
            .text.contains("Make recovery codes now"), "a user without recovery codes is told to make some")
        let again = try PasskeyHTTP.object(http.post("/account/passkeys/options", session: session, csrf: csrf))
        #expect((again["excludeCredentials"] as? [[String: Any]])?.first?["id"] as? String == Base64URL.encode(key.credentialID))
        let twice = try http.post("/account/passkeys", session: session, csrf: csrf,
                                  key.registration(challenge: try #require(again["challenge"] as? String), name: "Again"))
        #expect(twice.status == 400, "a credential id names one passkey")
        #expect(try PasskeyHTTP.count(stack.database) == 1)
        let account = try stack.client.send("GET", "/account", headers: ["Cookie": "session=\(session)"])
        #expect(account.text.contains("Desk key"))
        #expect(try stack.database.connect().query("SELECT count(*) FROM audit_log WHERE event = 'passkey_added'").scalar() == "1")
    }

    @Test("With PUBLIC_URL set, its host is the RP ID whatever the request's Host")
    func publicURL() throws {
        let (stack, http, session) = try Self.start(settings: ["PUBLIC_URL": "https://auth.example.com"])
        defer { stack.stop() }
        let csrf = try http.csrf(session)
        let options = try PasskeyHTTP.object(http.post("/account/passkeys/options", session: session, csrf: csrf))
        #expect((options["rp"] as? [String: Any])?["id"] as? String == "auth.example.com")
        let visitor = try http.anonymous()
        let request = try PasskeyHTTP.object(http.post("/auth/passkey/options", session: visitor.session, csrf: visitor.csrf))
        #expect(request["rpId"] as? String == "auth.example.com")
    }

    @Test("A PUBLIC_URL that can be no RP ID (an IP address) leaves the request's origin in charge: passkeys still work at localhost")
    func publicURLAddress() throws {
        let (stack, http, session) = try Self.start(settings: ["PUBLIC_URL": "http://127.0.0.1:8080"])
        defer { stack.stop() }
        try http.register(SoftAuthenticator(origin: http.origin), session: session)
        #expect(try PasskeyHTTP.count(stack.database) == 1)
    }

    @Test("An options request may carry no body; a credential may come in WebAuthn's JSON form, response nested")
    func webAuthnJSONForm() throws {
        let (stack, http, session) = try Self.start()
        defer { stack.stop() }
        let key = try SoftAuthenticator(origin: http.origin)
        let csrf = try http.csrf(session)
        let bare = try stack.client.send("POST", "/account/passkeys/options", headers: [
            "Host": "localhost:\(stack.port)", "Cookie": "session=\(session)", "X-CSRF-Token": csrf])
        let challenge = try PasskeyHTTP.challenge(bare)
        let user = try #require(try PasskeyHTTP.object(bare)["user"] as? [String: Any])
        let handle = try #require(user["id"] as? String)
        key.userHandle = try #require(Base64URL.decode(handle))
        func nested(_ flat: [String: String], keep: [String]) -> [String: Any] {
            var body: [String: Any] = ["type": "public-key", "rawId": flat["id"] ?? ""]
            var response: [String: String] = [:]
            for (name, value) in flat { if keep.contains(name) { body[name] = value } else { response[name] = value } }
            body["response"] = response
            return body
        }
        let registration = nested(key.registration(challenge: challenge, name: "Nested"), keep: ["id", "name"])
        let added = try http.post("/account/passkeys", session: session, csrf: csrf,
                                  body: Array(try JSONSerialization.data(withJSONObject: registration)))
        #expect(added.status == 200, "\(added.text)")
        let visitor = try http.anonymous()
        let request = try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: visitor.session, csrf: visitor.csrf))
        let assertion = nested(try key.assertion(challenge: request), keep: ["id", "next"])
        let signedIn = try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf,
                                     body: Array(try JSONSerialization.data(withJSONObject: assertion)))
        #expect(signedIn.status == 200, "\(signedIn.text)")
    }

    @Test("nginx serves /static/passkeys.js; the factor pages load it as a file, no inline script, CSP unchanged")
    func script() throws {
        let (stack, _, session) = try Self.start()
        defer { stack.stop() }
        let file = try stack.client.send("GET", "/static/passkeys.js")
        #expect(file.status == 200)
        #expect(file.header("Content-Type")?.contains("javascript") == true)
        #expect(file.text.contains("navigator.credentials.create") && file.text.contains("navigator.credentials.get"))
        for (path, cookie) in [("/auth", nil), ("/account", session), ("/account/totp", session), ("/auth/confirm?next=/", session)] {
            let page = try stack.client.send("GET", path, headers: cookie.map { ["Cookie": "session=\($0)"] } ?? [:])
            #expect(page.status == 200, "\(path)")
            #expect(page.header("Content-Security-Policy") == "default-src 'self'")
            #expect(page.text.contains(#"<script src="/static/passkeys.js" defer></script>"#), "\(path)")
            #expect(page.text.components(separatedBy: "<script").count == 2, "\(path): one script tag, a file")
        }
    }

    @Test("A discoverable passkey alone signs in, with two factors for the gate; a replayed or stale answer and a count that did not rise are refused")
    func signInAndReplay() throws {
        let (stack, http, session) = try Self.start()
        defer { stack.stop() }
        let key = try SoftAuthenticator(origin: http.origin)
        try http.register(key, session: session)

        let visitor = try http.anonymous()
        let options = try http.post("/auth/passkey/options", session: visitor.session, csrf: visitor.csrf)
        let request = try PasskeyHTTP.object(options)
        #expect((request["allowCredentials"] as? [Any])?.isEmpty == true, "no username typed: any discoverable passkey")
        #expect(request["rpId"] as? String == "localhost")
        let answer = try key.assertion(challenge: try PasskeyHTTP.challenge(options), next: "/account")
        let signedIn = try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf, answer)
        #expect(signedIn.status == 200, "\(signedIn.text)")
        #expect(try PasskeyHTTP.object(signedIn)["location"] as? String == "/account")
        let fresh = try #require(signedIn.cookie("session"))
        #expect(fresh != visitor.session, "a sign-in issues a fresh token")
        #expect(try stack.client.send("GET", "/auth/check?mfa=1", headers: ["Cookie": "session=\(fresh)"]).status == 204)

        // The same answer again: its challenge was taken by the first.
        let replay = try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf, answer)
        #expect(replay.status == 400)
        #expect(replay.cookie("session") == visitor.session, "no session from a replay")
        // A fresh challenge, an answer signed over the old one.
        let other = try http.anonymous()
        _ = try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: other.session, csrf: other.csrf))
        let stale = try http.post("/auth/passkey", session: other.session, csrf: other.csrf, answer)
        #expect(stale.status == 401)
        // A well-signed answer whose counter did not rise (a cloned authenticator).
        let challenge = try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: other.session, csrf: other.csrf))
        let cloned = try http.post("/auth/passkey", session: other.session, csrf: other.csrf,
                                   key.assertion(challenge: challenge, sameCount: true))
        #expect(cloned.status == 401)
        #expect(cloned.cookie("session") == other.session)
        let failures = try stack.database.connect().query(
            "SELECT count(*) FROM audit_log WHERE event = 'login_failure' AND detail LIKE 'method=passkey%'").scalar()
        #expect(failures == "2", "both refusals are audited as failed sign-ins")
    }

    @Test("Without user verification a passkey is one factor: ?mfa=1 answers 403; a hostile next becomes /")
    func withoutVerification() throws {
        let (stack, http, session) = try Self.start()
        defer { stack.stop() }
        let key = try SoftAuthenticator(origin: http.origin)
        try http.register(key, session: session)
        let visitor = try http.anonymous()
        let challenge = try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: visitor.session, csrf: visitor.csrf))
        let signedIn = try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf,
                                     key.assertion(challenge: challenge, verified: false, next: "//evil.example/"))
        #expect(signedIn.status == 200)
        #expect(try PasskeyHTTP.object(signedIn)["location"] as? String == "/", "next is a local path or /")
        let fresh = try #require(signedIn.cookie("session"))
        #expect(try stack.client.send("GET", "/auth/check", headers: ["Cookie": "session=\(fresh)"]).status == 204)
        #expect(try stack.client.send("GET", "/auth/check?mfa=1", headers: ["Cookie": "session=\(fresh)"]).status == 403)
    }

    @Test("A user with only a passkey gets /auth/second after the password; the passkey completes it, another user's does not")
    func secondStep() throws {
        let (stack, http, session) = try Self.start()
        defer { stack.stop() }
        let key = try SoftAuthenticator(origin: http.origin)
        try http.register(key, session: session)
        let bens = try SoftAuthenticator(origin: http.origin)
        try http.register(bens, session: SignIn.through(stack.client, "ben", "ben password 12").session)

        let pending = try SecondFactor.firstStep(stack.client, "ann", "ann password 12", next: "/account")
        #expect(try stack.client.send("GET", "/auth/check", headers: ["Cookie": "session=\(pending)"]).status == 401)
        let csrf = try http.csrf(pending, page: "/auth/second")
        var challenge = try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: pending, csrf: csrf))
        let wrong = try http.post("/auth/passkey", session: pending, csrf: csrf, bens.assertion(challenge: challenge))
        #expect(wrong.status == 400, "ben's passkey does not finish ann's sign-in")
        challenge = try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: pending, csrf: csrf))
        let done = try http.post("/auth/passkey", session: pending, csrf: csrf, key.assertion(challenge: challenge, verified: false))
        #expect(done.status == 200, "\(done.text)")
        #expect(try PasskeyHTTP.object(done)["location"] as? String == "/account")
        let fresh = try #require(done.cookie("session"))
        #expect(try stack.client.send("GET", "/auth/check?mfa=1", headers: ["Cookie": "session=\(fresh)"]).status == 204,
                "password and passkey are two factors")
    }

    @Test("Adding and removing need a recent sign-in; /auth/confirm takes a passkey; removal is audited and only of one's own")
    func sensitive() throws {
        let (stack, http, session) = try Self.start()
        defer { stack.stop() }
        let key = try SoftAuthenticator(origin: http.origin)
        try http.register(key, session: session)
        let database = stack.database.connect()
        _ = try database.query("UPDATE session SET authenticated_at = now() - interval '1 day'")
        OtherInstanceChange.settle()
        let csrf = try http.csrf(session)
        let stale = try http.post("/account/passkeys/options", session: session, csrf: csrf)
        #expect(stale.status == 403)
        #expect((try PasskeyHTTP.object(stale)["location"] as? String)?.hasPrefix("/auth/confirm?next=") == true)
        let id = try #require(try database.query("SELECT id FROM passkey").scalar())
        let refused = try stack.client.post("/account/passkeys/remove", form: [("csrf_token", csrf), ("id", id)],
                                            headers: SecondFactor.headers(stack.client, session))
        #expect(refused.status == 303 && refused.header("Location")?.hasPrefix("/auth/confirm") == true)
        #expect(try PasskeyHTTP.count(stack.database) == 1)

        let challenge = try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: session, csrf: csrf))
        let confirmed = try http.post("/auth/passkey", session: session, csrf: csrf, key.assertion(challenge: challenge, next: "/account"))
        #expect(confirmed.status == 200)
        #expect(try PasskeyHTTP.object(confirmed)["location"] as? String == "/account")
        #expect(try http.post("/account/passkeys/options", session: session, csrf: csrf).status == 200)

        let bens = try SignIn.through(stack.client, "ben", "ben password 12").session
        let notHis = try stack.client.post("/account/passkeys/remove", form: [("csrf_token", http.csrf(bens)), ("id", id)],
                                           headers: SecondFactor.headers(stack.client, bens))
        #expect(notHis.status == 404)
        let removed = try stack.client.post("/account/passkeys/remove", form: [("csrf_token", csrf), ("id", id)],
                                            headers: SecondFactor.headers(stack.client, session))
        #expect(removed.status == 303 && removed.header("Location") == "/account?flash=passkey-removed")
        #expect(try PasskeyHTTP.count(stack.database) == 0)
        #expect(try database.query("SELECT count(*) FROM audit_log WHERE event = 'passkey_removed'").scalar() == "1")
    }

    @Test("MFA_REQUIRED=all: the passkey routes are open to a user without a factor, and a passkey is the factor it asks for")
    func mfaRequired() throws {
        let (stack, http, session) = try Self.start(settings: ["MFA_REQUIRED": "all"])
        defer { stack.stop() }
        #expect(try stack.client.send("GET", "/", headers: ["Cookie": "session=\(session)"]).header("Location") == "/account/totp")
        #expect(try stack.client.send("GET", "/auth/check", headers: ["Cookie": "session=\(session)"]).status == 403)
        let key = try SoftAuthenticator(origin: http.origin)
        try http.register(key, session: session, page: "/account/totp")
        #expect(try stack.client.send("GET", "/", headers: ["Cookie": "session=\(session)"]).status == 200)
        #expect(try stack.client.send("GET", "/auth/check", headers: ["Cookie": "session=\(session)"]).status == 204)
    }
}
