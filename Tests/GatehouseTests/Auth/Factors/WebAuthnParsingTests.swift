import Testing

@testable import Gatehouse

/// Malformed, truncated, oversized and trailing input is refused by the Swift parsers
/// before anything reaches libfido2.
@Suite struct WebAuthnParsingTests {
    @Test("CBOR: the kinds WebAuthn uses decode; everything else is refused")
    func cbor() throws {
        var reader = try CBORReader([0xA2, 0x01, 0x02, 0x20, 0x43, 0x61, 0x62, 0x63])
        #expect(try reader.readOnlyValue() == .map([.init(key: .unsigned(1), value: .unsigned(2)),
                                                     .init(key: .negative(0), value: .bytes([0x61, 0x62, 0x63]))]))
        let refused: [([UInt8], CBORError)] = [
            ([0x01, 0x00], .trailingBytes),
            ([0x43, 0x61], .truncated),                        // byte string shorter than its length
            ([0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], .truncated), // a forged 2^64 length
            ([0x9A, 0x7F, 0xFF, 0xFF, 0xFF], .truncated),      // an array count beyond the input
            ([0x5F, 0x41, 0x00, 0xFF], .unsupported),          // indefinite length
            ([0xC2, 0x41, 0x00], .unsupported),                // tag
            ([0xF9, 0x3C, 0x00], .unsupported),                // half float
            ([0xF7], .unsupported),                            // undefined
            ([0x1C], .unsupported),                            // reserved additional information
            ([0x62, 0xC3, 0x28], .invalidText),                // bad UTF-8
            ([0xA2, 0x01, 0x00, 0x01, 0x00], .duplicateKey),
            ([UInt8](repeating: 0x81, count: 10) + [0x00], .tooDeep),
            ([], .truncated),
        ]
        for (bytes, error) in refused {
            #expect(throws: error) { var reader = try CBORReader(bytes); _ = try reader.readOnlyValue() }
        }
        #expect(throws: CBORError.oversized) { try CBORReader([UInt8](repeating: 0, count: CBORReader.maxInput + 1)) }
    }

    @Test("attestation object: truncated at every length, trailing bytes, oversized")
    func attestationObject() throws {
        let object = try hex(WebAuthnVector.noneES256.attestationObject)
        _ = try AttestationObject(object)
        for length in 0..<object.count {
            #expect(throws: WebAuthnError.self) { try AttestationObject(Array(object.prefix(length))) }
        }
        #expect(throws: WebAuthnError.malformed("CBOR: trailingBytes")) { try AttestationObject(object + [0x00]) }
        #expect(throws: WebAuthnError.malformed("CBOR: oversized")) {
            try AttestationObject(object + [UInt8](repeating: 0, count: CBORReader.maxInput))
        }
    }

    @Test("attestation formats: none must have an empty statement; others than none/packed are refused")
    func formats() throws {
        let object = try hex(WebAuthnVector.noneES256.attestationObject)
        let noneHead = try hex("a363666d74646e6f6e656761747453746d74a0") // {"fmt":"none","attStmt":{}
        #expect(Array(object.prefix(noneHead.count)) == noneHead)
        let rest = Array(object.dropFirst(noneHead.count))
        let u2f = try hex("a363666d74686669646f2d7532666761747453746d74a0") + rest
        #expect(throws: WebAuthnError.unsupportedAttestation("fido-u2f")) { try AttestationObject(u2f) }
        let stuffed = try hex("a363666d74646e6f6e656761747453746d74a1637369674100") + rest
        #expect(throws: WebAuthnError.malformed("none attestation with a statement")) { try AttestationObject(stuffed) }
        let twice = try hex("a463666d74646e6f6e65") + Array(object.dropFirst(1)) // fmt twice; the map says 4 entries
        #expect(throws: WebAuthnError.self) { try AttestationObject(twice) }
    }

    @Test("authenticator data: trailing bytes, short data, a credential id over 1023 bytes")
    func authenticatorData() throws {
        let assertion = try hex(WebAuthnVector.noneES256.authenticatorData)
        _ = try AuthenticatorData(assertion)
        #expect(throws: WebAuthnError.malformed("trailing bytes after authenticator data")) {
            try AuthenticatorData(assertion + [0x00])
        }
        #expect(throws: WebAuthnError.malformed("authenticator data length")) { try AuthenticatorData(Array(assertion.prefix(36))) }
        var long = Array(assertion.prefix(32)) + [0x41, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16) + [0x04, 0x00]
        long += [UInt8](repeating: 7, count: 1024) + [0xA1, 0x03, 0x26]
        #expect(throws: WebAuthnError.malformed("credential id length")) { try AuthenticatorData(long) }
        let registration = try AttestationObject(hex(WebAuthnVector.noneES256.attestationObject)).authenticatorData
        #expect(registration.attestedCredential?.algorithm == -7)
        #expect(registration.attestedCredential?.credentialID.count == 32)
        #expect(throws: WebAuthnError.malformed("trailing bytes after authenticator data")) {
            try AuthenticatorData(registration.raw + [0xA0])
        }
    }

    @Test("clientDataJSON: strict JSON, escapes, duplicates, trailing bytes, size")
    func clientData() throws {
        let parsed = try ClientData(Array(#" {"type":"webauthn.get","challenge":"AA","origin":"https:\/\/example.org","crossOrigin":false,"other":{"a":[1,2.5e3,null,"\u00e9"]}} "#.utf8))
        #expect(parsed.origin == "https://example.org")
        #expect(try ClientData(Array(#"{"type":"\ud83d\ude00","challenge":"","origin":""}"#.utf8)).type == "😀")
        let refused = [
            #"{"type":"webauthn.get","challenge":"AA"}"#,
            #"{"type":"webauthn.get","challenge":"AA","origin":"o","origin":"p"}"#,
            #"{"type":"webauthn.get","challenge":"AA","origin":"o"}x"#,
            #"{"type":"webauthn.get","challenge":"AA","origin":"o","crossOrigin":"false"}"#,
            #"{"type":"webauthn.get","challenge":"AA","origin":"o\ud800"}"#,
            #"{"type":"webauthn.get","challenge":"AA","origin":"o"#,
            #"{"type":"webauthn.get","challenge":"AA","origin":"o","x":[[[[[[[[[[1]]]]]]]]]]}"#,
            #"["type"]"#, "",
        ]
        for json in refused {
            #expect(throws: WebAuthnError.self) { try ClientData(Array(json.utf8)) }
        }
        #expect(throws: WebAuthnError.malformed("clientDataJSON too long")) {
            try ClientData([UInt8](repeating: 0x20, count: ClientData.maxLength + 1))
        }
    }
}
