/* Directives of the certificate's proof: the QR code and its Ed25519 keys,
 * the seals, the PDF signature, validity, and the public verification page. */
#ifndef CC_CONFIG_CERT_H
#define CC_CONFIG_CERT_H

#include "cc_module.h"
#include "cc_pdf.h"
#include "cc_qr_claim.h"
#include "cc_pdf_sign.h"
#include "cc_rate.h"

typedef struct cc_cert_conf {
    const char *verify_url;          /* CicpaCertVerifyUrl: QR code base, ends with '/' */
    const char *qr_key_path;         /* CicpaCertQrKey: current Ed25519 private key */
    apr_array_header_t *old_key_paths;  /* CicpaCertQrOldKey: former public keys (const char *) */
    const char *signing_cert_path;   /* CicpaCertSigningCert: PEM, signer first, then chain */
    const char *signing_key_path;    /* CicpaCertSigningKey: its private key */
    apr_hash_t *seal_paths;          /* CicpaCertSeal: institute code -> PNG path */
    int validity_days;               /* CicpaCertValidityDays: 0 = no end */
    int verify_rate;                 /* CicpaCertVerifyRate: checks a minute per address */
    int verify_photo;                /* CicpaCertVerifyPhoto: the page shows the photo */
    int set_mask;                    /* which of the above were set (for merging) */
    /* Loaded by cc_cert_conf_load at startup. */
    cc_sign_key *qr_key;             /* signs the QR claims */
    apr_array_header_t *keys;        /* cc_sign_key *: qr_key, then the former ones */
    cc_pdf_signer *signer;           /* signs the PDF */
    apr_hash_t *seals;               /* institute code -> cc_cert_image * */
    cc_rate *rate;                   /* limits the verification page */
} cc_cert_conf;

void cc_cert_conf_init(cc_cert_conf *conf, apr_pool_t *p);
void cc_cert_conf_merge(cc_cert_conf *conf, const cc_cert_conf *add, apr_pool_t *p);

/* Checks one server's settings and loads its keys, certificate, seals and
 * rate limiter into pconf; NULL or the reason, naming the directive. */
const char *cc_cert_conf_load(cc_cert_conf *conf, server_rec *s, apr_pool_t *pconf);

/* The key with id kid (current or former), or NULL. */
const cc_sign_key *cc_cert_conf_key(const cc_cert_conf *conf, const char *kid);

const char *cc_cert_set_url(cmd_parms *cmd, void *dc, const char *arg);
const char *cc_cert_set_file(cmd_parms *cmd, void *dc, const char *arg);
const char *cc_cert_add_old_key(cmd_parms *cmd, void *dc, const char *arg);
const char *cc_cert_set_seal(cmd_parms *cmd, void *dc, const char *code, const char *path);
const char *cc_cert_set_number(cmd_parms *cmd, void *dc, const char *arg);
const char *cc_cert_set_verify_photo(cmd_parms *cmd, void *dc, int flag);

/* Descriptors of the file and number directives (cmd->info). */
typedef struct cc_cert_setting {
    apr_size_t offset;  /* of the field in cc_cert_conf */
    int bit;            /* its set_mask bit */
    int min, max;       /* accepted range (numbers) */
} cc_cert_setting;

extern const cc_cert_setting cc_cert_qr_key, cc_cert_signing_cert, cc_cert_signing_key,
    cc_cert_validity_days, cc_cert_verify_rate;

/* The entries of the module's directive table. */
#define CC_CERT_DIRECTIVES \
    AP_INIT_TAKE1("CicpaCertVerifyUrl", cc_cert_set_url, NULL, RSRC_CONF, \
                  "Base URL of the verification page, printed in the QR code with the certificate id"), \
    AP_INIT_TAKE1("CicpaCertQrKey", cc_cert_set_file, (void *)&cc_cert_qr_key, RSRC_CONF, \
                  "Ed25519 private key (PEM) that signs the QR code's claim"), \
    AP_INIT_ITERATE("CicpaCertQrOldKey", cc_cert_add_old_key, NULL, RSRC_CONF, \
                    "Public keys (PEM) of former QR signing keys, still published and accepted"), \
    AP_INIT_TAKE1("CicpaCertSigningCert", cc_cert_set_file, (void *)&cc_cert_signing_cert, RSRC_CONF, \
                  "Certificate (PEM, then its chain) that signs the PDF"), \
    AP_INIT_TAKE1("CicpaCertSigningKey", cc_cert_set_file, (void *)&cc_cert_signing_key, RSRC_CONF, \
                  "Private key (PEM) of CicpaCertSigningCert"), \
    AP_INIT_TAKE2("CicpaCertSeal", cc_cert_set_seal, NULL, RSRC_CONF, \
                  "Institute code and the PNG of its seal (with transparency)"), \
    AP_INIT_TAKE1("CicpaCertValidityDays", cc_cert_set_number, (void *)&cc_cert_validity_days, RSRC_CONF, \
                  "Days a certificate is valid from its issue (0: no end)"), \
    AP_INIT_TAKE1("CicpaCertVerifyRate", cc_cert_set_number, (void *)&cc_cert_verify_rate, RSRC_CONF, \
                  "Verification requests a minute per client address and httpd child (1..6000)"), \
    AP_INIT_FLAG("CicpaCertVerifyPhoto", cc_cert_set_verify_photo, NULL, RSRC_CONF, \
                 "Show the certificate's photo on the verification page")

#endif
