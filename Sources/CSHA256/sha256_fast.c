// SHA-256, HMAC-SHA256 and PBKDF2-HMAC-SHA256 with precomputed HMAC pad states.
//
// libcrypto's PKCS5_PBKDF2_HMAC re-initialises an HMAC context on every
// iteration (four compressions plus EVP dispatch); this loop does the two
// compressions an iteration needs and nothing else. Per request, OpenSSL 3's
// one-shot SHA256() and HMAC() fetch the algorithm and build contexts, which
// costs several times the hashing of a 43-byte token; the keyed HMAC below
// starts from pad states prepared once. The SHA-256 primitive is
// libcrypto's own: SHA256_Init/Update/Final/Transform, deprecated in OpenSSL 3
// but the only public way to reach the block function, hence the local
// suppression below. It must precede every OpenSSL include in this file.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "sha256_fast.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

enum { BLOCK = SHA256_CBLOCK, DIGEST = SHA256_DIGEST_LENGTH };

/// What `gatehouse_hmac_sha256_key` holds.
typedef struct {
    SHA256_CTX inner, outer;
} pad_contexts;

_Static_assert(sizeof(pad_contexts) <= sizeof(gatehouse_hmac_sha256_key),
               "gatehouse_hmac_sha256_key is too small for two SHA256_CTX");

/// Stores eight state words as 32 big-endian bytes: the byte order SHA-256
/// both produces digests in and reads message blocks in.
static inline void store_words_be(uint8_t *dst, const uint32_t *words) {
    for (int i = 0; i < 8; i++) {
        uint32_t be = __builtin_bswap32(words[i]);
        memcpy(dst + 4 * i, &be, 4);
    }
}

/// Loads 32 big-endian bytes as eight words.
static inline void load_words_be(uint32_t *words, const uint8_t *src) {
    for (int i = 0; i < 8; i++) {
        uint32_t be;
        memcpy(&be, src + 4 * i, 4);
        words[i] = __builtin_bswap32(be);
    }
}

/// Prepares a one-block message holding a 32-byte value followed by SHA-256
/// padding for a 96-byte message (64-byte pad block + 32 bytes), so the
/// compression of this block finishes an HMAC half without SHA256_Final.
static void init_final_block(uint8_t block[BLOCK]) {
    memset(block, 0, BLOCK);
    block[DIGEST] = 0x80;
    // Message length in bits, big-endian in the last eight bytes: 96 * 8 = 768.
    block[BLOCK - 2] = 0x03;
    block[BLOCK - 1] = 0x00;
}

/// Starts `ctx` as SHA-256 over one 64-byte block of `key ^ pad`.
static void init_pad_context(SHA256_CTX *ctx, const uint8_t key[BLOCK], uint8_t pad) {
    uint8_t block[BLOCK];
    for (int i = 0; i < BLOCK; i++) block[i] = key[i] ^ pad;
    SHA256_Init(ctx);
    SHA256_Update(ctx, block, BLOCK);  // exactly one block: leaves num == 0
    OPENSSL_cleanse(block, sizeof block);
}

/// The HMAC key block: the secret, or its digest when longer than a block,
/// zero-padded; then the contexts after one block of key ^ ipad and key ^ opad.
static void prepare_pads(pad_contexts *pads, const uint8_t *secret, size_t secret_len) {
    uint8_t key[BLOCK] = {0};
    if (secret_len > BLOCK) {
        gatehouse_sha256(secret, secret_len, key);
    } else if (secret_len > 0) {
        memcpy(key, secret, secret_len);
    }
    init_pad_context(&pads->inner, key, 0x36);
    init_pad_context(&pads->outer, key, 0x5c);
    OPENSSL_cleanse(key, sizeof key);
}

void gatehouse_sha256(const uint8_t *message, size_t message_len, uint8_t out[32]) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    if (message_len > 0) SHA256_Update(&ctx, message, message_len);
    SHA256_Final(out, &ctx);
}

void gatehouse_hmac_sha256_prepare(gatehouse_hmac_sha256_key *key,
                                   const uint8_t *secret, size_t secret_len) {
    memset(key, 0, sizeof *key);
    prepare_pads((pad_contexts *)key, secret, secret_len);
}

