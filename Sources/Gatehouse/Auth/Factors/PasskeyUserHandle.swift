/// The WebAuthn user handle Gatehouse gives a user's passkeys: HMAC-SHA256 of the user id
/// under a key derived from SECRET_KEY (HKDF), so it names the user to the authenticator
/// without revealing the id or any personal data (WebAuthn §14.6.1), and needs no column.
public struct PasskeyUserHandle: Sendable {
    /// HKDF purpose of the handle key.
    static let keyPurpose = Array("gatehouse passkey user handle v1".utf8)

    private let key: OpenSSL.HMACKey

    /// Derives the handle key from SECRET_KEY.
    public init(secretKey: [UInt8]) {
        key = OpenSSL.HMACKey(OpenSSL.hkdfSHA256(secret: secretKey, info: Self.keyPurpose, length: OpenSSL.sha256Length))
    }

    /// The 32-byte user handle of `userID` (`user.id` in the creation options).
    public func handle(for userID: Int) -> [UInt8] {
        key.tag(Array("user:\(userID)".utf8))
    }

    /// Checks an assertion's `userHandle` against the owner of the passkey found by its
    /// credential id (WebAuthn §7.2 step 6): it must be present when the user was not
    /// identified beforehand (passkey-only sign-in), and must name that owner when present.
    /// - Throws: `WebAuthnError.wrongUser`.
    public func check(_ userHandle: [UInt8]?, owner userID: Int, identifiedBefore: Bool) throws(WebAuthnError) {
        guard let userHandle else {
            if identifiedBefore { return }
            throw .wrongUser
        }
        guard OpenSSL.constantTimeEqual(userHandle, handle(for: userID)) else { throw .wrongUser }
    }
}
