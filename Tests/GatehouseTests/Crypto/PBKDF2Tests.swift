import Testing

@testable import Gatehouse

/// The fast PBKDF2-HMAC-SHA256 against published vectors and libcrypto's
/// `PKCS5_PBKDF2_HMAC`.
@Suite struct PBKDF2Tests {
    /// One published PBKDF2-HMAC-SHA256 vector.
    struct Vector: Sendable, CustomTestStringConvertible {
        let password: [UInt8]
        let salt: [UInt8]
        let iterations: Int
        let expected: String

        init(_ password: String, _ salt: String, _ iterations: Int, _ expected: String) {
            self.password = Array(password.utf8)
            self.salt = Array(salt.utf8)
            self.iterations = iterations
            self.expected = expected
        }

        var testDescription: String { "c=\(iterations) dkLen=\(expected.count / 2)" }
    }

    /// The widely published "password"/"salt" set (as in RFC 6070's layout,
    /// for SHA-256) and RFC 7914 §11's two PBKDF2-HMAC-SHA256 vectors. The
    /// c = 16777216 vector is left out: minutes in a debug build.
    static let vectors: [Vector] = [
        Vector("password", "salt", 1,
               "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
        Vector("password", "salt", 2,
               "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"),
        Vector("password", "salt", 4096,
               "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
        Vector("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096,
               "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"),
        Vector("pass\u{0}word", "sa\u{0}lt", 4096, "89b69d0516f829893c696226650a8687"),
        Vector("passwd", "salt", 1,
               "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
               + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"),
        Vector("Password", "NaCl", 80000,
               "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
               + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"),
    ]

    @Test("fast PBKDF2 matches published vectors", arguments: vectors)
    func publishedVector(_ vector: Vector) {
        let length = vector.expected.count / 2
        let fast = OpenSSL.pbkdf2SHA256(
            password: vector.password, salt: vector.salt,
            iterations: vector.iterations, length: length)
        #expect(Hex.lower(fast) == vector.expected)
    }

    @Test("libcrypto reference matches published vectors", arguments: vectors)
    func referenceVector(_ vector: Vector) {
        let length = vector.expected.count / 2
        let reference = OpenSSL.pbkdf2ReferenceSHA256(
            password: vector.password, salt: vector.salt,
            iterations: vector.iterations, length: length)
        #expect(Hex.lower(reference) == vector.expected)
    }

    /// Random inputs covering what the vectors do not: passwords longer than a
    /// block (hashed to form the key) and exactly at the edge, empty salts,
    /// output lengths that end mid-block and span up to four blocks.
    @Test("fast PBKDF2 equals PKCS5_PBKDF2_HMAC on 240 random inputs")
    func randomInputsMatchReference() {
        // Every password length 0...200 once, then 0...38 again.
        for round in 0..<240 {
            let password = TestBytes.random(round % 201)
            let salt = TestBytes.random(Int.random(in: 0...80))
            let iterations = Int.random(in: 1...40)
            let length = Int.random(in: 1...100)
            let fast = OpenSSL.pbkdf2SHA256(
                password: password, salt: salt, iterations: iterations, length: length)
            let reference = OpenSSL.pbkdf2ReferenceSHA256(
                password: password, salt: salt, iterations: iterations, length: length)
            #expect(fast == reference, """
                password \(Hex.lower(password)) salt \(Hex.lower(salt)) \
                c=\(iterations) dkLen=\(length)
                """)
        }
    }

    @Test("a shorter output is a prefix of a longer one")
    func outputPrefix() {
        let long = OpenSSL.pbkdf2SHA256(
            password: Array("pw".utf8), salt: Array("na".utf8), iterations: 3, length: 97)
        for length in [1, 31, 32, 33, 64, 96] {
            let short = OpenSSL.pbkdf2SHA256(
                password: Array("pw".utf8), salt: Array("na".utf8), iterations: 3, length: length)
            #expect(short[...] == long.prefix(length))
        }
    }
}
