import Testing

@testable import Gatehouse

/// What libfido2 itself verifies, through the adapter alone (no Swift checks in front):
/// the signature, the RP ID hash, UP and UV, and the key type of a registration. Codes are
/// libfido2's: −5 FIDO_ERR_INVALID_PARAM, −6 FIDO_ERR_INVALID_SIG, −7 FIDO_ERR_INVALID_ARGUMENT.
@Suite struct FIDO2Tests {
    func credential(_ vector: WebAuthnVector = .packedES256) throws -> FIDO2.Credential {
        let object = try AttestationObject(hex(vector.attestationObject))
        return try FIDO2.credential(
            algorithm: .es256, authenticatorData: object.authenticatorData.raw,
            clientDataHash: OpenSSL.sha256(hex(vector.registrationClientData)), rpID: "example.org",
            packed: nil, requireUserVerification: false)
    }

    func verify(
        _ vector: WebAuthnVector = .packedES256, rpID: String = "example.org", authenticatorData: [UInt8]? = nil, uv: Bool = false
    ) throws {
        let key = try credential(vector)
        try FIDO2.verifyAssertion(
            algorithm: .es256, publicKey: key.publicKey, authenticatorData: authenticatorData ?? hex(vector.authenticatorData),
            clientDataHash: OpenSSL.sha256(hex(vector.assertionClientData)), signature: hex(vector.signature),
            rpID: rpID, requireUserVerification: uv)
    }

    @Test("the vector verifies; another RP ID fails libfido2's own RP ID hash check")
    func rpID() throws {
        try verify()
        #expect(throws: FIDO2.Failure(step: "fido_assert_verify", code: -5)) { try verify(rpID: "example.com") }
    }

    @Test("libfido2 refuses a missing UV when asked (before the signature), and a cleared UP")
    func flags() throws {
        let noUV = WebAuthnVector.noneES256
        #expect(try hex(noUV.authenticatorData)[32] & 0x04 == 0) // this vector's assertion has no UV
        try verify(noUV)
        #expect(throws: FIDO2.Failure(step: "fido_assert_verify", code: -5)) { try verify(noUV, uv: true) }
        var data = try hex(WebAuthnVector.packedES256.authenticatorData)
        data[32] &= ~0x01
        #expect(throws: FIDO2.Failure(step: "fido_assert_verify", code: -5)) { try verify(authenticatorData: data) }
    }

    @Test("a changed sign count breaks the signature")
    func signedCount() throws {
        var data = try hex(WebAuthnVector.packedES256.authenticatorData)
        data[36] = 9
        #expect(throws: FIDO2.Failure(step: "fido_assert_verify", code: -6)) { try verify(authenticatorData: data) }
    }

    @Test("a registration whose key is not of the declared type is refused while parsing")
    func declaredType() throws {
        let object = try AttestationObject(hex(WebAuthnVector.packedES256.attestationObject))
        #expect(throws: FIDO2.Failure(step: "fido_cred_set_authdata_raw", code: -7)) {
            try FIDO2.credential(
                algorithm: .eddsa, authenticatorData: object.authenticatorData.raw, clientDataHash: [UInt8](repeating: 0, count: 32),
                rpID: "example.org", packed: nil, requireUserVerification: false)
        }
    }
}
