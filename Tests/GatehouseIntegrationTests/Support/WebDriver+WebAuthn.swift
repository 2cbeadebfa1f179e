import Foundation

/// The W3C WebAuthn extension commands of WebDriver (WebAuthn Level 2 §11.3), which
/// chromedriver implements: a virtual authenticator that answers `navigator.credentials`
/// without a person, and a look at the credentials it holds. Plus reading a cookie.
extension WebDriver {
    /// Adds a virtual authenticator: CTAP2 over the internal transport (a platform
    /// authenticator such as a laptop's fingerprint reader), holding discoverable
    /// credentials, verifying its user and answering without a touch.
    /// - Returns: its id, for `credentials(of:)`.
    @discardableResult
    func addVirtualAuthenticator(userVerified: Bool = true) throws -> String {
        let value = try sessionCommand("POST", "/webauthn/authenticator", [
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserConsenting": true,
            "isUserVerified": userVerified,
            "automaticPresenceSimulation": true,
        ])
        guard let id = value as? String else { throw ClientError("chromedriver gave no authenticator id: \(String(describing: value))") }
        return id
    }

    /// The credentials the virtual authenticator `id` holds, as WebDriver describes them
    /// (`credentialId`, `isResidentCredential`, `rpId`, `userHandle`, `signCount`).
    func credentials(of id: String) throws -> [[String: Any]] {
        try sessionCommand("GET", "/webauthn/authenticator/\(id)/credentials") as? [[String: Any]] ?? []
    }

    /// The value of the browser's cookie `name` for the page shown now, if it has one.
    func cookie(_ name: String) throws -> String? {
        (try? sessionCommand("GET", "/cookie/\(name)") as? [String: Any])?["value"] as? String
    }
}
