import Foundation
@testable import Gatehouse
import Testing

/// Bad input at the passkey routes through real nginx: each gets a clear 4xx and stores
/// nothing — no passkey, no session, and a challenge is never good twice.
@Suite("End to end: hostile input at the passkey routes", .serialized)
struct PasskeyHostileInputTests {
    /// What nothing-stored means here: passkeys, and sessions beyond the one signed in.
    static func stored(_ stack: Stack) throws -> (passkeys: Int, sessions: String?) {
        (try PasskeyHTTP.count(stack.database), try stack.database.connect().query("SELECT count(*) FROM session").scalar())
    }

    @Test("Adding: malformed JSON, wrong types, bad base64url, other content types, over 64 KiB, truncated or foreign attestations")
    func badRegistrations() throws {
        let (stack, http, session) = try PasskeyRouteTests.start()
        defer { stack.stop() }
        let key = try SoftAuthenticator(origin: http.origin)
        let csrf = try http.csrf(session)
        let challenge = try PasskeyHTTP.challenge(http.post("/account/passkeys/options", session: session, csrf: csrf))
        let good = key.registration(challenge: challenge, name: "k")
        let malformed: [String] = [
            "", "{", "[]", "null", #"{"clientDataJSON": 5}"#, "{\"a\":1,\"a\":2}", #"{"name":"k"} trailing"#,
            #"{"clientDataJSON":"\#(good["clientDataJSON"]!)"}"#,
            #"{"clientDataJSON":"a+b/","attestationObject":"\#(good["attestationObject"]!)"}"#,
            #"{"clientDataJSON":"\#(good["clientDataJSON"]!)=","attestationObject":"\#(good["attestationObject"]!)"}"#,
        ]
        for body in malformed {
            let answer = try http.post("/account/passkeys", session: session, csrf: csrf, body: Array(body.utf8))
            #expect(answer.status == 400, "\(body.prefix(40)): \(answer.status)")
            #expect(answer.header("Content-Type") == "application/json")
            #expect((try? PasskeyHTTP.object(answer))?["error"] is String)
        }
        let invalidUTF8 = try http.post("/account/passkeys", session: session, csrf: csrf, body: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        #expect(invalidUTF8.status == 400)
        let form = try http.post("/account/passkeys", session: session, csrf: csrf, body: Array("name=k".utf8),
                                 contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)
        var padded = good
        padded["name"] = String(repeating: "x", count: 65 * 1024)
        let oversized = try http.post("/account/passkeys", session: session, csrf: csrf,
                                      body: Array(try JSONSerialization.data(withJSONObject: padded)))
        #expect(oversized.status == 413)
        #expect(try PasskeyHTTP.count(stack.database) == 0)

        // A truncated attestation object uses the challenge up: the whole one is refused after it.
        var truncated = good
        let object = try #require(Base64URL.decode(good["attestationObject"]!))
        truncated["attestationObject"] = Base64URL.encode(Array(object.prefix(object.count / 2)))
        #expect(try http.post("/account/passkeys", session: session, csrf: csrf, truncated).status == 400)
        let late = try http.post("/account/passkeys", session: session, csrf: csrf, good)
        #expect(late.status == 400)
        #expect((try PasskeyHTTP.object(late)["error"] as? String)?.contains("expired or was already used") == true)

        // An answer made for a sign-in, for another site, or for no challenge at all.
        for (type, origin) in [("webauthn.get", http.origin), ("webauthn.create", "http://localhost:1"),
                               ("webauthn.create", "https://evil.example")] {
            let fresh = try PasskeyHTTP.challenge(http.post("/account/passkeys/options", session: session, csrf: csrf))
            var body = key.registration(challenge: fresh, name: "k")
            body["clientDataJSON"] = Base64URL.encode(key.clientData(type, challenge: fresh, origin: origin))
            #expect(try http.post("/account/passkeys", session: session, csrf: csrf, body).status == 400, "\(type) \(origin)")
        }
        #expect(try http.post("/account/passkeys", session: session, csrf: csrf, good).status == 400, "no challenge issued")
        #expect(try PasskeyHTTP.count(stack.database) == 0)
    }

    @Test("CSRF in X-CSRF-Token and the Origin: missing, wrong or foreign → 403 at every JSON route, nothing issued or stored")
    func forgedRequests() throws {
        let (stack, http, session) = try PasskeyRouteTests.start()
        defer { stack.stop() }
        let key = try SoftAuthenticator(origin: http.origin)
        let csrf = try http.csrf(session)
        let challenge = try PasskeyHTTP.challenge(http.post("/account/passkeys/options", session: session, csrf: csrf))
        let good = key.registration(challenge: challenge, name: "k")
        let visitor = try http.anonymous()
        let body = Array(try JSONSerialization.data(withJSONObject: good))
        for path in ["/account/passkeys/options", "/account/passkeys", "/auth/passkey/options", "/auth/passkey"] {
            for (token, origin) in [(nil, http.origin), ("forged", http.origin), (visitor.csrf, http.origin),
                                    (csrf, "https://evil.example"), (csrf, "null")] as [(String?, String)] {
                let answer = try http.post(path, session: session, csrf: token, body: body, origin: origin)
                #expect(answer.status == 403, "\(path) token \(token ?? "none") origin \(origin): \(answer.status)")
            }
        }
        #expect(try stack.database.connect().query("SELECT count(*) FROM passkey_challenge WHERE purpose <> 'registration'").scalar() == "0")
        #expect(try http.post("/account/passkeys", session: session, csrf: csrf, good).status == 200, "the challenge survived the forgeries")
        let removeWithout = try stack.client.post("/account/passkeys/remove", form: [("id", "1")], headers: SecondFactor.headers(stack.client, session))
        #expect(removeWithout.status == 403)
        let removeBad = try stack.client.post("/account/passkeys/remove", form: [("csrf_token", csrf), ("id", "one")],
                                              headers: SecondFactor.headers(stack.client, session))
        #expect(removeBad.status == 400)
        #expect(try PasskeyHTTP.count(stack.database) == 1)
    }

    @Test("Signing in: unknown credential, truncated or foreign assertions, no challenge, 127.0.0.1 as RP, a signed-out visitor adding")
    func badAssertions() throws {
        let (stack, http, session) = try PasskeyRouteTests.start()
        defer { stack.stop() }
        let key = try SoftAuthenticator(origin: http.origin)
        try http.register(key, session: session)
        let before = try Self.stored(stack)
        let visitor = try http.anonymous()
        func challenge() throws -> String {
            try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: visitor.session, csrf: visitor.csrf))
        }
        let stranger = try SoftAuthenticator(origin: http.origin)
        let unknown = try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf,
                                    stranger.assertion(challenge: challenge()))
        #expect(unknown.status == 400)
        #expect((try PasskeyHTTP.object(unknown)["error"] as? String)?.contains("not registered") == true)
        for part in ["authenticatorData", "signature", "clientDataJSON"] {
            var answer = try key.assertion(challenge: challenge())
            let bytes = try #require(Base64URL.decode(answer[part]!))
            answer[part] = Base64URL.encode(Array(bytes.prefix(bytes.count - 5)))
            let refused = try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf, answer)
            #expect(refused.status == 401, "truncated \(part): \(refused.status)")
        }
        var missing = try key.assertion(challenge: challenge())
        missing["signature"] = nil
        #expect(try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf, missing).status == 400)
        let phished = try key.assertion(challenge: challenge(), origin: "https://evil.example")
        #expect(try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf, phished).status == 401)
        var otherUser = try key.assertion(challenge: challenge())
        otherUser["userHandle"] = Base64URL.encode([UInt8](repeating: 7, count: 32))
        #expect(try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf, otherUser).status == 401,
                "a user handle naming someone else")
        #expect(try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf,
                              key.assertion(challenge: "bm8gY2hhbGxlbmdl")).status == 400, "no challenge issued")
        #expect(try Self.stored(stack) == before, "no session and no passkey came of it")

        // 127.0.0.1 is no RP ID: a clear 400 instead of options no browser accepts.
        let loopback = try stack.client.send("POST", "/auth/passkey/options", headers: [
            "Cookie": "session=\(visitor.session)", "X-CSRF-Token": visitor.csrf, "Content-Type": "application/json",
            "Origin": "http://127.0.0.1:\(stack.port)"], body: Array("{}".utf8))
        #expect(loopback.status == 400)
        let signedOut = try http.post("/account/passkeys/options", session: visitor.session, csrf: visitor.csrf)
        #expect(signedOut.status == 401)
        #expect(try PasskeyHTTP.object(signedOut)["location"] as? String == "/auth")
    }

    @Test("Failed passkey answers count toward the lockout: then even a good one gets 429")
    func lockout() throws {
        let (stack, http, session) = try PasskeyRouteTests.start(settings: ["LOGIN_FAILURE_LIMIT": "2"])
        defer { stack.stop() }
        let key = try SoftAuthenticator(origin: http.origin)
        try http.register(key, session: session)
        let visitor = try http.anonymous()
        func challenge() throws -> String {
            try PasskeyHTTP.challenge(http.post("/auth/passkey/options", session: visitor.session, csrf: visitor.csrf))
        }
        for _ in 0..<2 {
            let wrong = try key.assertion(challenge: challenge(), origin: "https://evil.example")
            #expect(try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf, wrong).status == 401)
        }
        let locked = try http.post("/auth/passkey", session: visitor.session, csrf: visitor.csrf, key.assertion(challenge: challenge()))
        #expect(locked.status == 429)
        #expect(locked.header("Retry-After") != nil)
        #expect(locked.cookie("session") == visitor.session)
    }
}
