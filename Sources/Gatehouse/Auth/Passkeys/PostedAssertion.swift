/// An assertion as posted: the credential id and the three byte strings of
/// `AuthenticatorAssertionResponse`, each base64url, plus the optional user handle; either
/// in WebAuthn's JSON form (`response` nested) or flat, as `static/passkeys.js` sends it.
struct PostedAssertion {
    let credentialID: [UInt8]
    let clientDataJSON: [UInt8]
    let authenticatorData: [UInt8]
    let signature: [UInt8]
    /// nil when the authenticator returned none (allowed when the user was identified before).
    let userHandle: [UInt8]?

    /// Reads the members.
    /// - Throws: `HTTPError` 400 when one is missing, empty, or no canonical base64url.
    init(_ body: JSONBody) throws(HTTPError) {
        let response = body.credentialResponse
        guard let id = body.bytes("id"), !id.isEmpty,
              let clientData = response.bytes("clientDataJSON"), !clientData.isEmpty,
              let authenticatorData = response.bytes("authenticatorData"), !authenticatorData.isEmpty,
              let signature = response.bytes("signature"), !signature.isEmpty else {
            throw HTTPError(.badRequest, "The passkey's answer is incomplete or malformed.")
        }
        let handle = response.string("userHandle").flatMap { $0.isEmpty ? nil : $0 }
        if let handle, Base64URL.decode(handle) == nil {
            throw HTTPError(.badRequest, "The passkey's answer is incomplete or malformed.")
        }
        credentialID = id
        clientDataJSON = clientData
        self.authenticatorData = authenticatorData
        self.signature = signature
        userHandle = handle.flatMap(Base64URL.decode)
    }
}
