import Testing

@testable import Gatehouse

/// The libcrypto one-shots against standard vectors.
@Suite struct OpenSSLTests {
    @Test("SHA-256 of FIPS 180-2 examples and the empty string")
    func sha256Vectors() {
        #expect(Hex.lower(OpenSSL.sha256(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.lower(OpenSSL.sha256([UInt8]()))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(Hex.lower(OpenSSL.sha256(twoBlocks.utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // A non-contiguous collection takes the copying path.
        #expect(OpenSSL.sha256("abc".utf8.lazy.map { $0 }) == OpenSSL.sha256(Array("abc".utf8)))
    }

    @Test("HKDF-SHA256 of RFC 5869 test cases 1 and 3")
    func hkdfVectors() {
        let case1 = OpenSSL.hkdfSHA256(secret: [UInt8](repeating: 0x0b, count: 22), salt: Array(0...12),
                                       info: Array(0xF0...0xF9), length: 42)
        #expect(Hex.lower(case1)
            == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        let case3 = OpenSSL.hkdfSHA256(secret: [UInt8](repeating: 0x0b, count: 22), info: [], length: 42)
        #expect(Hex.lower(case3)
            == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    @Test("HMAC-SHA256 of RFC 4231 test cases 1 and 2")
    func hmacVectors() {
        let case1 = OpenSSL.hmacSHA256(
            key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
        #expect(Hex.lower(case1)
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let case2 = OpenSSL.hmacSHA256(
            key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Hex.lower(case2)
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("HMAC-SHA256 of RFC 4231 test case 6: a key longer than a block is hashed first")
    func hmacLongKey() {
        let tag = OpenSSL.hmacSHA256(
            key: [UInt8](repeating: 0xaa, count: 131),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(Hex.lower(tag) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("A prepared HMAC key tags as libcrypto's one-shot HMAC, for keys and messages of every size around a block")
    func preparedKeyMatchesLibcrypto() {
        for keyLength in [0, 1, 31, 32, 63, 64, 65, 128, 200] {
            let key = OpenSSL.randomBytes(keyLength)
            let prepared = OpenSSL.HMACKey(key)
            for messageLength in [0, 1, 43, 55, 56, 64, 119, 120, 1000] {
                let message = OpenSSL.randomBytes(messageLength)
                #expect(prepared.tag(message) == OpenSSL.hmacReferenceSHA256(key: key, message: message),
                        "key \(keyLength) bytes, message \(messageLength) bytes")
            }
            // The same prepared key serves any number of messages.
            #expect(prepared.tag([1, 2, 3]) == prepared.tag([1, 2, 3]))
        }
    }

    @Test("random bytes have the asked length and differ")
    func randomBytes() {
        #expect(OpenSSL.randomBytes(0).isEmpty)
        #expect(OpenSSL.randomBytes(1).count == 1)
        #expect(OpenSSL.randomBytes(1000).count == 1000)
        let a = OpenSSL.randomBytes(32)
        let b = OpenSSL.randomBytes(32)
        #expect(a.count == 32)
        #expect(a != b)
    }

    @Test("constant-time equality")
    func constantTimeEqual() {
        #expect(OpenSSL.constantTimeEqual([], []))
        #expect(OpenSSL.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!OpenSSL.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!OpenSSL.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!OpenSSL.constantTimeEqual([], [0]))
    }

    @Test("hex and base64url encoders")
    func encoders() {
        #expect(Hex.lower([]) == "")
        #expect(Hex.lower([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        // RFC 4648 §10 vectors, unpadded.
        let rfc = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v",
                   "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in rfc {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        }
        // The two symbols where base64url differs from base64 ("+/" → "-_").
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Base64URL.encodedLength(32) == 43)
    }
}
