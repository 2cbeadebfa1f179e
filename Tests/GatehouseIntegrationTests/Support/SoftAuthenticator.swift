import Foundation
@testable import Gatehouse
import Testing
import TestSupport

/// A passkey authenticator in software for end-to-end tests that speak HTTP directly: one
/// discoverable ES256 credential whose P-256 key the `openssl` command line makes and signs
/// with (an implementation independent of Gatehouse's libfido2 checks), answering as a
/// browser would post it through static/passkeys.js.
final class SoftAuthenticator {
    let origin: String
    let rpID: String
    let credentialID: [UInt8]
    /// The user handle the authenticator returns; set from the creation options.
    var userHandle: [UInt8] = []
    /// The counter the next answer carries (raised before each).
    var signCount: UInt32 = 0
    private let directory: String
    private let x: [UInt8]
    private let y: [UInt8]

    /// Makes a fresh key for `origin` (such as `http://localhost:8080`).
    init(origin: String) throws {
        self.origin = origin
        rpID = try #require(URL(string: origin)?.host)
        credentialID = (0..<16).map { _ in UInt8.random(in: 0...255) }
        directory = try TestEnvironment.temporaryDirectory("gatehouse-soft-authenticator")
        try Self.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", directory + "/key.pem"])
        try Self.openssl(["pkey", "-in", directory + "/key.pem", "-pubout", "-outform", "DER", "-out", directory + "/pub.der"])
        // A P-256 SubjectPublicKeyInfo ends with the uncompressed point 04 ‖ x ‖ y.
        let point = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/pub.der")).suffix(65))
        #expect(point.first == 0x04)
        x = Array(point[1..<33])
        y = Array(point[33..<65])
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// clientDataJSON for `type` (`webauthn.create` or `webauthn.get`) and `challenge` (base64url).
    func clientData(_ type: String, challenge: String, origin: String? = nil) -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(challenge)","origin":"\#(origin ?? self.origin)","crossOrigin":false}"#.utf8)
    }

    /// Authenticator data: RP ID hash, flags (UP, UV when `verified`, AT with the credential).
    func authenticatorData(verified: Bool, attested: Bool) -> [UInt8] {
        var flags: UInt8 = 0x01
        if verified { flags |= 0x04 }
        if attested { flags |= 0x40 }
        var data = OpenSSL.sha256(Array(rpID.utf8)) + [flags] + Self.bigEndian(signCount)
        if attested {
            data += [UInt8](repeating: 0, count: 16) + [0, UInt8(credentialID.count)] + credentialID
            // COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}
            data += [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20] + x + [0x22, 0x58, 0x20] + y
        }
        return data
    }

    /// The body of `POST /account/passkeys` for the creation options' `challenge`.
    func registration(challenge: String, name: String, verified: Bool = true) -> [String: String] {
        let authData = authenticatorData(verified: verified, attested: true)
        // {"fmt": "none", "attStmt": {}, "authData": bytes}
        let object = [0xA3, 0x63] + Array("fmt".utf8) + [0x64] + Array("none".utf8) + [0x67] + Array("attStmt".utf8) + [0xA0]
            + [0x68] + Array("authData".utf8) + [0x59] + Self.bigEndian16(authData.count) + authData
        return [
            "name": name, "id": Base64URL.encode(credentialID),
            "clientDataJSON": Base64URL.encode(clientData("webauthn.create", challenge: challenge)),
            "attestationObject": Base64URL.encode(object),
        ]
    }

    /// The body of `POST /auth/passkey` for the request options' `challenge`; the counter
    /// rises first unless `sameCount`.
    func assertion(challenge: String, verified: Bool = true, sameCount: Bool = false, next: String = "/",
                   origin: String? = nil) throws -> [String: String] {
        if !sameCount { signCount += 1 }
        let authData = authenticatorData(verified: verified, attested: false)
        let client = clientData("webauthn.get", challenge: challenge, origin: origin)
        try (authData + OpenSSL.sha256(client)).write(to: directory + "/signed")
        try Self.openssl(["dgst", "-sha256", "-sign", directory + "/key.pem", "-out", directory + "/sig", directory + "/signed"])
        let signature = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/sig")))
        return [
            "id": Base64URL.encode(credentialID), "clientDataJSON": Base64URL.encode(client),
            "authenticatorData": Base64URL.encode(authData), "signature": Base64URL.encode(signature),
            "userHandle": Base64URL.encode(userHandle), "next": next,
        ]
    }

    private static func openssl(_ arguments: [String]) throws {
        let outcome = try ChildProcess.run("/usr/bin/openssl", arguments)
        guard outcome.status == 0 else { throw ClientError("openssl \(arguments.first ?? ""): \(outcome.errors)") }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func bigEndian16(_ value: Int) -> [UInt8] {
        [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

private extension [UInt8] {
    func write(to path: String) throws {
        try Data(self).write(to: URL(fileURLWithPath: path))
    }
}
