import Testing

@testable import Gatehouse

/// Session token format, cookie validation and storage key.
@Suite struct SessionTokenTests {
    @Test("generated tokens are 43 base64url characters and unique")
    func generatedFormat() {
        let tokens = (0..<1000).map { _ in SessionToken.generate() }
        for token in tokens {
            #expect(token.text.utf8.count == 43)
            #expect(token.text.utf8.allSatisfy(Base64URL.isSymbol))
            #expect(SessionToken(cookieValue: token.text) == token)
        }
        #expect(Set(tokens).count == 1000)
    }

    @Test("a cookie of exactly 43 alphabet characters is a token")
    func acceptsWellFormed() throws {
        let text = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij-_01234"
        let token = try #require(SessionToken(cookieValue: text))
        #expect(token.text == text)
    }

    @Test("malformed cookies are not tokens", arguments: [
        String(repeating: "a", count: 42),
        String(repeating: "a", count: 44),
        "",
        String(repeating: "a", count: 42) + "=",
        String(repeating: "a", count: 42) + "+",
        String(repeating: "a", count: 42) + "/",
        String(repeating: "a", count: 42) + " ",
        String(repeating: "a", count: 42) + ".",
        String(repeating: "a", count: 42) + "\u{0}",
        // Non-ASCII: 41 ASCII + "é" (2 UTF-8 bytes) is 43 bytes, 42 characters.
        String(repeating: "a", count: 41) + "é",
        String(repeating: "a", count: 42) + "é",
        String(repeating: "a", count: 40) + "€",
        String(repeating: "a", count: 4096),
    ])
    func rejectsMalformed(_ cookie: String) {
        #expect(SessionToken(cookieValue: cookie) == nil)
    }

    @Test("storage key is SHA-256 of the text as 64 lowercase hex")
    func storageKey() throws {
        // hashlib.sha256(b"A" * 43).hexdigest()
        let token = try #require(SessionToken(cookieValue: String(repeating: "A", count: 43)))
        #expect(token.storageKey
            == "0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a")
        let fresh = SessionToken.generate()
        #expect(fresh.storageKey == Hex.lower(OpenSSL.sha256(Array(fresh.text.utf8))))
        #expect(fresh.storageKey.utf8.count == 64)
    }

    @Test("description shows a storage key prefix, never the token text")
    func redactedDescription() {
        let token = SessionToken.generate()
        let shown = "\(token)"
        #expect(!shown.contains(token.text))
        #expect(shown.contains(token.storageKey.prefix(12)))
    }
}
