import Testing

@testable import Gatehouse

/// The W3C WebAuthn Level 3 test vectors through the whole verifier (server checks, then
/// libfido2), and one negative per check that would pass the vector if the check were gone.
@Suite struct PasskeyVerifierTests {
    static let site = RelyingParty(origin: "https://example.org")!

    @Test("each vector (W3C, and the generated RS256) registers and its assertion verifies with the stored key", arguments: WebAuthnVector.accepted)
    func vectorsVerify(vector: WebAuthnVector) throws {
        let passkey = try register(vector)
        #expect(try passkey.credential.id == AttestedID.of(vector))
        let assertion = try authenticate(vector, stored: stored(passkey))
        #expect(try assertion.signCount == AuthenticatorData(hex(vector.authenticatorData)).signCount)
    }

    @Test("the stored public key has libfido2's form per algorithm")
    func publicKeyForms() throws {
        #expect(try register(.noneES256).credential.algorithm == .es256)
        #expect(try register(.noneES256).credential.publicKey.count == 64)
        #expect(try register(.generatedRS256).credential.algorithm == .rs256)
        #expect(try register(.generatedRS256).credential.publicKey.count == 259)
        #expect(try register(.packedEd25519).credential.algorithm == .eddsa)
        #expect(try register(.packedEd25519).credential.publicKey.count == 32)
    }

