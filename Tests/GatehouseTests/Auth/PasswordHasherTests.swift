import Testing

@testable import Gatehouse

/// Password hashing, verification and upgrade decisions.
@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(iterations: 1_000)

    @Test("hash has a 16-byte salt, a 32-byte key and the configured count")
    func hashShape() {
        let made = hasher.hash("correct horse battery staple")
        #expect(made.salt.count == 16)
        #expect(made.hash.count == 32)
        #expect(made.iterations == 1_000)
        #expect(made.hash == OpenSSL.pbkdf2ReferenceSHA256(
            password: Array("correct horse battery staple".utf8), salt: made.salt,
            iterations: 1_000, length: 32))
    }

    @Test("same password hashes differently each time (fresh salt)")
    func freshSalt() {
        let a = hasher.hash("same")
        let b = hasher.hash("same")
        #expect(a.salt != b.salt)
        #expect(a.hash != b.hash)
    }

    @Test("right password verifies, wrong ones do not")
    func verify() {
        let made = hasher.hash("pässwörd ✓")
        #expect(hasher.verify("pässwörd ✓", against: made))
        #expect(!hasher.verify("pässwörd", against: made))
        #expect(!hasher.verify("", against: made))
        #expect(!hasher.verify("pässwörd ✓ ", against: made))
    }

    @Test("verify uses the stored count and length, not the configured ones")
    func verifyUsesStoredParameters() {
        let salt = TestBytes.random(32)
        let key = OpenSSL.pbkdf2ReferenceSHA256(
            password: Array("pw".utf8), salt: salt, iterations: 37, length: 48)
        let stored = PasswordHash(hash: key, salt: salt, iterations: 37)
        #expect(hasher.verify("pw", against: stored))
        #expect(hasher.needsRehash(stored))
    }

    @Test("broken rows are mismatches, not crashes")
    func brokenRows() {
        let made = hasher.hash("pw")
        #expect(!hasher.verify("pw", against: PasswordHash(hash: [], salt: made.salt, iterations: 1_000)))
        #expect(!hasher.verify("pw", against: PasswordHash(hash: made.hash, salt: made.salt, iterations: 0)))
        #expect(!hasher.verify("pw", against: PasswordHash(hash: made.hash, salt: [], iterations: 1_000)))
    }

    @Test("needsRehash when the stored count differs from the configured one")
    func needsRehash() {
        let made = hasher.hash("pw")
        #expect(!hasher.needsRehash(made))
        #expect(PasswordHasher(iterations: 2_000).needsRehash(made))
        let legacy = PasswordHash(hash: made.hash, salt: made.salt, storedIterations: nil)
        #expect(legacy.iterations == 100_000)
        #expect(hasher.needsRehash(legacy))
        #expect(!PasswordHasher(iterations: PasswordHasher.legacyIterations).needsRehash(legacy))
    }

    @Test("legacy 100000-iteration hash verifies (hashlib.pbkdf2_hmac vector)")
    func legacyVector() {
        // hashlib.pbkdf2_hmac('sha256', b'admin-password', bytes(range(32)), 100000)
        let stored = PasswordHash(
            hash: TestBytes.hex("86bf477f9945ed0707e3b339b3b9171cb087f1a6c480cb5f85cabf59ecb83afd"),
            salt: Array(0..<32), storedIterations: nil)
        #expect(PasswordHasher(iterations: 600_000).verify("admin-password", against: stored))
    }

    @Test("dummyVerify runs without a stored hash, at the configured cost")
    func dummyVerify() {
        #expect(hasher.dummyVerify("anything") == 1_000)
    }

    @Test("Every check spends the configured iterations: legacy, current, unknown and broken rows alike")
    func checkCostIsUniform() {
        // Configured above the original design's 100000, so a legacy row costs less unpadded.
        let configured = 150_000
        let hasher = PasswordHasher(iterations: configured)
        let legacySalt = TestBytes.random(32)
        let legacy = PasswordHash(
            hash: OpenSSL.pbkdf2SHA256(password: Array("old secret".utf8), salt: legacySalt,
                                       iterations: PasswordHasher.legacyIterations, length: 32),
            salt: legacySalt, storedIterations: nil)
        let current = hasher.hash("new secret")
        let cases: [(String, PasswordHash?, String, Bool)] = [
            ("legacy, wrong password", legacy, "a guess", false),
            ("legacy, right password", legacy, "old secret", true),
            ("current, wrong password", current, "a guess", false),
            ("current, right password", current, "new secret", true),
            ("unknown user", nil, "a guess", false),
            ("broken row", PasswordHash(hash: [], salt: legacySalt, iterations: 5), "a guess", false),
        ]
        for (label, stored, password, matched) in cases {
            let check = hasher.check(password, against: stored)
            #expect(check.matched == matched, "\(label)")
            #expect(check.iterations == configured, "\(label): spent \(check.iterations)")
        }
        // A two-block legacy key costs twice its count; it is padded to the configured count.
        let long = PasswordHash(hash: OpenSSL.pbkdf2SHA256(password: Array("x".utf8), salt: legacySalt, iterations: 40_000, length: 64),
                                salt: legacySalt, iterations: 40_000)
        #expect(hasher.check("x", against: long) == PasswordHasher.Check(matched: true, iterations: configured))
    }
}