void gatehouse_hmac_sha256(const gatehouse_hmac_sha256_key *key,
                           const uint8_t *message, size_t message_len,
                           uint8_t out[32]) {
    const pad_contexts *pads = (const pad_contexts *)key;
    SHA256_CTX ctx = pads->inner;
    uint8_t inner_digest[DIGEST];
    if (message_len > 0) SHA256_Update(&ctx, message, message_len);
    SHA256_Final(inner_digest, &ctx);
    ctx = pads->outer;
    SHA256_Update(&ctx, inner_digest, DIGEST);
    SHA256_Final(out, &ctx);
    OPENSSL_cleanse(inner_digest, sizeof inner_digest);
    OPENSSL_cleanse(&ctx, sizeof ctx);
}

/// Computes U_1 = HMAC(P, S || INT(index)) by continuing the pad contexts.
static void first_u(uint8_t u[DIGEST], const SHA256_CTX *inner, const SHA256_CTX *outer,
                    const uint8_t *salt, size_t salt_len, uint32_t index) {
    SHA256_CTX ctx = *inner;
    uint8_t be_index[4] = {
        (uint8_t)(index >> 24), (uint8_t)(index >> 16), (uint8_t)(index >> 8), (uint8_t)index,
    };
    uint8_t inner_digest[DIGEST];
    if (salt_len > 0) SHA256_Update(&ctx, salt, salt_len);
    SHA256_Update(&ctx, be_index, sizeof be_index);
    SHA256_Final(inner_digest, &ctx);
    ctx = *outer;
    SHA256_Update(&ctx, inner_digest, DIGEST);
    SHA256_Final(u, &ctx);
    OPENSSL_cleanse(inner_digest, sizeof inner_digest);
    OPENSSL_cleanse(&ctx, sizeof ctx);
}

/// Runs iterations 2...c for one output block: T ^= U_j, U_j = HMAC(P, U_{j-1}).
///
/// Per iteration: copy eight words of pad state, compress, write the eight
/// result words big-endian into the other block, repeat for the outer half,
/// then XOR the eight words of U into T. Nothing else touches memory.
static void iterate(uint32_t t[8], const uint8_t u1[DIGEST], uint32_t iterations,
                    const uint32_t inner_state[8], const uint32_t outer_state[8]) {
    uint8_t inner_block[BLOCK], outer_block[BLOCK];
    SHA256_CTX work;
    init_final_block(inner_block);
    init_final_block(outer_block);
    memcpy(inner_block, u1, DIGEST);
    load_words_be(t, u1);

    for (uint32_t j = 1; j < iterations; j++) {
        memcpy(work.h, inner_state, DIGEST);
        SHA256_Transform(&work, inner_block);
        store_words_be(outer_block, work.h);
        memcpy(work.h, outer_state, DIGEST);
        SHA256_Transform(&work, outer_block);
        store_words_be(inner_block, work.h);
        for (int i = 0; i < 8; i++) t[i] ^= work.h[i];
    }
    OPENSSL_cleanse(inner_block, sizeof inner_block);
    OPENSSL_cleanse(outer_block, sizeof outer_block);
    OPENSSL_cleanse(&work, sizeof work);
}

int gatehouse_pbkdf2_hmac_sha256(const uint8_t *password, size_t password_len,
                                 const uint8_t *salt, size_t salt_len,
                                 uint32_t iterations,
                                 uint8_t *out, size_t out_len) {
    // RFC 8018 §5.2 step 1: dkLen ≤ (2^32 - 1) * hLen.
    if (iterations == 0 || out == NULL || out_len == 0
        || (out_len - 1) / DIGEST >= UINT32_MAX
        || (password == NULL && password_len != 0) || (salt == NULL && salt_len != 0)) {
        return 0;
    }

    pad_contexts pads;
    prepare_pads(&pads, password, password_len);
    const SHA256_CTX *inner = &pads.inner, *outer = &pads.outer;

    uint8_t u1[DIGEST], t_bytes[DIGEST];
    uint32_t t[8];
    for (uint32_t index = 1; out_len > 0; index++) {
        size_t take = out_len < DIGEST ? out_len : DIGEST;
        first_u(u1, inner, outer, salt, salt_len, index);
        iterate(t, u1, iterations, inner->h, outer->h);
        store_words_be(t_bytes, t);
        memcpy(out, t_bytes, take);
        out += take;
        out_len -= take;
    }
    OPENSSL_cleanse(u1, sizeof u1);
    OPENSSL_cleanse(t_bytes, sizeof t_bytes);
    OPENSSL_cleanse(t, sizeof t);
    OPENSSL_cleanse(&pads, sizeof pads);
    return 1;
}
