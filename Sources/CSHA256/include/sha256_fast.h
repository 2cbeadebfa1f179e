#ifndef GATEHOUSE_SHA256_FAST_H
#define GATEHOUSE_SHA256_FAST_H

#include <stddef.h>
#include <stdint.h>

// SHA-256 shortcuts over libcrypto's own SHA-256 functions, for the two places
// where OpenSSL 3's EVP layer costs more than the hashing: PBKDF2's inner loop
// and the per-request SHA-256 and HMAC. Deliberately free of OpenSSL types so
// that Swift sees only plain C.

/// An HMAC-SHA256 key prepared once: the SHA-256 states after the inner and
/// outer pad blocks. Opaque; large enough for two of libcrypto's SHA256_CTX.
typedef struct {
    uint64_t opaque[32];
} gatehouse_hmac_sha256_key;

/// Prepares `key` from `secret` (any length; NULL only when the length is 0).
void gatehouse_hmac_sha256_prepare(gatehouse_hmac_sha256_key *key,
                                   const uint8_t *secret, size_t secret_len);

/// Writes HMAC-SHA256(key, message) to `out` (32 bytes): the message's
/// compressions plus two, with no per-call set-up.
void gatehouse_hmac_sha256(const gatehouse_hmac_sha256_key *key,
                           const uint8_t *message, size_t message_len,
                           uint8_t out[32]);

/// Writes SHA-256(message) to `out` (32 bytes) without an EVP algorithm fetch.
void gatehouse_sha256(const uint8_t *message, size_t message_len, uint8_t out[32]);

/// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) over libcrypto's SHA-256 block function.
///
/// The HMAC inner and outer pad states are computed once per call, so every
/// iteration after the first costs exactly two SHA-256 block compressions.
///
/// Returns 1 on success, 0 when `iterations` is 0, `out_len` is 0 or larger
/// than RFC 8018 allows, or a pointer is NULL while its length is not 0.
int gatehouse_pbkdf2_hmac_sha256(const uint8_t *password, size_t password_len,
                                 const uint8_t *salt, size_t salt_len,
                                 uint32_t iterations,
                                 uint8_t *out, size_t out_len);

#endif
