import CFIDO2

/// Gatehouse's only door to libfido2: the signature checks of passkey registrations and
/// assertions, in terms of byte arrays.
///
/// What libfido2 checks here: that the authenticator data's attested credential carries a
/// COSE key of the declared algorithm that decodes as such a key (its own public-key form
/// is what `Registration.publicKey` holds); for `packed` attestation the statement's
/// signature over authenticatorData ‖ clientDataHash (`fido_cred_verify` with `x5c`,
/// `fido_cred_verify_self` without), the RP ID hash and the UP/UV flags; and for an
/// assertion (`fido_assert_verify`) the RP ID hash, UP (and UV when asked) and the signature
/// with the stored key. What it leaves to the server (WebAuthnChecks): clientDataJSON's
/// type, challenge and origin, the sign count, trailing bytes after the authenticator data
/// (libfido2 ignores them), and, for `none` attestation, everything but the key decoding —
/// there is no signature, so neither verify call applies and both refuse it.
public enum FIDO2 {
    /// A credential algorithm Gatehouse accepts (COSE identifiers).
    public enum Algorithm: Int, Sendable, Equatable, CaseIterable {
        case es256 = -7
        case eddsa = -8
        case rs256 = -257
    }

    /// A libfido2 step that refused its input, named for logs and tests.
    public struct Failure: Error, Sendable, Equatable {
        /// The libfido2 call that failed.
        public let step: String
        /// libfido2's error code (`FIDO_ERR_*`).
        public let code: Int32
    }

    /// What a verified registration yields to store: libfido2's public-key form of the
    /// credential key (ES256: x ‖ y, 64 bytes; RS256: n ‖ e, 259 bytes; EdDSA: 32 bytes).
    public struct Credential: Sendable, Equatable {
        public let id: [UInt8]
        public let publicKey: [UInt8]
        public let algorithm: Algorithm
    }

    /// A `packed` attestation statement's parts (WebAuthn §8.2).
    public struct PackedStatement: Sendable, Equatable {
        /// The statement's whole CBOR map, as libfido2 decodes it itself.
        public let encoded: [UInt8]
        /// Whether `x5c` is present (basic attestation) or absent (self attestation).
        public let hasCertificate: Bool
        public init(encoded: [UInt8], hasCertificate: Bool) {
            self.encoded = encoded
            self.hasCertificate = hasCertificate
        }
    }

    /// Reads the credential out of a registration's raw authenticator data and, when a
    /// `packed` statement is given, verifies its signature.
    /// - Parameters:
    ///   - algorithm: the COSE algorithm the credential key declares.
    ///   - authenticatorData: the raw bytes (attestationObject's `authData`).
    ///   - clientDataHash: SHA-256 of clientDataJSON.
    ///   - rpID: the relying party id, e.g. `example.org`.
    ///   - packed: the attestation statement, or nil for `none` attestation.
    ///   - requireUserVerification: whether the UV flag must be set (checked when signed).
    /// - Throws: `Failure` naming the refusing call.
    public static func credential(
        algorithm: Algorithm, authenticatorData: [UInt8], clientDataHash: [UInt8], rpID: String,
        packed: PackedStatement?, requireUserVerification: Bool
    ) throws(Failure) -> Credential {
        guard let cred = fido_cred_new() else { throw Failure(step: "fido_cred_new", code: FIDO_ERR_INTERNAL) }
        defer { var owned: OpaquePointer? = cred; fido_cred_free(&owned) }
        try check("fido_cred_set_type", fido_cred_set_type(cred, Int32(algorithm.rawValue)))
        try check("fido_cred_set_rp", fido_cred_set_rp(cred, rpID, nil))
        try check("fido_cred_set_clientdata_hash", clientDataHash.withUnsafeBufferPointer {
            fido_cred_set_clientdata_hash(cred, $0.baseAddress, $0.count)
        })
        try check("fido_cred_set_authdata_raw", authenticatorData.withUnsafeBufferPointer {
            fido_cred_set_authdata_raw(cred, $0.baseAddress, $0.count)
        })
        try check("fido_cred_set_uv", fido_cred_set_uv(cred, requireUserVerification ? FIDO_OPT_TRUE : FIDO_OPT_OMIT))
        if let packed {
            try check("fido_cred_set_fmt", fido_cred_set_fmt(cred, "packed"))
            try check("fido_cred_set_attstmt", packed.encoded.withUnsafeBufferPointer {
                fido_cred_set_attstmt(cred, $0.baseAddress, $0.count)
            })
            // A certificate's key is checked against the signature, never against a trust
            // root: Gatehouse asks for no attestation and places no trust in one.
            if packed.hasCertificate {
                try check("fido_cred_verify", fido_cred_verify(cred))
            } else {
                try check("fido_cred_verify_self", fido_cred_verify_self(cred))
            }
        }
        let id = bytes(fido_cred_id_ptr(cred), fido_cred_id_len(cred))
        let key = bytes(fido_cred_pubkey_ptr(cred), fido_cred_pubkey_len(cred))
        guard !id.isEmpty, !key.isEmpty else {
            throw Failure(step: "fido_cred_pubkey_ptr", code: FIDO_ERR_INVALID_ARGUMENT)
        }
        return Credential(id: id, publicKey: key, algorithm: algorithm)
    }

