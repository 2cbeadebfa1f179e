import Testing

@testable import Gatehouse

/// Strict base64url decoding: RFC 4648 §10 vectors (in the URL alphabet, unpadded), round
/// trips, and the spellings it refuses.
@Suite struct Base64URLDecodingTests {
    @Test("RFC 4648 test vectors decode, unpadded")
    func vectors() {
        let pairs = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in pairs {
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
    }

    @Test("every length from 0 to 70 round-trips")
    func roundTrip() {
        for length in 0...70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        let random = OpenSSL.randomBytes(1023)
        #expect(Base64URL.decode(Base64URL.encode(random)) == random)
    }

    @Test("padding, the standard alphabet, spaces, a lone symbol and non-zero spare bits are refused")
    func refused() {
        for text in ["Zg==", "Zm8=", "+/8", "Zm9v Yg", "Zm9vY", "A", "Zh", "Zm9", "Zm\n9v", "é"] {
            #expect(Base64URL.decode(text) == nil, "\(text)")
        }
    }
}
