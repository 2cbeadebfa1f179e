@testable import Gatehouse
import Testing

/// The secret of a mailed link: 43 base64url characters, stored only as its SHA-256.
@Suite("Link tokens")
struct LinkTokenTests {
    @Test("Fresh tokens are 43 base64url characters (32 random bytes) and differ")
    func generated() {
        let tokens = (0..<100).map { _ in LinkToken.generate().text }
        #expect(Set(tokens).count == 100)
        for token in tokens {
            #expect(token.utf8.count == 43)
            #expect(LinkToken(token)?.text == token)
            #expect(Base64URL.decode(token)?.count == 32)
        }
    }

    @Test("Anything but 43 base64url characters is no token", arguments: [
        "", "short", String(repeating: "A", count: 42), String(repeating: "A", count: 44), String(repeating: "A", count: 42) + "=",
        String(repeating: "A", count: 42) + "/", String(repeating: "A", count: 42) + "+", String(repeating: "A", count: 41) + "é",
        String(repeating: "A", count: 42) + "\n", String(repeating: "A", count: 42) + "\u{0}",
    ])
    func malformed(_ text: String) {
        #expect(LinkToken(text) == nil)
    }

    @Test("The stored digest is SHA-256 of the text; the description never shows the text")
    func digestAndDescription() throws {
        let token = try #require(LinkToken("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_-01234"))
        #expect(Hex.lower(token.digest) == Hex.lower(OpenSSL.sha256(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_-01234".utf8))))
        #expect(token.digest.count == 32)
        #expect(!"\(token)".contains(token.text))
        #expect(!"\(token)".contains("abcdef"))
    }
}
