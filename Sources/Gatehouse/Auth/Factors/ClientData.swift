/// The fields of clientDataJSON (WebAuthn §5.8.1) the server checks: `type`, `challenge`
/// (base64url as sent), `origin` and `crossOrigin`.
///
/// Read by a strict JSON reader of its own: one top-level object, no duplicate member,
/// valid UTF-8 and escapes, nested values (`tokenBinding`, future members) skipped within a
/// depth limit, nothing after the object. The bytes are also what the signature covers
/// (through their SHA-256), so they are kept exactly as received.
public struct ClientData: Sendable, Equatable {
    /// The largest clientDataJSON accepted.
    public static let maxLength = 8 * 1024

    public let type: String
    public let challenge: String
    public let origin: String
    public let crossOrigin: Bool
    /// The bytes as received.
    public let raw: [UInt8]

    /// Parses clientDataJSON.
    /// - Throws: `WebAuthnError.malformed` for bad JSON or missing members.
    public init(_ raw: [UInt8]) throws(WebAuthnError) {
        guard raw.count <= Self.maxLength else { throw .malformed("clientDataJSON too long") }
        var scanner = JSONScanner(raw)
        let members = try scanner.topLevelObject()
        guard case .string(let type)? = members["type"], case .string(let challenge)? = members["challenge"],
              case .string(let origin)? = members["origin"]
        else { throw .malformed("clientDataJSON lacks type, challenge or origin") }
        switch members["crossOrigin"] {
        case nil: crossOrigin = false
        case .bool(let value)?: crossOrigin = value
        default: throw .malformed("crossOrigin is no boolean")
        }
        self.type = type
        self.challenge = challenge
        self.origin = origin
        self.raw = raw
    }
}
