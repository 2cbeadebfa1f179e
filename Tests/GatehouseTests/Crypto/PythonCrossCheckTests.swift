import Testing
import TestSupport

@testable import Gatehouse

/// Gatehouse's PBKDF2 and SHA-256 against Python's `hashlib`, both ways: the
/// original design wrote its hashes with Python, and those rows must verify.
@Suite struct PythonCrossCheckTests {
    /// Passwords with ASCII, multi-byte UTF-8, a space, and more than a block.
    static let passwords = [
        "hunter2", "correct horse battery staple", "pässwörd ✓ 🔑", "",
        String(repeating: "long-password-", count: 7),
    ]

    @Test("random PBKDF2 inputs give the same hex as hashlib.pbkdf2_hmac")
    func sameHexAsPython() throws {
        let inputs = (0..<12).map { round in
            (password: Self.passwords[round % Self.passwords.count],
             salt: TestBytes.random(Int.random(in: 0...48)),
             iterations: Int.random(in: 1...3000),
             length: Int.random(in: 1...80))
        }
        let python = try PythonHashlib.pbkdf2(inputs)
        try #require(python.count == inputs.count)
        for (input, expected) in zip(inputs, python) {
            let ours = OpenSSL.pbkdf2SHA256(
                password: Array(input.password.utf8), salt: input.salt,
                iterations: input.iterations, length: input.length)
            #expect(Hex.lower(ours) == expected, "c=\(input.iterations) dkLen=\(input.length)")
        }
    }

    @Test("hashes made by Python as the original design did verify, legacy count")
    func pythonHashesVerify() throws {
        let made = try PythonHashlib.originalDesignHashes(
            Self.passwords, iterations: PasswordHasher.legacyIterations)
        try #require(made.count == Self.passwords.count)
        let hasher = PasswordHasher(iterations: 600_000)
        for (password, row) in zip(Self.passwords, made) {
            // A null iteration column means the original's 100000.
            let stored = PasswordHash(
                hash: TestBytes.hex(row.hash), salt: TestBytes.hex(row.salt), storedIterations: nil)
            #expect(stored.salt.count == 32)
            #expect(hasher.verify(password, against: stored))
            #expect(!hasher.verify(password + "x", against: stored))
            #expect(hasher.needsRehash(stored))
        }
    }

    @Test("hashes made by PasswordHasher verify in Python")
    func gatehouseHashesVerifyInPython() throws {
        let hasher = PasswordHasher(iterations: 2_000)
        let inputs = Self.passwords.map { password in
            let made = hasher.hash(password)
            return (password: password, hash: made.hash, salt: made.salt,
                    iterations: made.iterations)
        }
        let wrong = inputs.map { ($0.password + "!", $0.hash, $0.salt, $0.iterations) }
        let verdicts = try PythonHashlib.verify(inputs + wrong)
        #expect(verdicts == Array(repeating: true, count: inputs.count)
            + Array(repeating: false, count: wrong.count))
    }

    @Test("storage keys equal hashlib.sha256(text).hexdigest()")
    func storageKeyMatchesPython() throws {
        let tokens = (0..<5).map { _ in SessionToken.generate() }
        let python = try PythonHashlib.sha256Hex(tokens.map(\.text))
        #expect(python == tokens.map(\.storageKey))
    }
}
