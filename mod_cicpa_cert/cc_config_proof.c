#include <string.h>

#include <apr_strings.h>

#include "cc_config_proof.h"

static const char *load_keys(cc_proof_conf *conf, apr_pool_t *p)
{
    const char *err = NULL;
    conf->qr_key = cc_sign_key_load(conf->qr_key_path, 1, p, &err);
    if (conf->qr_key == NULL) {
        return apr_pstrcat(p, "CicpaCertQrKey ", err, NULL);
    }
    conf->keys = apr_array_make(p, 1 + conf->old_key_paths->nelts, sizeof(cc_sign_key *));
    APR_ARRAY_PUSH(conf->keys, cc_sign_key *) = conf->qr_key;
    for (int i = 0; i < conf->old_key_paths->nelts; i++) {
        cc_sign_key *key = cc_sign_key_load(APR_ARRAY_IDX(conf->old_key_paths, i, const char *), 0, p, &err);
        if (key == NULL) {
            return apr_pstrcat(p, "CicpaCertQrOldKey ", err, NULL);
        }
        if (cc_proof_conf_key(conf, cc_sign_key_id(key)) != NULL) {
            return apr_psprintf(p,
                                "CicpaCertQrOldKey %s: key id %s is already in use (the same"
                                " key twice, or a former key that is the current one)",
                                APR_ARRAY_IDX(conf->old_key_paths, i, const char *), cc_sign_key_id(key));
        }
        APR_ARRAY_PUSH(conf->keys, cc_sign_key *) = key;
    }
    return NULL;
}

static const char *load_signer(cc_proof_conf *conf, apr_pool_t *p)
{
    const char *err = NULL;
    conf->signer = cc_pdf_signer_load(conf->signing_cert_path, conf->signing_key_path, p, &err);
    return conf->signer ? NULL : apr_pstrcat(p, "CicpaCertSigningCert/CicpaCertSigningKey: ", err, NULL);
}

static const char *load_seals(cc_proof_conf *conf, apr_pool_t *p)
{
    conf->seals = apr_hash_make(p);
    for (apr_hash_index_t *hi = apr_hash_first(p, conf->seal_paths); hi; hi = apr_hash_next(hi)) {
        const char *code, *path, *err = NULL;
        apr_hash_this(hi, (const void **)&code, NULL, (void **)&path);
        cc_cert_image *seal = cc_cert_image_load(path, p, &err);
        if (seal == NULL) {
            return apr_psprintf(p, "CicpaCertSeal %.2s %s", code, err);
        }
        apr_hash_set(conf->seals, code, 2, seal);
    }
    return NULL;
}

const char *cc_proof_conf_load(cc_proof_conf *conf, apr_pool_t *p)
{
    const char *err;
    if ((err = load_keys(conf, p)) != NULL || (err = load_signer(conf, p)) != NULL) {
        return err;
    }
    return load_seals(conf, p);
}

const char *cc_proof_conf_summary(const cc_proof_conf *conf, apr_pool_t *p)
{
    return apr_psprintf(p, "PDFs signed as %s, QR key id %s, %d former key(s), %u seal(s)",
                        cc_pdf_signer_subject(conf->signer), cc_sign_key_id(conf->qr_key),
                        conf->keys->nelts - 1, apr_hash_count(conf->seals));
}

const cc_sign_key *cc_proof_conf_key(const cc_proof_conf *conf, const char *kid)
{
    for (int i = 0; conf->keys && kid && i < conf->keys->nelts; i++) {
        const cc_sign_key *key = APR_ARRAY_IDX(conf->keys, i, cc_sign_key *);
        if (strcmp(cc_sign_key_id(key), kid) == 0) {
            return key;
        }
    }
    return NULL;
}
