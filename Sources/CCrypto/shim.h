#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/rsa.h>
#include <openssl/crypto.h>

/* Low-level SHA-256 on a caller-owned SHA256_CTX, for SigV4's many short hashes and for HMAC with
 * precomputed inner/outer states (a plain struct copy instead of EVP_MD_CTX/EVP_MAC_CTX allocations).
 * OpenSSL 3 deprecates these functions but still ships and optimises them (SHA-NI); the warning is
 * silenced for these three wrappers only, so any other deprecated call still warns. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
static inline int ccrypto_sha256_init(SHA256_CTX *ctx) { return SHA256_Init(ctx); }
static inline int ccrypto_sha256_update(SHA256_CTX *ctx, const void *data, size_t length) {
    return SHA256_Update(ctx, data, length);
}
static inline int ccrypto_sha256_final(unsigned char *digest, SHA256_CTX *ctx) { return SHA256_Final(digest, ctx); }
#pragma clang diagnostic pop

#endif
