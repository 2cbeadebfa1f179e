/// The options a page hands to `navigator.credentials.create` and `.get`, in WebAuthn's
/// JSON form (`PublicKeyCredentialCreationOptionsJSON`, `…RequestOptionsJSON`): every byte
/// string in base64url, which the script turns into ArrayBuffers.
enum PasskeyOptions {
    /// The name authenticators show for the site.
    static let siteName = "Gatehouse"
    /// How long the browser waits for the person, in milliseconds: the challenge's life.
    static let timeout = PasskeyChallengeStore.lifetime * 1000

    /// Creation options (WebAuthn §5.4): a discoverable credential of one of the three
    /// algorithms, attestation `none`, user verification preferred, and the user's own
    /// passkeys excluded so one authenticator is not registered twice.
    static func creation(party: RelyingParty, challenge: [UInt8], userHandle: [UInt8], user: User,
                         existing: [[UInt8]]) -> JSONValue {
        let displayName = [user.firstName, user.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return .object([
            ("challenge", .string(Base64URL.encode(challenge))),
            ("rp", .object([("id", .string(party.id)), ("name", .string(siteName))])),
            ("user", .object([
                ("id", .string(Base64URL.encode(userHandle))),
                ("name", .string(user.username)),
                ("displayName", .string(displayName.isEmpty ? user.username : displayName)),
            ])),
            ("pubKeyCredParams", .array([FIDO2.Algorithm.es256, .rs256, .eddsa].map { algorithm in
                .object([("type", .string("public-key")), ("alg", .int(algorithm.rawValue))])
            })),
            ("timeout", .int(timeout)),
            ("attestation", .string("none")),
            ("authenticatorSelection", .object([
                ("residentKey", .string("required")),
                ("requireResidentKey", .bool(true)),
                ("userVerification", .string("preferred")),
            ])),
            ("excludeCredentials", descriptors(existing)),
        ])
    }

    /// Request options (WebAuthn §5.5): `allowed` empty for a sign-in with a discoverable
    /// passkey and no username, else the identified user's passkeys.
    static func request(party: RelyingParty, challenge: [UInt8], allowed: [[UInt8]]) -> JSONValue {
        .object([
            ("challenge", .string(Base64URL.encode(challenge))),
            ("rpId", .string(party.id)),
            ("timeout", .int(timeout)),
            ("userVerification", .string("preferred")),
            ("allowCredentials", descriptors(allowed)),
        ])
    }

    private static func descriptors(_ ids: [[UInt8]]) -> JSONValue {
        .array(ids.map { .object([("type", .string("public-key")), ("id", .string(Base64URL.encode($0)))]) })
    }
}
