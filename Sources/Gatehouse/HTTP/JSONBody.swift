/// The members of a JSON request body (`application/json`), as the passkey routes read
/// them: an object whose values Gatehouse uses are strings (most of them base64url) and,
/// for a credential in WebAuthn's JSON form, the nested `response` object.
///
/// Read with the strict scanner of WebAuthn's clientDataJSON (`JSONScanner`): duplicate
/// members, trailing bytes, invalid UTF-8 and deep nesting are refused.
struct JSONBody: Sendable {
    private let members: [String: JSONScanner.Member]

    /// Parses `bytes`; nil when they are no JSON object.
    init?(_ bytes: [UInt8]) {
        var scanner = JSONScanner(bytes)
        guard let members = try? scanner.topLevelObject() else { return nil }
        self.members = members
    }

    private init(members: [String: JSONScanner.Member]) {
        self.members = members
    }

    /// No members: the body of a request that sent none.
    static let empty = JSONBody(members: [:])

    /// The string member `name`, or nil when it is missing or no string.
    func string(_ name: String) -> String? {
        guard case .string(let value) = members[name] else { return nil }
        return value
    }

    /// The string member `name` decoded as canonical unpadded base64url, or nil when it is
    /// missing, no string, or no such base64url.
    func bytes(_ name: String) -> [UInt8]? {
        string(name).flatMap(Base64URL.decode)
    }

    /// The object member `name`, or nil when it is missing or no object.
    func object(_ name: String) -> JSONBody? {
        guard case .object(let members) = members[name] else { return nil }
        return JSONBody(members: members)
    }

    /// Where a posted credential keeps its authenticator's answer: the `response` object
    /// of WebAuthn's JSON form (`PublicKeyCredential.toJSON()`), else the body itself
    /// (the flat form static/passkeys.js sends).
    var credentialResponse: JSONBody { object("response") ?? self }
}
