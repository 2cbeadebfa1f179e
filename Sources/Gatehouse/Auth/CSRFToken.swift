/// The CSRF token every form must echo as `csrf_token`:
/// HMAC-SHA256(SECRET_KEY, session token text), base64url without padding
/// (43 characters).
///
/// Bound to the session token, so a token from another session, or made
/// with another deployment's key, never verifies; nothing is stored.
public enum CSRFToken {
    /// Characters in a CSRF token: base64url of a 32-byte HMAC, unpadded.
    public static let textLength = 43

    /// Makes the token for `sessionToken`.
    /// - Parameters:
    ///   - key: the deployment's SECRET_KEY, prepared once (`Application.csrfKey`).
    ///   - sessionToken: the token in the visitor's `session` cookie.
    public static func make(key: OpenSSL.HMACKey, sessionToken: SessionToken) -> String {
        Base64URL.encode(key.tag(sessionToken.text.utf8))
    }

    /// Checks a submitted `csrf_token` against the one expected for this
    /// session, in constant time.
    ///
    /// A value of the wrong length is rejected before any HMAC is computed:
    /// the expected length is public, so this reveals nothing.
    public static func verify(_ submitted: String, key: OpenSSL.HMACKey, sessionToken: SessionToken) -> Bool {
        guard submitted.utf8.count == textLength else { return false }
        let expected = make(key: key, sessionToken: sessionToken)
        return OpenSSL.constantTimeEqual(Array(submitted.utf8), Array(expected.utf8))
    }

    /// `make` with a key prepared for this one call.
    public static func make(secretKey: [UInt8], sessionToken: SessionToken) -> String {
        make(key: OpenSSL.HMACKey(secretKey), sessionToken: sessionToken)
    }

    /// `verify` with a key prepared for this one call.
    public static func verify(_ submitted: String, secretKey: [UInt8], sessionToken: SessionToken) -> Bool {
        verify(submitted, key: OpenSSL.HMACKey(secretKey), sessionToken: sessionToken)
    }
}

/// The CSRF token for `sessionToken`; the same as `CSRFToken.make`.
public func csrfToken(secretKey: [UInt8], sessionToken: SessionToken) -> String {
    CSRFToken.make(secretKey: secretKey, sessionToken: sessionToken)
}

/// Whether `submitted` is this session's CSRF token; the same as `CSRFToken.verify`.
public func verifyCSRF(submitted: String, secretKey: [UInt8], sessionToken: SessionToken) -> Bool {
    CSRFToken.verify(submitted, secretKey: secretKey, sessionToken: sessionToken)
}
