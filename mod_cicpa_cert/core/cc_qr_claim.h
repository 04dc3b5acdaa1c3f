/* The certificate's offline-verifiable claim: an Ed25519 signature over the
 * identifier, member number, name hash and issue date, carried in the QR
 * code's URL. The exact format is in docs/certificate.md. */
#ifndef CC_QR_CLAIM_H
#define CC_QR_CLAIM_H

#include <apr_pools.h>

/* Version tag that starts every signed payload. */
#define CC_QR_CLAIM_TAG "cicpa-cert/1"

typedef struct cc_sign_key cc_sign_key;

/* What a certificate's signature covers. */
typedef struct cc_qr_claim {
    const char *id;          /* certificate identifier: base64url */
    const char *member_no;   /* member number: letters, digits, '-' or '_' */
    const char *name_sha256; /* lower-case hex SHA-256 of the UTF-8 name */
    const char *issue_date;  /* YYYY-MM-DD */
} cc_qr_claim;

/* Loads an Ed25519 key from a PEM file: the private key (PKCS#8, as
 * `openssl genpkey -algorithm ed25519` writes it) when private_key is set,
 * else a public key (SubjectPublicKeyInfo; a private key file is accepted
 * too and only its public half kept). NULL and *err (naming the file, never
 * key material) on failure. The key is freed with p. */
cc_sign_key *cc_sign_key_load(const char *path, int private_key, apr_pool_t *p, const char **err);

/* The key id: the first 8 hex digits of the SHA-256 of the raw 32-byte
 * public key, so that a key names itself and rotation needs no registry. */
const char *cc_sign_key_id(const cc_sign_key *key);

/* The public key as PEM (SubjectPublicKeyInfo) and as base64url of its raw
 * 32 bytes (the "x" of an RFC 8037 JWK). */
const char *cc_sign_key_public_pem(const cc_sign_key *key);
const char *cc_sign_key_public_raw(const cc_sign_key *key);

/* The bytes that are signed: "cicpa-cert/1|kid|id|member_no|name_sha256|issue_date",
 * or NULL when a claim is malformed (so that no '|' can shift the fields). */
const char *cc_qr_claim_payload(const char *kid, const cc_qr_claim *c, apr_pool_t *p);

/* The base64url (unpadded) Ed25519 signature of the claims' payload under
 * key, or NULL when the claims are malformed or signing fails. */
const char *cc_qr_claim_sign(const cc_sign_key *key, const cc_qr_claim *c, apr_pool_t *p);

/* 1 when sig is key's signature of the claims' payload, else 0. */
int cc_qr_claim_verify(const cc_sign_key *key, const cc_qr_claim *c, const char *sig, apr_pool_t *p);

/* The QR code's text: base + id + "?k=kid&m=member_no&d=issue_date&s=sig". */
const char *cc_qr_claim_url(const char *base, const char *kid, const cc_qr_claim *c, const char *sig,
                            apr_pool_t *p);

/* 1 when s could be a certificate identifier (1..64 base64url characters). */
int cc_certificate_id_valid(const char *s);

#endif
