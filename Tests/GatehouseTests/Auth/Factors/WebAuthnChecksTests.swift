import Testing

@testable import Gatehouse

/// Each server check on its own, so each test fails if its check is removed.
@Suite struct WebAuthnChecksTests {
    static let site = RelyingParty(origin: "https://example.org")!

    func clientData(_ json: String) throws -> ClientData { try ClientData(Array(json.utf8)) }

    @Test("type must be the ceremony's")
    func type() throws {
        let create = try clientData(#"{"type":"webauthn.create","challenge":"AA","origin":"https://example.org"}"#)
        try WebAuthnChecks.checkType(create, .registration)
        #expect(throws: WebAuthnError.wrongType) { try WebAuthnChecks.checkType(create, .assertion) }
    }

    @Test("challenge must be the issued one, base64url without padding")
    func challenge() throws {
        let data = try clientData(#"{"type":"webauthn.get","challenge":"AQID","origin":"https://example.org"}"#)
        try WebAuthnChecks.checkChallenge(data, issued: [1, 2, 3])
        #expect(throws: WebAuthnError.wrongChallenge) { try WebAuthnChecks.checkChallenge(data, issued: [1, 2, 4]) }
        #expect(throws: WebAuthnError.wrongChallenge) { try WebAuthnChecks.checkChallenge(data, issued: []) }
        let padded = try clientData(#"{"type":"webauthn.get","challenge":"AQI=","origin":"https://example.org"}"#)
        #expect(throws: WebAuthnError.wrongChallenge) { try WebAuthnChecks.checkChallenge(padded, issued: [1, 2]) }
    }

    @Test("origin must match exactly; crossOrigin true is refused")
    func origin() throws {
        let good = try clientData(#"{"type":"webauthn.get","challenge":"AA","origin":"https://example.org"}"#)
        try WebAuthnChecks.checkOrigin(good, Self.site)
        for origin in ["https://evil.example", "http://example.org", "https://example.org.evil", "https://EXAMPLE.org", "https://example.org/"] {
            let bad = try clientData(#"{"type":"webauthn.get","challenge":"AA","origin":"\#(origin)"}"#)
            #expect(throws: WebAuthnError.wrongOrigin) { try WebAuthnChecks.checkOrigin(bad, Self.site) }
        }
        // The W3C vector made in a cross-origin frame.
        let framed = try ClientData(hex(WebAuthnVector.noneES256CrossOrigin.registrationClientData))
        #expect(framed.crossOrigin)
        #expect(throws: WebAuthnError.wrongOrigin) { try WebAuthnChecks.checkOrigin(framed, Self.site) }
    }

    @Test("RP ID hash must be SHA-256 of this site's RP ID")
    func rpIDHash() throws {
        let data = try AuthenticatorData(hex(WebAuthnVector.noneES256.authenticatorData))
        try WebAuthnChecks.checkAuthenticatorData(data, Self.site, requireUserVerification: false)
        let other = RelyingParty(origin: "https://example.com")!
        #expect(throws: WebAuthnError.rpIDMismatch) {
            try WebAuthnChecks.checkAuthenticatorData(data, other, requireUserVerification: false)
        }
    }

    @Test("UP must be set; UV when required")
    func flags() throws {
        var raw = try hex(WebAuthnVector.noneES256.authenticatorData)
        raw[32] = 0x05 // UP + UV
        try WebAuthnChecks.checkAuthenticatorData(AuthenticatorData(raw), Self.site, requireUserVerification: true)
        raw[32] = 0x01 // UP only
        #expect(throws: WebAuthnError.userNotVerified) {
            try WebAuthnChecks.checkAuthenticatorData(AuthenticatorData(raw), Self.site, requireUserVerification: true)
        }
        raw[32] = 0x04 // UV without UP
        #expect(throws: WebAuthnError.userNotPresent) {
            try WebAuthnChecks.checkAuthenticatorData(AuthenticatorData(raw), Self.site, requireUserVerification: false)
        }
    }

    @Test("sign count strictly increases unless both are zero")
    func signCount() throws {
        try WebAuthnChecks.checkSignCount(stored: 0, received: 0)
        try WebAuthnChecks.checkSignCount(stored: 0, received: 1)
        try WebAuthnChecks.checkSignCount(stored: 41, received: 42)
        #expect(throws: WebAuthnError.signCountWentBack(stored: 42, received: 42)) {
            try WebAuthnChecks.checkSignCount(stored: 42, received: 42)
        }
        #expect(throws: WebAuthnError.signCountWentBack(stored: 42, received: 7)) {
            try WebAuthnChecks.checkSignCount(stored: 42, received: 7)
        }
        #expect(throws: WebAuthnError.signCountWentBack(stored: 42, received: 0)) {
            try WebAuthnChecks.checkSignCount(stored: 42, received: 0)
        }
    }

    @Test("only ES256, EdDSA and RS256 keys")
    func algorithms() throws {
        #expect(try WebAuthnChecks.algorithm(-7) == .es256)
        #expect(try WebAuthnChecks.algorithm(-8) == .eddsa)
        #expect(try WebAuthnChecks.algorithm(-257) == .rs256)
        for other in [-35, -36, -37, -65535, 0, 1] {
            #expect(throws: WebAuthnError.unsupportedAlgorithm(other)) { try WebAuthnChecks.algorithm(other) }
        }
    }

    @Test("relying party: https anywhere, http only on localhost, no IP address")
    func relyingParty() {
        #expect(RelyingParty(origin: "http://localhost:8080") == RelyingParty(origin: "http://LOCALHOST:8080"))
        #expect(RelyingParty(origin: "http://localhost:8080")?.origin == "http://localhost:8080")
        #expect(RelyingParty(origin: "https://example.org:443")?.origin == "https://example.org")
        #expect(RelyingParty(origin: "http://example.org") == nil)
        #expect(RelyingParty(origin: "https://127.0.0.1") == nil)
        #expect(RelyingParty(origin: "https://[::1]") == nil)
        #expect(RelyingParty(origin: "ftp://example.org") == nil)
    }
}
