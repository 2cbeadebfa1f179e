/// Hashes and verifies passwords with PBKDF2-HMAC-SHA256 at a configured
/// iteration count (`PBKDF2_ITERATIONS`).
///
/// Salts are per user and random; the iteration count is stored with each
/// hash, so raising the configured count upgrades users as they log in
/// (`needsRehash`) while their old hashes keep verifying.
public struct PasswordHasher: Sendable {
    /// The iteration count of the original design's hashes
    /// (`hashlib.pbkdf2_hmac('sha256', password, salt, 100000)`), assumed
    /// wherever a stored count is null.
    public static let legacyIterations = 100_000
    /// Bytes of salt for new hashes (NIST SP 800-132 asks for at least 16).
    public static let saltLength = 16
    /// Bytes of derived key for new hashes: one SHA-256 output, so one PBKDF2
    /// block; a longer key would only cost the defender more.
    public static let hashLength = 32

    /// The count used for new hashes and expected of stored ones.
    public let iterations: Int

    /// Creates a hasher for `iterations` PBKDF2 rounds (at least 1).
    public init(iterations: Int) {
        precondition(iterations >= 1 && iterations <= Int(UInt32.max),
                     "PBKDF2 iterations out of range: \(iterations)")
        self.iterations = iterations
    }

    /// Hashes `password` (its UTF-8 bytes) with a fresh 16-byte random salt.
    public func hash(_ password: String) -> PasswordHash {
        let salt = OpenSSL.randomBytes(Self.saltLength)
        let key = Self.derive(password, salt: salt, iterations: iterations, length: Self.hashLength)
        return PasswordHash(hash: key, salt: salt, iterations: iterations)
    }

    /// What checking a password found, and the PBKDF2 work it took.
    public struct Check: Sendable, Equatable {
        /// Whether the password was right.
        public let matched: Bool
        /// PBKDF2 iterations spent, counting each 32-byte block of a longer derived key:
        /// never less than the configured count, whoever the user (or no user) is.
        public let iterations: Int
    }

    /// Whether `password` matches `stored`: `check(_:against:)`'s verdict.
    public func verify(_ password: String, against stored: PasswordHash) -> Bool {
        check(password, against: stored).matched
    }

    /// Checks `password` against `stored` (`nil`: no such user, or no password), always
    /// spending at least the configured iterations.
    ///
    /// Recomputes with the stored salt, iteration count and hash length and compares in
    /// constant time, so legacy 100000-iteration hashes (with the original's 32-byte
    /// salts) verify. A cheaper stored hash is padded with a throw-away derivation of the
    /// missing iterations: otherwise a user with an old hash would answer faster than an
    /// unknown one, and timing would tell who exists. A row too broken to verify (empty
    /// hash, count out of range) is a mismatch at full cost, not a crash.
    public func check(_ password: String, against stored: PasswordHash?) -> Check {
        guard let stored, !stored.hash.isEmpty,
              stored.iterations >= 1, stored.iterations <= Int(UInt32.max)
        else { return Check(matched: false, iterations: dummyVerify(password)) }
        let key = Self.derive(password, salt: stored.salt, iterations: stored.iterations, length: stored.hash.count)
        let matched = OpenSSL.constantTimeEqual(key, stored.hash)
        var spent = stored.iterations * Self.blocks(stored.hash.count)
        if spent < iterations {
            spent += pad(password, iterations: iterations - spent)
        }
        return Check(matched: matched, iterations: spent)
    }

    /// Whether `stored` was made with another iteration count than the
    /// configured one, so it should be replaced after a successful login.
    public func needsRehash(_ stored: PasswordHash) -> Bool {
        stored.iterations != iterations
    }

    /// Spends what verifying a password costs, for a username that does not
    /// exist, so response time does not reveal which usernames do.
    /// - Returns: the iterations spent: the configured count.
    @discardableResult
    public func dummyVerify(_ password: String) -> Int {
        pad(password, iterations: iterations)
    }

    /// Derives a throw-away key at `iterations` (one block) and compares it as `verify`
    /// would; a fixed salt is fine, the result is never used.
    private func pad(_ password: String, iterations: Int) -> Int {
        let key = Self.derive(password, salt: Self.dummySalt, iterations: iterations, length: Self.hashLength)
        _ = OpenSSL.constantTimeEqual(key, Self.dummySalt + Self.dummySalt)
        return iterations
    }

    /// PBKDF2 blocks (32-byte SHA-256 outputs) in a derived key of `length` bytes: each
    /// block costs the full iteration count.
    private static func blocks(_ length: Int) -> Int {
        (length + OpenSSL.sha256Length - 1) / OpenSSL.sha256Length
    }

    /// PBKDF2-HMAC-SHA256 of `password`'s UTF-8 bytes, its iterations in idle time so that
    /// sign-ins cannot starve page views.
    private static func derive(_ password: String, salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        OpenSSL.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: length, loop: IdleTime.run)
    }

    /// Salt for `dummyVerify`; any value works.
    private static let dummySalt = [UInt8](repeating: 0xA5, count: saltLength)
}
