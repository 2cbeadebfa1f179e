/// A registration's attestation object (WebAuthn §6.5): a CBOR map of `fmt`, `attStmt`
/// and `authData`, with nothing after it.
///
/// Formats: Gatehouse asks for attestation `none` and accepts `none` (attStmt must be the
/// empty map, §8.7) and `packed` (some authenticators self-attest whatever the request);
/// a packed statement's signature is verified by libfido2, but its certificate is trusted
/// for nothing, so both end up as "no attestation". Every other format is refused rather
/// than silently accepted unverified.
public struct AttestationObject: Sendable, Equatable {
    /// The attestation statement, by format.
    public enum Statement: Sendable, Equatable {
        case none
        case packed(FIDO2.PackedStatement)
    }

    public let statement: Statement
    public let authenticatorData: AuthenticatorData

    /// Parses the attestation object's bytes.
    /// - Throws: `WebAuthnError.malformed` for bad CBOR or structure,
    ///   `.unsupportedAttestation` for a format other than `none`/`packed`.
    public init(_ bytes: [UInt8]) throws(WebAuthnError) {
        var format: String?
        var statementBytes: [UInt8]?
        var statementValue: CBORValue?
        var authData: [UInt8]?
        do {
            var reader = try CBORReader(bytes)
            let entries = try reader.readMapHeader()
            for _ in 0..<entries {
                let key = try reader.readValue()
                let start = reader.offset
                let value = try reader.readValue()
                switch (key, value) {
                case (.text("fmt"), .text(let text)) where format == nil:
                    format = text
                case (.text("attStmt"), .map) where statementValue == nil:
                    statementValue = value
                    statementBytes = reader.slice(start..<reader.offset)
                case (.text("authData"), .bytes(let data)) where authData == nil:
                    authData = data
                case (.text("fmt"), _), (.text("attStmt"), _), (.text("authData"), _):
                    throw WebAuthnError.malformed("attestation object field repeated or mistyped")
                default:
                    break // other keys carry nothing Gatehouse uses
                }
            }
            guard reader.atEnd else { throw CBORError.trailingBytes }
        } catch let error as CBORError {
            throw .malformed("CBOR: \(error)")
        } catch let error as WebAuthnError {
            throw error
        } catch {
            throw .malformed("attestation object")
        }
        guard let format, let statementValue, let statementBytes, let authData else {
            throw .malformed("attestation object lacks fmt, attStmt or authData")
        }
        authenticatorData = try AuthenticatorData(authData)
        guard authenticatorData.attestedCredential != nil else { throw .malformed("no attested credential") }
        switch format {
        case "none":
            guard statementValue == .map([]) else { throw .malformed("none attestation with a statement") }
            statement = .none
        case "packed":
            guard case .bytes = statementValue[.text("sig")], statementValue[.text("alg")]?.integer != nil else {
                throw .malformed("packed attestation without alg and sig")
            }
            let hasCertificate = statementValue[.text("x5c")] != nil
            statement = .packed(FIDO2.PackedStatement(encoded: statementBytes, hasCertificate: hasCertificate))
        default:
            throw .unsupportedAttestation(format)
        }
    }
}
