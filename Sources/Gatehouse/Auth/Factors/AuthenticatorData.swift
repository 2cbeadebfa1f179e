/// WebAuthn authenticator data (§6.1): RP ID hash, flags, sign count and, at
/// registration, the attested credential (AAGUID, credential id, COSE key).
///
/// Parsed strictly: every byte must belong to a field the flags announce, so nothing
/// trails the structure (libfido2 ignores trailing bytes; this parser does not).
public struct AuthenticatorData: Sendable, Equatable {
    /// The flag bits Gatehouse reads.
    public struct Flags: OptionSet, Sendable, Equatable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// User present.
        public static let userPresent = Flags(rawValue: 0x01)
        /// User verified (PIN, biometrics).
        public static let userVerified = Flags(rawValue: 0x04)
        /// Attested credential data included.
        public static let attestedCredential = Flags(rawValue: 0x40)
        /// Extension data included.
        public static let extensions = Flags(rawValue: 0x80)
    }

    /// The attested credential of a registration.
    public struct AttestedCredential: Sendable, Equatable {
        public let aaguid: [UInt8]
        public let credentialID: [UInt8]
        /// The COSE key's algorithm (label 3).
        public let algorithm: Int
    }

    /// The longest credential id accepted (WebAuthn §5.8.3: at most 1023 bytes).
    public static let maxCredentialIDLength = 1023

    /// The raw bytes, as libfido2 and the signature take them.
    public let raw: [UInt8]
    public let rpIDHash: [UInt8]
    public let flags: Flags
    public let signCount: UInt32
    public let attestedCredential: AttestedCredential?

    /// Parses `raw`.
    /// - Throws: `WebAuthnError.malformed` for anything short, long or inconsistent.
    public init(_ raw: [UInt8]) throws(WebAuthnError) {
        guard raw.count >= 37, raw.count <= CBORReader.maxInput else { throw .malformed("authenticator data length") }
        self.raw = raw
        rpIDHash = Array(raw[0..<32])
        flags = Flags(rawValue: raw[32])
        signCount = raw[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        var offset = 37
        if flags.contains(.attestedCredential) {
            guard raw.count >= offset + 18 else { throw .malformed("attested credential truncated") }
            let aaguid = Array(raw[offset..<offset + 16])
            let idLength = Int(raw[offset + 16]) << 8 | Int(raw[offset + 17])
            offset += 18
            guard idLength >= 1, idLength <= Self.maxCredentialIDLength else { throw .malformed("credential id length") }
            guard raw.count >= offset + idLength else { throw .malformed("credential id truncated") }
            let id = Array(raw[offset..<offset + idLength])
            offset += idLength
            var reader = try Self.reader(raw, offset)
            let key = try Self.read(&reader)
            guard case .map = key, let algorithm = key[.unsigned(3)]?.integer else {
                throw .malformed("COSE key without alg")
            }
            offset = reader.offset
            attestedCredential = AttestedCredential(aaguid: aaguid, credentialID: id, algorithm: algorithm)
        } else {
            attestedCredential = nil
        }
        if flags.contains(.extensions) {
            var reader = try Self.reader(raw, offset)
            guard case .map = try Self.read(&reader) else { throw .malformed("extensions are no map") }
            offset = reader.offset
        }
        guard offset == raw.count else { throw .malformed("trailing bytes after authenticator data") }
    }

    private static func reader(_ raw: [UInt8], _ offset: Int) throws(WebAuthnError) -> CBORReader {
        do { return try CBORReader(raw, offset: offset) } catch { throw .malformed("CBOR: \(error)") }
    }

    private static func read(_ reader: inout CBORReader) throws(WebAuthnError) -> CBORValue {
        do { return try reader.readValue() } catch { throw .malformed("CBOR: \(error)") }
    }
}
