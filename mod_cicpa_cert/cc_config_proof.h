/* Settings of the certificate's proof: the QR code and its Ed25519 keys, the
 * seals, the PDF signature, validity, and the public verification page; and
 * loading their files at configtest/start. */
#ifndef CC_CONFIG_PROOF_H
#define CC_CONFIG_PROOF_H

#include <apr_hash.h>
#include <apr_tables.h>

#include "cc_pdf.h"
#include "cc_qr_claim.h"
#include "cc_pdf_sign.h"

typedef struct cc_proof_conf {
    const char *verify_url;            /* CicpaCertVerifyUrl: QR code base, ends with '/' */
    const char *qr_key_path;           /* CicpaCertQrKey: current Ed25519 private key */
    apr_array_header_t *old_key_paths; /* CicpaCertQrOldKey: former public keys (const char *) */
    const char *signing_cert_path;     /* CicpaCertSigningCert: PEM, signer first, then chain */
    const char *signing_key_path;      /* CicpaCertSigningKey: its private key */
    apr_hash_t *seal_paths;            /* CicpaCertSeal: institute code -> PNG path */
    int validity_days;                 /* CicpaCertValidityDays: 0 = no end */
    int verify_rate;                   /* CicpaCertVerifyRate: checks a minute per address */
    int verify_photo;                  /* CicpaCertVerifyPhoto: the page shows the photo */
    /* Loaded by cc_proof_conf_load. */
    cc_sign_key *qr_key;      /* signs the QR claims */
    apr_array_header_t *keys; /* cc_sign_key *: qr_key, then the former ones */
    cc_pdf_signer *signer;    /* signs the PDF */
    apr_hash_t *seals;        /* institute code -> cc_cert_image * */
} cc_proof_conf;

/* Loads the keys, the signer and the seals of conf's paths into p (the
 * required paths were checked before); NULL or the reason, naming the
 * directive and the file. */
const char *cc_proof_conf_load(cc_proof_conf *conf, apr_pool_t *p);

/* One line for the log: who signs, which QR key, how many seals. */
const char *cc_proof_conf_summary(const cc_proof_conf *conf, apr_pool_t *p);

/* The key with id kid (current or former), or NULL. */
const cc_sign_key *cc_proof_conf_key(const cc_proof_conf *conf, const char *kid);

#endif