    @Test("the W3C RS256 vector's 3482-bit key is refused cleanly by libfido2 (RSA-2048 only)")
    func rsaBeyond2048() {
        #expect(throws: WebAuthnError.signature(FIDO2.Failure(step: "fido_cred_set_authdata_raw", code: -7))) {
            try register(.packedRS256)
        }
    }

    @Test("a wrong challenge is refused at registration and at sign-in")
    func wrongChallenge() throws {
        let vector = WebAuthnVector.noneES256
        #expect(throws: WebAuthnError.wrongChallenge) {
            try register(vector, challenge: hex(vector.assertionChallenge))
        }
        #expect(throws: WebAuthnError.wrongChallenge) {
            try authenticate(vector, stored: stored(register(vector)), challenge: hex(vector.registrationChallenge))
        }
    }

    @Test("another origin of the same RP ID is refused")
    func wrongOrigin() throws {
        let vector = WebAuthnVector.packedSelfES256
        let otherPort = RelyingParty(origin: "https://example.org:8443")!
        #expect(otherPort.id == "example.org")
        #expect(throws: WebAuthnError.wrongOrigin) { try register(vector, party: otherPort) }
        #expect(throws: WebAuthnError.wrongOrigin) {
            try authenticate(vector, stored: stored(register(vector)), party: otherPort)
        }
    }

    @Test("a registration's clientDataJSON is no sign-in")
    func wrongType() throws {
        let vector = WebAuthnVector.noneES256
        #expect(throws: WebAuthnError.wrongType) {
            try PasskeyVerifier.authenticate(
                authenticatorData: hex(vector.authenticatorData), clientDataJSON: hex(vector.registrationClientData),
                signature: hex(vector.signature), issuedChallenge: hex(vector.registrationChallenge),
                stored: stored(register(vector)), party: Self.site, requireUserVerification: false)
        }
    }

    @Test("UV required but not set: refused by the server check before libfido2")
    func userVerificationMissing() throws {
        let vector = WebAuthnVector.noneES256 // assertion flags 0x19: UP, no UV
        let key = try stored(register(vector))
        #expect(throws: WebAuthnError.userNotVerified) {
            try authenticate(vector, stored: key, requireUserVerification: true)
        }
    }

    @Test("a generated RS256 passkey with UV counts as verified, and its count moves 0 → 1")
    func rs256WithUserVerification() throws {
        let passkey = try register(.generatedRS256, uv: true)
        #expect(passkey.userVerified)
        let assertion = try authenticate(.generatedRS256, stored: stored(passkey), requireUserVerification: true)
        #expect(assertion == PasskeyVerifier.Assertion(signCount: 1, userVerified: true))
        #expect(throws: WebAuthnError.signCountWentBack(stored: 1, received: 1)) {
            try authenticate(.generatedRS256, stored: .init(publicKey: passkey.credential.publicKey, algorithm: .rs256, signCount: 1))
        }
    }

    @Test("a sign count going back is refused even with a good signature")
    func counterBack() throws {
        let vector = WebAuthnVector.packedES256
        let passkey = try register(vector)
        let ahead = PasskeyVerifier.StoredKey(
            publicKey: passkey.credential.publicKey, algorithm: passkey.credential.algorithm, signCount: 7)
        #expect(throws: WebAuthnError.signCountWentBack(stored: 7, received: 0)) {
            try authenticate(vector, stored: ahead)
        }
    }

    @Test("a changed signature, authenticator data or key is refused by libfido2")
    func badSignature() throws {
        let vector = WebAuthnVector.packedES256
        let key = try stored(register(vector))
        var signature = try hex(vector.signature)
        signature[signature.count / 2] ^= 0x01
        #expect(throws: WebAuthnError.self) {
            try PasskeyVerifier.authenticate(
                authenticatorData: hex(vector.authenticatorData), clientDataJSON: hex(vector.assertionClientData),
                signature: signature, issuedChallenge: hex(vector.assertionChallenge), stored: key,
                party: Self.site, requireUserVerification: false)
        }
        let otherKey = try stored(register(.packedEd25519))
        #expect(throws: WebAuthnError.self) { try authenticate(vector, stored: otherKey) }
    }

    @Test("a packed self-attestation with a broken signature is refused")
    func brokenPackedSignature() throws {
        var object = try hex(WebAuthnVector.packedSelfES256.attestationObject)
        // The sig byte string starts after "63736967 5846"; flip a byte well inside it.
        object[40] ^= 0x01
        #expect {
            try PasskeyVerifier.register(
                attestationObject: object, clientDataJSON: hex(WebAuthnVector.packedSelfES256.registrationClientData),
                issuedChallenge: hex(WebAuthnVector.packedSelfES256.registrationChallenge), party: Self.site,
                requireUserVerification: false)
        } throws: { error in
            guard case .signature(let failure)? = error as? WebAuthnError else { return false }
            return failure.step == "fido_cred_verify_self"
        }
    }

    // MARK: helpers

    func register(
        _ vector: WebAuthnVector, challenge: [UInt8]? = nil, party: RelyingParty = site, uv: Bool = false
    ) throws -> PasskeyVerifier.NewPasskey {
        try PasskeyVerifier.register(
            attestationObject: hex(vector.attestationObject), clientDataJSON: hex(vector.registrationClientData),
            issuedChallenge: challenge ?? hex(vector.registrationChallenge), party: party, requireUserVerification: uv)
    }

    func authenticate(
        _ vector: WebAuthnVector, stored: PasskeyVerifier.StoredKey, challenge: [UInt8]? = nil,
        party: RelyingParty = site, requireUserVerification: Bool = false
    ) throws -> PasskeyVerifier.Assertion {
        try PasskeyVerifier.authenticate(
            authenticatorData: hex(vector.authenticatorData), clientDataJSON: hex(vector.assertionClientData),
            signature: hex(vector.signature), issuedChallenge: challenge ?? hex(vector.assertionChallenge),
            stored: stored, party: party, requireUserVerification: requireUserVerification)
    }

    func stored(_ passkey: PasskeyVerifier.NewPasskey) -> PasskeyVerifier.StoredKey {
        .init(publicKey: passkey.credential.publicKey, algorithm: passkey.credential.algorithm, signCount: passkey.signCount)
    }
}

/// Decodes a vector's hex.
func hex(_ text: String) throws -> [UInt8] {
    try #require(Hex.decode(text.utf8))
}

/// The credential id inside a vector's authenticator data, read by the Swift parser.
enum AttestedID {
    static func of(_ vector: WebAuthnVector) throws -> [UInt8]? {
        try AttestationObject(hex(vector.attestationObject)).authenticatorData.attestedCredential?.credentialID
    }
}
