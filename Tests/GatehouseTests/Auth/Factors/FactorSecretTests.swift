import Testing

@testable import Gatehouse

/// AES-256-GCM sealing of TOTP secrets and the shape of recovery codes.
@Suite struct FactorSecretTests {
    @Test("AES-256-GCM: round trip; any changed byte, other associated data or key fails")
    func gcm() {
        let key = TestBytes.random(32)
        let plaintext = TestBytes.random(20)
        let box = OpenSSL.aes256GCMSeal(key: key, plaintext: plaintext, associated: Array("ad".utf8))
        #expect(box.count == 12 + 20 + 16)
        #expect(OpenSSL.aes256GCMOpen(key: key, box: box, associated: Array("ad".utf8)) == plaintext)
        for index in box.indices {
            var tampered = box
            tampered[index] ^= 0x01
            #expect(OpenSSL.aes256GCMOpen(key: key, box: tampered, associated: Array("ad".utf8)) == nil, "byte \(index)")
        }
        #expect(OpenSSL.aes256GCMOpen(key: key, box: box, associated: Array("ae".utf8)) == nil)
        #expect(OpenSSL.aes256GCMOpen(key: TestBytes.random(32), box: box, associated: Array("ad".utf8)) == nil)
        #expect(OpenSSL.aes256GCMOpen(key: key, box: Array(box.prefix(27)), associated: Array("ad".utf8)) == nil)
        #expect(OpenSSL.aes256GCMOpen(key: key, box: [], associated: []) == nil)
        // A fresh nonce each time: the same secret never gives the same box.
        #expect(OpenSSL.aes256GCMSeal(key: key, plaintext: plaintext, associated: []) != OpenSSL.aes256GCMSeal(key: key, plaintext: plaintext, associated: []))
        #expect(OpenSSL.aes256GCMOpen(key: key, box: OpenSSL.aes256GCMSeal(key: key, plaintext: [], associated: []), associated: []) == [])
    }

    @Test("AES-256-GCM opens the GCM spec's test case 16 (AES-256, 60 bytes, with associated data)")
    func knownAnswer() {
        let key = TestBytes.hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        let nonce = TestBytes.hex("cafebabefacedbaddecaf888")
        let ciphertext = TestBytes.hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662")
        let tag = TestBytes.hex("76fc6ece0f4e1768cddf8853bb2d551b")
        let aad = TestBytes.hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let plaintext = TestBytes.hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
        #expect(OpenSSL.aes256GCMOpen(key: key, box: nonce + ciphertext + tag, associated: aad) == plaintext)
    }

    @Test("A secret sealed for one user does not open for another or under another SECRET_KEY")
    func boundToUser() {
        let key = FactorSecretKey(secretKey: Array("k".utf8))
        let box = key.seal([1, 2, 3], userID: 7)
        #expect(key.open(box, userID: 7) == [1, 2, 3])
        #expect(key.open(box, userID: 8) == nil)
        #expect(FactorSecretKey(secretKey: Array("j".utf8)).open(box, userID: 7) == nil)
    }

    @Test("Recovery codes: 60 bits in three groups; typed forms normalised, garbage refused")
    func recoveryCodes() {
        let codes = (0..<50).map { _ in RecoveryCodes.generate() }
        #expect(Set(codes).count == 50)
        for code in codes {
            #expect(code.count == 14 && code.split(separator: "-").count == 3)
            #expect(RecoveryCodes.normalized(code) == code.filter { $0 != "-" })
            #expect(RecoveryCodes.normalized(code.uppercased()) == code.filter { $0 != "-" })
        }
        for garbage in ["", "abcd-efgh-ijk", "abcd-efgh-ijkl1", "abcd-efgh-ijk1", "abcd-efgh-ijk8", "abcd efgh ijkl m", "ábcd-efgh-ijkl"] {
            #expect(RecoveryCodes.normalized(garbage) == nil, "\(garbage)")
        }
        #expect(RecoveryCodes.normalized("ABCD EFGH IJKL") == "abcdefghijkl")
    }
}
