import GatehouseSupervision

/// The two passkey ceremonies end to end over bytes: every server check of
/// `WebAuthnChecks`, then libfido2 for keys and signatures.
///
/// Routes supply the relying party, the challenge they took from storage (once) and, for
/// an assertion, the stored passkey found by credential id; they store what comes back.
public enum PasskeyVerifier {
    /// A passkey as stored: what an assertion is verified against.
    public struct StoredKey: Sendable, Equatable {
        public let publicKey: [UInt8]
        public let algorithm: FIDO2.Algorithm
        public let signCount: UInt32
        public init(publicKey: [UInt8], algorithm: FIDO2.Algorithm, signCount: UInt32) {
            self.publicKey = publicKey
            self.algorithm = algorithm
            self.signCount = signCount
        }
    }

    /// A verified registration: the credential to store and its first sign count.
    public struct NewPasskey: Sendable, Equatable {
        public let credential: FIDO2.Credential
        public let signCount: UInt32
        public let userVerified: Bool
    }

    /// A verified assertion: the sign count to store and whether the user was verified
    /// (then the passkey counts as two factors).
    public struct Assertion: Sendable, Equatable {
        public let signCount: UInt32
        public let userVerified: Bool
    }

    /// Verifies a registration (§7.1) and returns the credential to store.
    /// - Throws: `WebAuthnError` naming the first check that failed.
    public static func register(
        attestationObject: [UInt8], clientDataJSON: [UInt8], issuedChallenge: [UInt8],
        party: RelyingParty, requireUserVerification: Bool
    ) throws(WebAuthnError) -> NewPasskey {
        let clientData = try ClientData(clientDataJSON)
        try WebAuthnChecks.checkType(clientData, .registration)
        try WebAuthnChecks.checkChallenge(clientData, issued: issuedChallenge)
        try WebAuthnChecks.checkOrigin(clientData, party)
        let attestation = try AttestationObject(attestationObject)
        let data = attestation.authenticatorData
        try WebAuthnChecks.checkAuthenticatorData(data, party, requireUserVerification: requireUserVerification)
        guard let attested = data.attestedCredential else { throw .malformed("no attested credential") }
        let algorithm = try WebAuthnChecks.algorithm(attested.algorithm)
        let packed: FIDO2.PackedStatement?
        switch attestation.statement {
        case .none: packed = nil
        case .packed(let statement): packed = statement
        }
        do {
            let credential = try FIDO2.credential(
                algorithm: algorithm, authenticatorData: data.raw, clientDataHash: OpenSSL.sha256(clientDataJSON),
                rpID: party.id, packed: packed, requireUserVerification: requireUserVerification)
            guard credential.id == attested.credentialID else { throw WebAuthnError.malformed("credential id differs") }
            return NewPasskey(
                credential: credential, signCount: data.signCount, userVerified: data.flags.contains(.userVerified))
        } catch let failure as FIDO2.Failure {
            throw .signature(failure)
        } catch let error as WebAuthnError {
            throw error
        } catch {
            throw .malformed("registration")
        }
    }

    /// Verifies an assertion (§7.2) against a stored passkey.
    /// - Throws: `WebAuthnError` naming the first check that failed.
    public static func authenticate(
        authenticatorData: [UInt8], clientDataJSON: [UInt8], signature: [UInt8], issuedChallenge: [UInt8],
        stored: StoredKey, party: RelyingParty, requireUserVerification: Bool
    ) throws(WebAuthnError) -> Assertion {
        let clientData = try ClientData(clientDataJSON)
        try WebAuthnChecks.checkType(clientData, .assertion)
        try WebAuthnChecks.checkChallenge(clientData, issued: issuedChallenge)
        try WebAuthnChecks.checkOrigin(clientData, party)
        let data = try AuthenticatorData(authenticatorData)
        guard data.attestedCredential == nil else { throw .malformed("attested credential in an assertion") }
        try WebAuthnChecks.checkAuthenticatorData(data, party, requireUserVerification: requireUserVerification)
        do {
            try FIDO2.verifyAssertion(
                algorithm: stored.algorithm, publicKey: stored.publicKey, authenticatorData: authenticatorData,
                clientDataHash: OpenSSL.sha256(clientDataJSON), signature: signature, rpID: party.id,
                requireUserVerification: requireUserVerification)
        } catch {
            throw .signature(error)
        }
        // After the signature, so only a genuine signature's count is judged (and logged):
        // a count that did not rise means a cloned authenticator or a replayed assertion.
        do {
            try WebAuthnChecks.checkSignCount(stored: stored.signCount, received: data.signCount)
        } catch {
            Log.event("passkey_counter_back", ["stored": String(stored.signCount), "received": String(data.signCount)])
            throw error
        }
        return Assertion(signCount: data.signCount, userVerified: data.flags.contains(.userVerified))
    }
}
