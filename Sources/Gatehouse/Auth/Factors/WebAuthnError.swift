/// Why a passkey registration or assertion was refused; each case is one server check, so
/// routes can log it and answer a 4xx without detail.
public enum WebAuthnError: Error, Sendable, Equatable {
    /// Bytes that are no well-formed attestation object, authenticator data or clientDataJSON.
    case malformed(String)
    /// An attestation format other than `none` and `packed`.
    case unsupportedAttestation(String)
    /// A credential algorithm other than ES256, RS256 and EdDSA.
    case unsupportedAlgorithm(Int)
    /// clientDataJSON's `type` is not the ceremony's.
    case wrongType
    /// clientDataJSON's `challenge` is not the one issued (or it was used or expired).
    case wrongChallenge
    /// clientDataJSON's `origin` is not this site's, or `crossOrigin` is true.
    case wrongOrigin
    /// The authenticator data's RP ID hash is not SHA-256 of this site's RP ID.
    case rpIDMismatch
    /// The user-present flag is missing.
    case userNotPresent
    /// User verification was required and the UV flag is missing.
    case userNotVerified
    /// The sign count did not increase: a cloned authenticator or a replayed assertion.
    case signCountWentBack(stored: UInt32, received: UInt32)
    /// The assertion's user handle is missing in a passkey-only sign-in, or names another
    /// user than the passkey's owner.
    case wrongUser
    /// No stored passkey has the credential id.
    case unknownCredential
    /// libfido2 refused the credential or signature.
    case signature(FIDO2.Failure)
}
