#ifndef GATEHOUSE_PBKDF2_FAST_H
#define GATEHOUSE_PBKDF2_FAST_H

#include <stddef.h>
#include <stdint.h>

/// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) over libcrypto's SHA-256 block function.
///
/// The HMAC inner and outer pad states are computed once per call, so every
/// iteration after the first costs exactly two SHA-256 block compressions.
/// Deliberately free of OpenSSL types so that Swift sees only plain C.
///
/// Returns 1 on success, 0 when `iterations` is 0, `out_len` is 0 or larger
/// than RFC 8018 allows, or a pointer is NULL while its length is not 0.
int gatehouse_pbkdf2_hmac_sha256(const uint8_t *password, size_t password_len,
                                 const uint8_t *salt, size_t salt_len,
                                 uint32_t iterations,
                                 uint8_t *out, size_t out_len);

#endif
