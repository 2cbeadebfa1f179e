/// The AES-256-GCM key TOTP secrets are stored under, derived from SECRET_KEY with HKDF
/// for this purpose alone (the device cookie's key has another `info`), so a copy of the
/// database without the configuration yields no secret.
///
/// Each box is bound to its user id as associated data: a secret copied onto another
/// user's row fails to open instead of signing that user in.
public struct FactorSecretKey: Sendable {
    /// HKDF `info` of the key.
    static let purpose = Array("gatehouse totp secret v1".utf8)
    private let key: [UInt8]

    /// Derives the key from SECRET_KEY.
    public init(secretKey: [UInt8]) {
        key = OpenSSL.hkdfSHA256(secret: secretKey, info: Self.purpose, length: 32)
    }

    /// `secret` encrypted for `userID`'s row.
    public func seal(_ secret: [UInt8], userID: Int) -> [UInt8] {
        OpenSSL.aes256GCMSeal(key: key, plaintext: secret, associated: Self.associated(userID))
    }

    /// The secret in `box` when it was sealed by this key for `userID`, else `nil`.
    public func open(_ box: [UInt8], userID: Int) -> [UInt8]? {
        OpenSSL.aes256GCMOpen(key: key, box: box, associated: Self.associated(userID))
    }

    private static func associated(_ userID: Int) -> [UInt8] {
        Array("totp user \(userID)".utf8)
    }
}
