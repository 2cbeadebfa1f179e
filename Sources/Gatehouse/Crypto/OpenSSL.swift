import CCrypto
import CSHA256

/// Gatehouse's only door to libcrypto: randomness, SHA-256, HMAC (SHA-256, and SHA-1 for
/// TOTP), PBKDF2, AES-256-GCM and constant-time comparison, all in terms of byte arrays.
///
/// This is the one Swift file that imports `CCrypto` (and the `CSHA256` shim
/// built on it), so no OpenSSL type can leak into the rest of the library.
/// Only non-deprecated OpenSSL 3 calls appear here; the deprecated low-level
/// SHA-256 calls that skip EVP's per-call set-up live in the C target, which
/// suppresses the warning locally.
public enum OpenSSL {
    /// Length in bytes of a SHA-256 digest and of an HMAC-SHA256 tag.
    public static let sha256Length = 32

    /// Returns `count` bytes from OpenSSL's CSPRNG (SPEC.md: session tokens are "32
    /// bytes from the OpenSSL CSPRNG").
    ///
    /// A failing CSPRNG cannot be worked around (no safe token, salt or key
    /// could be made), so failure traps instead of throwing.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= Int(Int32.max), "randomBytes: bad count \(count)")
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard RAND_bytes(buffer.baseAddress, Int32(count)) == 1 else {
                fatalError("RAND_bytes failed: the OpenSSL CSPRNG is unusable")
            }
            initialized = count
        }
    }

    /// Returns the SHA-256 digest of `bytes`.
    ///
    /// Takes any byte collection so a `String.UTF8View` is hashed in place,
    /// without first copying it into an array.
    public static func sha256<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ sha256(buffer: $0) }) {
            return digest
        }
        return Array(bytes).withUnsafeBufferPointer { sha256(buffer: $0) }
    }

    private static func sha256(buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: sha256Length) { out, initialized in
            gatehouse_sha256(buffer.baseAddress, buffer.count, out.baseAddress)
            initialized = sha256Length
        }
    }

    /// An HMAC-SHA256 key with its pad states computed once, for a key that signs
    /// on every request (SECRET_KEY): each tag then costs a few compressions and
    /// no set-up.
    public struct HMACKey: Sendable {
        private var prepared = gatehouse_hmac_sha256_key()

        /// Prepares `secret` (any length) as an HMAC-SHA256 key.
        public init(_ secret: [UInt8]) {
            secret.withUnsafeBufferPointer { secret in
                gatehouse_hmac_sha256_prepare(&prepared, secret.baseAddress, secret.count)
            }
        }

        /// Returns HMAC-SHA256(key, `message`).
        public func tag<Bytes: Collection<UInt8>>(_ message: Bytes) -> [UInt8] {
            if let tag = message.withContiguousStorageIfAvailable({ tag(buffer: $0) }) {
                return tag
            }
            return Array(message).withUnsafeBufferPointer { tag(buffer: $0) }
        }

        private func tag(buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: sha256Length) { out, initialized in
                withUnsafePointer(to: prepared) { key in
                    gatehouse_hmac_sha256(key, buffer.baseAddress, buffer.count, out.baseAddress)
                }
                initialized = sha256Length
            }
        }
    }

    /// Returns HMAC-SHA256(`key`, `message`), preparing the key for this one call.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        HMACKey(key).tag(message)
    }

    /// HKDF-SHA256 (RFC 5869): a key for one purpose (`info`) derived from a secret, so
    /// SECRET_KEY never keys two different things directly.
    /// - Parameters:
    ///   - secret: the input keying material.
    ///   - salt: optional salt; empty means the RFC's string of zeros.
    ///   - info: names the purpose, e.g. `gatehouse device cookie v1`.
    ///   - length: bytes of output, 1 ... 8160.
    public static func hkdfSHA256(secret: [UInt8], salt: [UInt8] = [], info: [UInt8], length: Int) -> [UInt8] {
        precondition(length >= 1 && length <= 255 * sha256Length, "HKDF: bad length")
        let pseudorandomKey = hmacSHA256(key: salt.isEmpty ? [UInt8](repeating: 0, count: sha256Length) : salt, message: secret)
        let expander = HMACKey(pseudorandomKey)
        var output: [UInt8] = []
        var block: [UInt8] = []
        var counter: UInt8 = 1
        while output.count < length {
            block = expander.tag(block + info + [counter])
            output += block
            counter &+= 1
        }
        return Array(output.prefix(length))
    }

    /// HMAC-SHA256 through libcrypto's one-shot `HMAC`: the reference `HMACKey` is
    /// tested against.
    public static func hmacReferenceSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        precondition(key.count <= Int(Int32.max), "hmacSHA256: key too long")
        return [UInt8](unsafeUninitializedCapacity: sha256Length) { out, initialized in
            var length: UInt32 = 0
            let result = key.withUnsafeBytes { keyBytes in
                message.withUnsafeBufferPointer { messageBytes in
                    HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(key.count),
                         messageBytes.baseAddress, messageBytes.count,
                         out.baseAddress, &length)
                }
            }
            // HMAC only fails on allocation failure or a broken libcrypto.
            precondition(result != nil && length == UInt32(sha256Length), "HMAC-SHA256 failed")
            initialized = sha256Length
        }
    }

    /// PBKDF2-HMAC-SHA256 through libcrypto's `PKCS5_PBKDF2_HMAC`.
    ///
    /// The reference the fast `pbkdf2SHA256` is tested against; about a quarter
    /// of its speed, because it rebuilds an HMAC context every iteration.
    public static func pbkdf2ReferenceSHA256(
        password: [UInt8], salt: [UInt8], iterations: Int, length: Int
    ) -> [UInt8] {
        precondition(iterations >= 1 && iterations <= Int(Int32.max), "PBKDF2: bad iterations")
        precondition(length >= 1 && length <= Int(Int32.max), "PBKDF2: bad length")
        precondition(password.count <= Int(Int32.max) && salt.count <= Int(Int32.max))
        return [UInt8](unsafeUninitializedCapacity: length) { out, initialized in
            let result = password.withUnsafeBufferPointer { passwordBytes in
                salt.withUnsafeBufferPointer { saltBytes in
                    // The C signature wants `const char *` for the password.
                    passwordBytes.withMemoryRebound(to: CChar.self) { passwordChars in
                        PKCS5_PBKDF2_HMAC(
                            passwordChars.baseAddress, Int32(password.count),
                            saltBytes.baseAddress, Int32(salt.count),
                            Int32(iterations), EVP_sha256(), Int32(length), out.baseAddress)
                    }
                }
            }
            precondition(result == 1, "PKCS5_PBKDF2_HMAC failed")
            initialized = length
        }
    }

    /// PBKDF2-HMAC-SHA256 as Gatehouse computes it: the HMAC pad states are
    /// precomputed, so each iteration is two SHA-256 block compressions.
    ///
    /// Byte-for-byte equal to `pbkdf2ReferenceSHA256` and to Python's
    /// `hashlib.pbkdf2_hmac("sha256", ...)`.
    /// - Parameters:
    ///   - password: the password's bytes (UTF-8 for a text password).
    ///   - salt: the salt; any length, including empty.
    ///   - iterations: the PBKDF2 count c, 1 ... `UInt32.max`.
    ///   - length: the derived key length dkLen in bytes, at least 1.
    ///   - loop: calls the closure it is given, which runs the iterations (a C loop that
    ///     allocates nothing and takes no lock) — under idle-time scheduling, say.
    public static func pbkdf2SHA256(
        password: [UInt8], salt: [UInt8], iterations: Int, length: Int,
        loop: (() -> Void) -> Void = { $0() }
    ) -> [UInt8] {
        precondition(iterations >= 1 && iterations <= Int(UInt32.max), "PBKDF2: bad iterations")
        precondition(length >= 1, "PBKDF2: bad length")
        return [UInt8](unsafeUninitializedCapacity: length) { out, initialized in
            let result = password.withUnsafeBufferPointer { passwordBytes in
                salt.withUnsafeBufferPointer { saltBytes in
                    var status: Int32 = 0
                    loop {
                        status = gatehouse_pbkdf2_hmac_sha256(
                            passwordBytes.baseAddress, passwordBytes.count,
                            saltBytes.baseAddress, saltBytes.count,
                            UInt32(iterations), out.baseAddress, length)
                    }
                    return status
                }
            }
            precondition(result == 1, "PBKDF2-HMAC-SHA256 failed")
            initialized = length
        }
    }

    /// Returns HMAC-SHA1(`key`, `message`): RFC 6238's TOTP algorithm, which authenticator
    /// apps compute. SHA-1's collision weakness does not touch HMAC's use as a PRF here.
    public static func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        precondition(key.count <= Int(Int32.max), "hmacSHA1: key too long")
        return [UInt8](unsafeUninitializedCapacity: 20) { out, initialized in
            var length: UInt32 = 0
            let result = key.withUnsafeBytes { keyBytes in
                message.withUnsafeBufferPointer { messageBytes in
                    HMAC(EVP_sha1(), keyBytes.baseAddress, Int32(key.count), messageBytes.baseAddress, messageBytes.count,
                         out.baseAddress, &length)
                }
            }
            precondition(result != nil && length == 20, "HMAC-SHA1 failed")
            initialized = 20
        }
    }

    /// AES-256-GCM's nonce and tag lengths, in bytes.
    public static let gcmNonceLength = 12, gcmTagLength = 16

    /// Encrypts `plaintext` with AES-256-GCM under `key` (32 bytes) and a fresh random
    /// nonce, authenticating `associated` too.
    /// - Returns: nonce ‖ ciphertext ‖ tag.
    public static func aes256GCMSeal(key: [UInt8], plaintext: [UInt8], associated: [UInt8]) -> [UInt8] {
        let nonce = randomBytes(gcmNonceLength)
        var out = [UInt8](repeating: 0, count: plaintext.count + gcmTagLength)
        let sealed = gcm(encrypt: true, key: key, nonce: nonce, input: plaintext, associated: associated, output: &out)
        precondition(sealed, "AES-256-GCM encryption failed")
        return nonce + out
    }

    /// Decrypts what `aes256GCMSeal` made; `nil` when the box is malformed or was altered
    /// (tag, nonce, ciphertext or associated data), or the key is another.
    public static func aes256GCMOpen(key: [UInt8], box: [UInt8], associated: [UInt8]) -> [UInt8]? {
        guard box.count >= gcmNonceLength + gcmTagLength else { return nil }
        var body = Array(box[gcmNonceLength...])
        return gcm(encrypt: false, key: key, nonce: Array(box.prefix(gcmNonceLength)), input: [], associated: associated, output: &body)
            ? body : nil
    }

    /// One GCM operation through EVP. Encrypting: `output` receives ciphertext ‖ tag of
    /// `input`. Decrypting: `output` holds ciphertext ‖ tag and gets the plaintext in place.
    private static func gcm(encrypt: Bool, key: [UInt8], nonce: [UInt8], input: [UInt8], associated: [UInt8],
                            output: inout [UInt8]) -> Bool {
        precondition(key.count == 32, "AES-256-GCM needs a 32-byte key")
        guard let cipher = EVP_CIPHER_CTX_new() else { return false }
        defer { EVP_CIPHER_CTX_free(cipher) }
        let textLength = encrypt ? input.count : output.count - gcmTagLength
        let source = encrypt ? input : Array(output.prefix(textLength))
        var tag = encrypt ? [UInt8](repeating: 0, count: gcmTagLength) : Array(output.suffix(gcmTagLength))
        var text = [UInt8](repeating: 0, count: textLength + 16)
        var written: Int32 = 0, finalLength: Int32 = 0
        let initialised = encrypt
            ? EVP_EncryptInit_ex(cipher, EVP_aes_256_gcm(), nil, key, nonce)
            : EVP_DecryptInit_ex(cipher, EVP_aes_256_gcm(), nil, key, nonce)
        guard initialised == 1 else { return false }
        let update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate
        if !associated.isEmpty {
            var ignored: Int32 = 0
            guard update(cipher, nil, &ignored, associated, Int32(associated.count)) == 1 else { return false }
        }
        if !source.isEmpty {
            guard update(cipher, &text, &written, source, Int32(source.count)) == 1 else { return false }
        }
        if encrypt {
            guard text.withUnsafeMutableBufferPointer({ EVP_EncryptFinal_ex(cipher, $0.baseAddress! + Int(written), &finalLength) }) == 1,
                  EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_GET_TAG, Int32(gcmTagLength), &tag) == 1 else { return false }
            output = Array(text.prefix(textLength)) + tag
            return true
        }
        guard EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_TAG, Int32(gcmTagLength), &tag) == 1,
              text.withUnsafeMutableBufferPointer({ EVP_DecryptFinal_ex(cipher, $0.baseAddress! + Int(written), &finalLength) }) == 1
        else { return false }
        output = Array(text.prefix(textLength))
        return true
    }

    /// Compares two byte strings in time that depends only on their lengths
    /// (`CRYPTO_memcmp`).
    ///
    /// Lengths are not secret here (digests and tags have fixed sizes), so a
    /// length mismatch returns `false` at once, before any content is read.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { aBytes in
            b.withUnsafeBytes { bBytes in
                CRYPTO_memcmp(aBytes.baseAddress, bBytes.baseAddress, a.count) == 0
            }
        }
    }
}
