/// OWASP's "device cookies": a browser that has signed in as a user before carries a
/// cookie proving it, and its sign-ins for that user are judged by a failure counter of
/// its own, so strangers' failures (LOGIN_USER_LIMIT, or an attacker behind the same
/// address) never lock it out.
///
/// The value is `<id>.<tag>`: 16 random bytes and HMAC-SHA256 over the user's id and
/// that id, keyed with a key derived from SECRET_KEY for this purpose alone. The user id
/// is not in the cookie; a cookie for another user (or forged) simply fails to verify and
/// the attempt counts as a stranger's.
public struct DeviceCookie: Sendable, Equatable {
    /// Random bytes naming one browser.
    static let idBytes = 16
    /// A year: the browser stays known across many sessions.
    public static let maxAge = 31_536_000
    /// HKDF `info` of the signing key.
    static let keyPurpose = Array("gatehouse device cookie v1".utf8)

    /// The cookie value.
    public let value: String

    /// The signing key, derived once from SECRET_KEY (`Application.deviceKey`).
    static func key(secretKey: [UInt8]) -> OpenSSL.HMACKey {
        OpenSSL.HMACKey(OpenSSL.hkdfSHA256(secret: secretKey, info: keyPurpose, length: OpenSSL.sha256Length))
    }

    /// The cookie's name: the session cookie's with `_device` appended, so a `__Host-`
    /// prefix carries over.
    public static func name(sessionCookie: String) -> String {
        sessionCookie + "_device"
    }

    /// A new device cookie for `userID`.
    static func issue(key: OpenSSL.HMACKey, userID: Int) -> DeviceCookie {
        let id = Base64URL.encode(OpenSSL.randomBytes(idBytes))
        return DeviceCookie(value: id + "." + tag(key: key, userID: userID, id: id))
    }

    /// The first of `values` that proves this browser signed in as `userID`, if any
    /// (a planted duplicate cannot hide the real one).
    static func verified(_ values: [String], key: OpenSSL.HMACKey, userID: Int) -> DeviceCookie? {
        let idLength = Base64URL.encodedLength(idBytes)
        let tagLength = Base64URL.encodedLength(OpenSSL.sha256Length)
        for value in values where value.utf8.count == idLength + 1 + tagLength {
            let parts = value.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].utf8.count == idLength, parts[0].utf8.allSatisfy(Base64URL.isSymbol) else { continue }
            let expected = tag(key: key, userID: userID, id: String(parts[0]))
            if OpenSSL.constantTimeEqual(Array(parts[1].utf8), Array(expected.utf8)) { return DeviceCookie(value: value) }
        }
        return nil
    }

    /// The key its failures are counted under: a digest, so the table holds no cookie.
    var counterKey: String {
        Hex.lower(OpenSSL.sha256(value.utf8).prefix(16))
    }

    /// The cookie to set, with the session cookie's attributes and a year's `Max-Age`.
    func setCookie(sessionCookie: String, secure: Bool) -> SetCookie {
        SetCookie(name: Self.name(sessionCookie: sessionCookie), value: value, maxAge: Self.maxAge, secure: secure)
    }

    private static func tag(key: OpenSSL.HMACKey, userID: Int, id: String) -> String {
        Base64URL.encode(key.tag(Array("\(userID).\(id)".utf8)))
    }
}
