/* Ed25519 claims of a certificate (OpenSSL 3 EVP). One EVP_PKEY per key is
 * shared read-only by all threads; each signature gets its own context. */
#include "cc_qr_claim.h"

#include <string.h>
#include <apr_encode.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cc_crypto.h"
#include "cc_file.h"

#define ED25519_RAW 32
#define ED25519_SIG 64
#define ED25519_SIG_B64 86 /* its unpadded base64url length */
#define MAX_KEY_FILE 16384

struct cc_sign_key {
    EVP_PKEY *pkey;
    const char *kid;
    const char *public_pem;
    const char *public_raw;
};

static apr_status_t free_pkey(void *pkey)
{
    EVP_PKEY_free(pkey);
    return APR_SUCCESS;
}

static EVP_PKEY *parse_pem(const char *text, apr_size_t len, int private_key)
{
    BIO *bio = BIO_new_mem_buf(text, (int)len);
    EVP_PKEY *pkey = NULL;
    if (bio == NULL) {
        return NULL;
    }
    pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    if (pkey == NULL && !private_key) {
        (void)BIO_reset(bio);
        pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    }
    BIO_free(bio);
    return pkey;
}

static const char *public_pem_of(EVP_PKEY *pkey, apr_pool_t *p)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    const char *pem = NULL;
    if (bio != NULL && PEM_write_bio_PUBKEY(bio, pkey)) {
        long n = BIO_get_mem_data(bio, &data);
        pem = apr_pstrmemdup(p, data, (apr_size_t)n);
    }
    BIO_free(bio);
    return pem;
}

cc_sign_key *cc_sign_key_load(const char *path, int private_key, apr_pool_t *p, const char **err)
{
    apr_size_t len = 0;
    const char *text = (const char *)cc_file_read(path, MAX_KEY_FILE, p, &len, err);
    if (text == NULL) {
        return NULL;
    }
    EVP_PKEY *pkey = parse_pem(text, len, private_key);
    if (pkey == NULL) {
        *err = apr_psprintf(p, "%s: no %s PEM key could be read", path, private_key ? "private" : "public");
        return NULL;
    }
    apr_pool_cleanup_register(p, pkey, free_pkey, apr_pool_cleanup_null);
    unsigned char raw[ED25519_RAW];
    size_t raw_len = sizeof(raw);
    if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519 || EVP_PKEY_get_raw_public_key(pkey, raw, &raw_len) != 1
        || raw_len != ED25519_RAW) {
        *err = apr_psprintf(p, "%s: not an Ed25519 key", path);
        return NULL;
    }
    cc_sign_key *key = apr_palloc(p, sizeof(*key));
    key->pkey = pkey;
    key->kid = apr_pstrndup(p, cc_sha256_hex(raw, raw_len, p), 8);
    key->public_raw = apr_pencode_base64_binary(p, raw, raw_len, APR_ENCODE_BASE64URL, NULL);
    key->public_pem = public_pem_of(pkey, p);
    if (key->public_pem == NULL) {
        *err = apr_psprintf(p, "%s: the public key could not be written as PEM", path);
        return NULL;
    }
    return key;
}

const char *cc_sign_key_id(const cc_sign_key *key)
{
    return key->kid;
}

const char *cc_sign_key_public_pem(const cc_sign_key *key)
{
    return key->public_pem;
}

const char *cc_sign_key_public_raw(const cc_sign_key *key)
{
    return key->public_raw;
}

/* Letters, digits, '-' and '_' only, 1..max characters. */
static int is_token(const char *s, apr_size_t max)
{
    apr_size_t n = 0;
    for (; s && s[n]; n++) {
        if (!apr_isalnum(s[n]) && s[n] != '-' && s[n] != '_') {
            return 0;
        }
    }
    return n > 0 && n <= max;
}

static int is_hex64(const char *s)
{
    apr_size_t n = 0;
    for (; s && s[n]; n++) {
        if (!apr_isdigit(s[n]) && (s[n] < 'a' || s[n] > 'f')) {
            return 0;
        }
    }
    return n == 64;
}

static int is_date(const char *s)
{
    static const char shape[] = "dddd-dd-dd";
    for (apr_size_t i = 0; i < sizeof(shape) - 1; i++) {
        if (s == NULL || !s[i] || (shape[i] == 'd' ? !apr_isdigit(s[i]) : s[i] != '-')) {
            return 0;
        }
    }
    return s[sizeof(shape) - 1] == '\0';
}

int cc_certificate_id_valid(const char *s)
{
    return is_token(s, 64);
}

const char *cc_qr_claim_payload(const char *kid, const cc_qr_claim *c, apr_pool_t *p)
{
    if (!is_token(kid, 64) || !is_token(c->id, 64) || !is_token(c->member_no, 64) || !is_hex64(c->name_sha256)
        || !is_date(c->issue_date)) {
        return NULL;
    }
    return apr_pstrcat(p, CC_QR_CLAIM_TAG "|", kid, "|", c->id, "|", c->member_no, "|", c->name_sha256, "|",
                       c->issue_date, NULL);
}

const char *cc_qr_claim_sign(const cc_sign_key *key, const cc_qr_claim *c, apr_pool_t *p)
{
    const char *payload = cc_qr_claim_payload(key->kid, c, p);
    unsigned char sig[ED25519_SIG];
    size_t sig_len = sizeof(sig);
    EVP_MD_CTX *ctx = payload ? EVP_MD_CTX_new() : NULL;
    int ok = ctx != NULL && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) == 1
             && EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)payload, strlen(payload)) == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? apr_pencode_base64_binary(p, sig, sig_len, APR_ENCODE_BASE64URL, NULL) : NULL;
}

int cc_qr_claim_verify(const cc_sign_key *key, const cc_qr_claim *c, const char *sig, apr_pool_t *p)
{
    const char *payload = cc_qr_claim_payload(key->kid, c, p);
    apr_size_t sig_len = 0;
    const unsigned char *raw =
        sig && strlen(sig) == ED25519_SIG_B64
            ? apr_pdecode_base64_binary(p, sig, APR_ENCODE_STRING, APR_ENCODE_BASE64URL, &sig_len)
            : NULL;
    if (payload == NULL || raw == NULL || sig_len != ED25519_SIG) {
        return 0;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key->pkey) == 1
             && EVP_DigestVerify(ctx, raw, sig_len, (const unsigned char *)payload, strlen(payload)) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

const char *cc_qr_claim_url(const char *base, const char *kid, const cc_qr_claim *c, const char *sig,
                            apr_pool_t *p)
{
    return apr_pstrcat(p, base, c->id, "?k=", kid, "&m=", c->member_no, "&d=", c->issue_date, "&s=", sig,
                       NULL);
}
