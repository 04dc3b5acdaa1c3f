/* Tokens, digests and comparisons (OpenSSL libcrypto). */
#ifndef CC_CRYPTO_H
#define CC_CRYPTO_H

#include <apr_pools.h>

/* A URL-safe (base64url, unpadded) token carrying nbytes of CSPRNG entropy,
 * or NULL when the random generator fails. */
const char *cc_random_token(apr_size_t nbytes, apr_pool_t *p);

/* n characters drawn uniformly from alphabet (at most 256 characters) with
 * the CSPRNG, or NULL when the random generator fails. */
const char *cc_random_chars(const char *alphabet, apr_size_t n, apr_pool_t *p);

/* Lower-case hex SHA-256 of data. */
const char *cc_sha256_hex(const void *data, apr_size_t len, apr_pool_t *p);

/* Lower-case hex HMAC-SHA256 of data under key. */
const char *cc_hmac_sha256_hex(const void *key, apr_size_t key_len, const void *data, apr_size_t len,
                               apr_pool_t *p);

/* 1 when the NUL-terminated strings are equal, in time independent of where
 * they differ (lengths may leak). */
int cc_str_equal_ct(const char *a, const char *b);

#endif
