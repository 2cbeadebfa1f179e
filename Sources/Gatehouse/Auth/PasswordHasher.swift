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

    /// Whether `password` matches `stored`, recomputed with the stored salt,
    /// iteration count and hash length, and compared in constant time.
    ///
    /// Works for any stored count, so legacy 100000-iteration hashes (with the
    /// original's 32-byte salts) verify. A row too broken to verify (empty
    /// hash, count below 1) is a mismatch, not a crash.
    public func verify(_ password: String, against stored: PasswordHash) -> Bool {
        guard !stored.hash.isEmpty,
              stored.iterations >= 1, stored.iterations <= Int(UInt32.max)
        else { return false }
        let key = Self.derive(password, salt: stored.salt, iterations: stored.iterations, length: stored.hash.count)
        return OpenSSL.constantTimeEqual(key, stored.hash)
    }

    /// Whether `stored` was made with another iteration count than the
    /// configured one, so it should be replaced after a successful login.
    public func needsRehash(_ stored: PasswordHash) -> Bool {
        stored.iterations != iterations
    }

    /// Spends what verifying a password costs, for a username that does not
    /// exist, so response time does not reveal which usernames do.
    public func dummyVerify(_ password: String) {
        // A fixed salt is fine: the result is thrown away. The comparison keeps
        // the work identical to `verify`'s.
        let key = Self.derive(password, salt: Self.dummySalt, iterations: iterations, length: Self.hashLength)
        _ = OpenSSL.constantTimeEqual(key, Self.dummySalt + Self.dummySalt)
    }

    /// PBKDF2-HMAC-SHA256 of `password`'s UTF-8 bytes, its iterations in idle time so that
    /// sign-ins cannot starve page views.
    private static func derive(_ password: String, salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        OpenSSL.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: length, loop: IdleTime.run)
    }

    /// Salt for `dummyVerify`; any value works.
    private static let dummySalt = [UInt8](repeating: 0xA5, count: saltLength)
}
