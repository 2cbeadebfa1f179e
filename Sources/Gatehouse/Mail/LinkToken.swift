/// The secret part of a link sent by mail (`/auth/confirm-email/<token>`): 32 CSPRNG bytes
/// as 43 base64url characters. Only `digest`, its SHA-256, is stored, so the table
/// alone opens nothing; the token itself exists only in the mail.
struct LinkToken: Sendable, Hashable {
    /// The 43 characters that go into the link.
    let text: String

    private init(validatedText: String) {
        text = validatedText
    }

    /// A fresh token from the OpenSSL CSPRNG.
    static func generate() -> LinkToken {
        LinkToken(validatedText: Base64URL.encode(OpenSSL.randomBytes(SessionToken.byteCount)))
    }

    /// Accepts exactly 43 base64url characters; anything else is no token (and costs no query).
    init?(_ text: String) {
        guard text.utf8.count == SessionToken.textLength, text.utf8.allSatisfy(Base64URL.isSymbol) else { return nil }
        self.text = text
    }

    /// SHA-256 of the token text's UTF-8 bytes: the 32 bytes stored in `digest` columns.
    var digest: [UInt8] { OpenSSL.sha256(text.utf8) }
}

extension LinkToken: CustomStringConvertible {
    /// Never the token itself, so a log line holds no usable link.
    var description: String { "LinkToken(\(Hex.lower(digest).prefix(12))…)" }
}
