/// A session token: 32 CSPRNG bytes as 43 base64url characters, the value of
/// the `session` cookie.
///
/// The token text goes only into the cookie; the database stores only
/// `storageKey`, its SHA-256, so a leaked table yields no usable cookie.
public struct SessionToken: Sendable, Hashable {
    /// Random bytes in a token: 256 bits, beyond any guessing.
    public static let byteCount = 32
    /// Characters in a token's text: base64url of 32 bytes, unpadded.
    public static let textLength = 43

    /// The cookie value: 43 base64url characters.
    public let text: String

    private init(validatedText: String) {
        text = validatedText
    }

    /// Mints a fresh token from the OpenSSL CSPRNG.
    public static func generate() -> SessionToken {
        SessionToken(validatedText: Base64URL.encode(OpenSSL.randomBytes(byteCount)))
    }

    /// Accepts a cookie value only if it is exactly 43 base64url characters.
    ///
    /// Anything else is simply not a token (`nil`, never an error), and is
    /// rejected by a length check and one pass over the bytes, so a malformed
    /// cookie costs neither an allocation nor a database query.
    public init?(cookieValue: String) {
        // Counting UTF-8 is O(1) for native strings; any non-ASCII byte fails
        // the alphabet check below anyway. The check runs on the bytes in place (the
        // generic `allSatisfy` of a UTF8View costs several times more).
        var text = cookieValue
        guard text.utf8.count == Self.textLength,
              text.withUTF8({ $0.allSatisfy(Base64URL.isSymbol) })
        else { return nil }
        self.text = text
    }

    /// The key under which the session is stored: SHA-256 of the token text's
    /// UTF-8 bytes as 64 lowercase hex digits (`session.token`).
    public var storageKey: String {
        Hex.lower(OpenSSL.sha256(text.utf8))
    }
}

extension SessionToken: CustomStringConvertible {
    /// Names the token by the start of its storage key, never its text, so a
    /// token interpolated into a log line cannot be replayed as a cookie.
    public var description: String {
        "SessionToken(\(storageKey.prefix(12))…)"
    }
}
