/// A stored PBKDF2-HMAC-SHA256 password hash: derived key, salt and
/// iteration count, as kept in `users.p_hash`, `users.p_salt` and the
/// per-user iterations column.
public struct PasswordHash: Sendable, Equatable {
    /// The derived key (`p_hash`); its length is the dkLen to verify with.
    public var hash: [UInt8]
    /// The per-user random salt (`p_salt`).
    public var salt: [UInt8]
    /// The PBKDF2 iteration count the hash was made with.
    public var iterations: Int

    /// Wraps a hash, salt and iteration count.
    public init(hash: [UInt8], salt: [UInt8], iterations: Int) {
        self.hash = hash
        self.salt = salt
        self.iterations = iterations
    }

    /// Wraps a row as stored, where a null iteration count marks a hash
    /// written by the original design, which always used 100000.
    public init(hash: [UInt8], salt: [UInt8], storedIterations: Int?) {
        self.init(hash: hash, salt: salt,
                  iterations: storedIterations ?? PasswordHasher.legacyIterations)
    }
}
