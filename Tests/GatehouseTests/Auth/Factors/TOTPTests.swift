import Testing

@testable import Gatehouse

/// RFC 6238 codes, the ±1 step window and what a typed code may look like.
@Suite struct TOTPTests {
    /// RFC 6238 Appendix B's SHA-1 seed: the ASCII digits 1234567890 twice.
    static let rfcSecret = Array("12345678901234567890".utf8)

    @Test("RFC 6238 Appendix B SHA-1 vectors (8 digits)", arguments: [
        (Int64(59), "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfcVectors(time: Int64, expected: String) {
        #expect(TOTP.code(secret: Self.rfcSecret, step: TOTP.step(at: time), digits: 8) == expected)
    }

    @Test("Six digits are the last six of the RFC's eight")
    func sixDigits() {
        #expect(TOTP.code(secret: Self.rfcSecret, step: TOTP.step(at: 59)) == "287082")
        #expect(TOTP.code(secret: Self.rfcSecret, step: TOTP.step(at: 1_111_111_109)) == "081804")
    }

    @Test("One step either side is accepted, two are not, and a used step never again")
    func window() {
        let now: Int64 = 1_234_567_890
        let step = TOTP.step(at: now)
        for offset: Int64 in [-1, 0, 1] {
            let code = TOTP.code(secret: Self.rfcSecret, step: step + offset)
            #expect(TOTP.matchingStep(code, secret: Self.rfcSecret, now: now, after: 0) == step + offset)
            #expect(TOTP.matchingStep(code, secret: Self.rfcSecret, now: now, after: step + offset) == nil)
        }
        for offset: Int64 in [-2, 2] {
            let code = TOTP.code(secret: Self.rfcSecret, step: step + offset)
            #expect(TOTP.matchingStep(code, secret: Self.rfcSecret, now: now, after: 0) == nil)
        }
    }

    @Test("Typed codes: spaces dropped; letters, other lengths and non-ASCII digits refused",
          arguments: ["123 456", " 123456 "])
    func acceptedShapes(typed: String) {
        #expect(TOTP.normalized(typed) == "123456")
    }

    @Test("Refused shapes", arguments: ["12345", "1234567", "12a456", "", "١٢٣٤٥٦", "123456\u{0}", "-12345", "+12345", "０１２３４５"])
    func refusedShapes(typed: String) {
        #expect(TOTP.normalized(typed) == nil)
        #expect(TOTP.matchingStep(typed, secret: Self.rfcSecret, now: 59, after: 0) == nil)
    }

    @Test("otpauth URI: issuer label, unpadded secret, escaped names")
    func uri() {
        let uri = TOTP.uri(secret: Self.rfcSecret, issuer: "Gatehouse", username: "a@b")
        #expect(uri == "otpauth://totp/Gatehouse:a%40b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30")
    }
}

/// RFC 4648 base32 and its hostile inputs.
@Suite struct Base32Tests {
    @Test("RFC 4648 section 10 vectors", arguments: [
        ("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="), ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======"),
    ])
    func vectors(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
        #expect(Base32.decode(encoded.lowercased()) == Array(plain.utf8))
        #expect(Base32.decode(String(encoded.filter { $0 != "=" })) == Array(plain.utf8))
    }

    @Test("Garbage is refused", arguments: ["MZXW6YT1", "MZXW6YT8", "M", "MZX", "MZXW6Y", "MZ!W6YTB", "MZXW6YTB\u{0}", "ÄZXW6YTB", "MZ=W6YTB", "MZ"])
    func garbage(text: String) {
        #expect(Base32.decode(text) == nil)
    }

    @Test("Any bytes round-trip")
    func roundTrip() {
        for count in 0..<41 {
            let bytes = TestBytes.random(count)
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
            #expect(Base32.decode(Base32.encode(bytes, padded: false)) == bytes)
        }
    }
}
