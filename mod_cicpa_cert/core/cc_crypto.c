#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "cc_crypto.h"

static const char *hex_of(const unsigned char *bytes, apr_size_t n, apr_pool_t *p)
{
    static const char digits[] = "0123456789abcdef";
    char *out = apr_palloc(p, 2 * n + 1);
    for (apr_size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
    out[2 * n] = '\0';
    return out;
}

const char *cc_random_token(apr_size_t nbytes, apr_pool_t *p)
{
    static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char *raw = apr_palloc(p, nbytes);
    if (RAND_bytes(raw, (int)nbytes) != 1) {
        return NULL;
    }
    char *out = apr_palloc(p, (nbytes * 8 + 5) / 6 + 1);
    apr_size_t o = 0;
    unsigned bits = 0, acc = 0;
    for (apr_size_t i = 0; i < nbytes; i++) {
        acc = (acc << 8) | raw[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = b64url[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0) {
        out[o++] = b64url[(acc << (6 - bits)) & 0x3f];
    }
    out[o] = '\0';
    OPENSSL_cleanse(raw, nbytes);
    return out;
}

const char *cc_random_chars(const char *alphabet, apr_size_t n, apr_pool_t *p)
{
    apr_size_t size = strlen(alphabet);
    /* Bytes at or above the largest multiple of size are drawn again, so
     * every character is equally likely. */
    unsigned limit = 256 - 256 % (unsigned)size;
    char *out = apr_palloc(p, n + 1);
    unsigned char byte;
    for (apr_size_t i = 0; i < n;) {
        if (RAND_bytes(&byte, 1) != 1) {
            return NULL;
        }
        if (byte < limit) {
            out[i++] = alphabet[byte % size];
        }
    }
    out[n] = '\0';
    OPENSSL_cleanse(&byte, 1);
    return out;
}

const char *cc_sha256_hex(const void *data, apr_size_t len, apr_pool_t *p)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL);
    return hex_of(md, md_len, p);
}

const char *cc_hmac_sha256_hex(const void *key, apr_size_t key_len, const void *data, apr_size_t len,
                               apr_pool_t *p)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    HMAC(EVP_sha256(), key, (int)key_len, data, len, md, &md_len);
    return hex_of(md, md_len, p);
}

int cc_str_equal_ct(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb) {
        return 0;
    }
    return CRYPTO_memcmp(a, b, la) == 0;
}