    /// Verifies an assertion's signature over authenticatorData ‖ SHA-256(clientDataJSON)
    /// with a stored public key, plus the RP ID hash, UP, and UV when required.
    /// - Throws: `Failure` naming the refusing call (`FIDO_ERR_INVALID_SIG` for a bad signature).
    public static func verifyAssertion(
        algorithm: Algorithm, publicKey: [UInt8], authenticatorData: [UInt8], clientDataHash: [UInt8],
        signature: [UInt8], rpID: String, requireUserVerification: Bool
    ) throws(Failure) {
        guard let assert = fido_assert_new() else { throw Failure(step: "fido_assert_new", code: FIDO_ERR_INTERNAL) }
        defer { var owned: OpaquePointer? = assert; fido_assert_free(&owned) }
        try check("fido_assert_set_rp", fido_assert_set_rp(assert, rpID))
        try check("fido_assert_set_clientdata_hash", clientDataHash.withUnsafeBufferPointer {
            fido_assert_set_clientdata_hash(assert, $0.baseAddress, $0.count)
        })
        try check("fido_assert_set_count", fido_assert_set_count(assert, 1))
        try check("fido_assert_set_authdata_raw", authenticatorData.withUnsafeBufferPointer {
            fido_assert_set_authdata_raw(assert, 0, $0.baseAddress, $0.count)
        })
        try check("fido_assert_set_sig", signature.withUnsafeBufferPointer {
            fido_assert_set_sig(assert, 0, $0.baseAddress, $0.count)
        })
        try check("fido_assert_set_up", fido_assert_set_up(assert, FIDO_OPT_TRUE))
        try check("fido_assert_set_uv", fido_assert_set_uv(assert, requireUserVerification ? FIDO_OPT_TRUE : FIDO_OPT_OMIT))
        try withPublicKey(algorithm, publicKey) { key throws(Failure) in
            try check("fido_assert_verify", fido_assert_verify(assert, 0, Int32(algorithm.rawValue), key))
        }
    }

    /// Loads `bytes` into libfido2's key type for `algorithm` and hands it to `body`.
    private static func withPublicKey(
        _ algorithm: Algorithm, _ bytes: [UInt8], _ body: (UnsafeRawPointer) throws(Failure) -> Void
    ) throws(Failure) {
        switch algorithm {
        case .es256:
            guard let key = es256_pk_new() else { throw Failure(step: "es256_pk_new", code: FIDO_ERR_INTERNAL) }
            defer { var owned: OpaquePointer? = key; es256_pk_free(&owned) }
            try check("es256_pk_from_ptr", bytes.withUnsafeBytes { es256_pk_from_ptr(key, $0.baseAddress, $0.count) })
            try body(UnsafeRawPointer(key))
        case .rs256:
            guard let key = rs256_pk_new() else { throw Failure(step: "rs256_pk_new", code: FIDO_ERR_INTERNAL) }
            defer { var owned: OpaquePointer? = key; rs256_pk_free(&owned) }
            try check("rs256_pk_from_ptr", bytes.withUnsafeBytes { rs256_pk_from_ptr(key, $0.baseAddress, $0.count) })
            try body(UnsafeRawPointer(key))
        case .eddsa:
            guard let key = eddsa_pk_new() else { throw Failure(step: "eddsa_pk_new", code: FIDO_ERR_INTERNAL) }
            defer { var owned: OpaquePointer? = key; eddsa_pk_free(&owned) }
            try check("eddsa_pk_from_ptr", bytes.withUnsafeBytes { eddsa_pk_from_ptr(key, $0.baseAddress, $0.count) })
            try body(UnsafeRawPointer(key))
        }
    }

    /// Throws unless `code` is `FIDO_OK`.
    private static func check(_ step: String, _ code: Int32) throws(Failure) {
        guard code == FIDO_OK else { throw Failure(step: step, code: code) }
    }

    /// Copies `count` bytes libfido2 owns into an array.
    private static func bytes(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }
}
