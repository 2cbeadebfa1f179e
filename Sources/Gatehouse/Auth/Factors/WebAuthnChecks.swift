/// The checks of WebAuthn §7.1 and §7.2 that libfido2 leaves to the server, each its own
/// function so each has its own test.
///
/// libfido2 verifies signatures, the RP ID hash and the UP/UV flags of what it is given;
/// these checks decide what it is given and cover what it never sees: clientDataJSON
/// (type, challenge, origin), the sign count, and the whole of a `none` registration,
/// which carries no signature for libfido2 to check.
public enum WebAuthnChecks {
    /// The ceremony a clientDataJSON belongs to.
    public enum Ceremony: String, Sendable {
        case registration = "webauthn.create"
        case assertion = "webauthn.get"
    }

    /// clientDataJSON's type is the ceremony's (§7.1 step 7, §7.2 step 11), so a signed
    /// registration cannot pass as a sign-in or the other way round.
    public static func checkType(_ clientData: ClientData, _ ceremony: Ceremony) throws(WebAuthnError) {
        guard clientData.type == ceremony.rawValue else { throw .wrongType }
    }

    /// clientDataJSON's challenge is the base64url of the one issued (§7.1 step 8). The
    /// issued challenge is taken from storage once (single use, 5 minutes) by the caller.
    public static func checkChallenge(_ clientData: ClientData, issued: [UInt8]) throws(WebAuthnError) {
        guard !issued.isEmpty, clientData.challenge == Base64URL.encode(issued) else { throw .wrongChallenge }
    }

    /// clientDataJSON's origin is this site's exactly, and the page was no cross-origin frame
    /// (§7.1 steps 9-10): a phishing site's assertion carries its own origin.
    public static func checkOrigin(_ clientData: ClientData, _ party: RelyingParty) throws(WebAuthnError) {
        guard clientData.origin == party.origin, !clientData.crossOrigin else { throw .wrongOrigin }
    }

    /// The authenticator data is for this RP ID, the user was present, and verified when
    /// required (§7.1 steps 13-15). Done in Swift as well as in libfido2, since a `none`
    /// registration never reaches a libfido2 verify call.
    public static func checkAuthenticatorData(
        _ data: AuthenticatorData, _ party: RelyingParty, requireUserVerification: Bool
    ) throws(WebAuthnError) {
        guard OpenSSL.constantTimeEqual(data.rpIDHash, OpenSSL.sha256(party.id.utf8)) else { throw .rpIDMismatch }
        guard data.flags.contains(.userPresent) else { throw .userNotPresent }
        guard !requireUserVerification || data.flags.contains(.userVerified) else { throw .userNotVerified }
    }

    /// The credential key's algorithm is one Gatehouse accepts (§7.1 step 16).
    public static func algorithm(_ cose: Int) throws(WebAuthnError) -> FIDO2.Algorithm {
        guard let algorithm = FIDO2.Algorithm(rawValue: cose) else { throw .unsupportedAlgorithm(cose) }
        return algorithm
    }

    /// The sign count went up, unless the authenticator keeps none (both zero) (§7.2
    /// step 21). A count going back or standing still means a cloned key or a replay.
    public static func checkSignCount(stored: UInt32, received: UInt32) throws(WebAuthnError) {
        guard (stored == 0 && received == 0) || received > stored else {
            throw .signCountWentBack(stored: stored, received: received)
        }
    }
}
