import Testing

@testable import Gatehouse

/// CSRF tokens bound to session and key.
@Suite struct CSRFTokenTests {
    let key = Array("an example SECRET_KEY of at least 32 bytes".utf8)

    @Test("token is base64url HMAC-SHA256(SECRET_KEY, session token text)")
    func tokenValue() {
        let session = SessionToken.generate()
        let token = csrfToken(secretKey: key, sessionToken: session)
        #expect(token.utf8.count == 43)
        #expect(token == Base64URL.encode(
            OpenSSL.hmacSHA256(key: key, message: Array(session.text.utf8))))
        #expect(verifyCSRF(submitted: token, secretKey: key, sessionToken: session))
        #expect(CSRFToken.make(secretKey: key, sessionToken: session) == token)
        #expect(CSRFToken.verify(token, secretKey: key, sessionToken: session))
    }

    @Test("token differs per session and per key")
    func differs() {
        let a = SessionToken.generate()
        let b = SessionToken.generate()
        // Not `key + [0]`: HMAC zero-pads short keys, so that is the same key.
        var otherKey = key
        otherKey[0] ^= 1
        #expect(csrfToken(secretKey: key, sessionToken: a) != csrfToken(secretKey: key, sessionToken: b))
        #expect(csrfToken(secretKey: key, sessionToken: a)
            != csrfToken(secretKey: otherKey, sessionToken: a))
        #expect(!verifyCSRF(
            submitted: csrfToken(secretKey: key, sessionToken: b), secretKey: key, sessionToken: a))
        #expect(!verifyCSRF(
            submitted: csrfToken(secretKey: otherKey, sessionToken: a), secretKey: key,
            sessionToken: a))
    }

    @Test("tampered, truncated, padded and empty tokens are rejected")
    func rejectsTampered() {
        let session = SessionToken.generate()
        let token = csrfToken(secretKey: key, sessionToken: session)
        var flipped = Array(token.utf8)
        flipped[10] = flipped[10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        for bad in [String(decoding: flipped, as: UTF8.self), String(token.dropLast()),
                    token + "=", token + "A", "", session.text, token.uppercased()]
        where bad != token {
            #expect(!verifyCSRF(submitted: bad, secretKey: key, sessionToken: session), "\(bad)")
        }
    }
}
