#include <stddef.h>
#include <apr_lib.h>

#include "cc_config.h"

enum {
    SET_VERIFY_URL = 1 << 0,
    SET_QR_KEY = 1 << 1,
    SET_OLD_KEYS = 1 << 2,
    SET_SIGNING_CERT = 1 << 3,
    SET_SIGNING_KEY = 1 << 4,
    SET_VALIDITY_DAYS = 1 << 5,
    SET_VERIFY_RATE = 1 << 6,
    SET_VERIFY_PHOTO = 1 << 7
};

#define SETTING(field, bit, min, max) { offsetof(cc_cert_conf, field), bit, min, max }
const cc_cert_setting cc_cert_qr_key = SETTING(qr_key_path, SET_QR_KEY, 0, 0);
const cc_cert_setting cc_cert_signing_cert = SETTING(signing_cert_path, SET_SIGNING_CERT, 0, 0);
const cc_cert_setting cc_cert_signing_key = SETTING(signing_key_path, SET_SIGNING_KEY, 0, 0);
const cc_cert_setting cc_cert_validity_days = SETTING(validity_days, SET_VALIDITY_DAYS, 0, 36500);
const cc_cert_setting cc_cert_verify_rate = SETTING(verify_rate, SET_VERIFY_RATE, 1, 6000);

void cc_cert_conf_init(cc_cert_conf *conf, apr_pool_t *p)
{
    conf->old_key_paths = apr_array_make(p, 2, sizeof(const char *));
    conf->seal_paths = apr_hash_make(p);
    conf->verify_rate = 30;
}

#define MERGE_FIELD(bit, field) \
    if (add->set_mask & (bit)) { conf->field = add->field; }

void cc_cert_conf_merge(cc_cert_conf *conf, const cc_cert_conf *add, apr_pool_t *p)
{
    MERGE_FIELD(SET_VERIFY_URL, verify_url);
    MERGE_FIELD(SET_QR_KEY, qr_key_path);
    MERGE_FIELD(SET_OLD_KEYS, old_key_paths);
    MERGE_FIELD(SET_SIGNING_CERT, signing_cert_path);
    MERGE_FIELD(SET_SIGNING_KEY, signing_key_path);
    MERGE_FIELD(SET_VALIDITY_DAYS, validity_days);
    MERGE_FIELD(SET_VERIFY_RATE, verify_rate);
    MERGE_FIELD(SET_VERIFY_PHOTO, verify_photo);
    /* A virtual host's seals add to (or replace, per institute) the main server's. */
    conf->seal_paths = apr_hash_overlay(p, add->seal_paths, conf->seal_paths);
    conf->set_mask |= add->set_mask;
    conf->qr_key = NULL;
    conf->keys = NULL;
    conf->signer = NULL;
    conf->seals = NULL;
    conf->rate = NULL;
}

static cc_cert_conf *cert_conf_for(cmd_parms *cmd, int bit)
{
    cc_server_conf *conf = cc_server_conf_get(cmd->server);
    conf->enabled = 1;
    conf->cert.set_mask |= bit;
    return &conf->cert;
}

const char *cc_cert_set_url(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_uri_t uri;
    apr_size_t n = strlen(arg);
    const char *err = cc_config_url(cmd, arg, "http", &uri);
    if (err != NULL) {
        return err;
    }
    if (uri.query != NULL || uri.fragment != NULL || n == 0 || arg[n - 1] != '/') {
        return apr_psprintf(cmd->pool, "%s takes an http(s) URL ending with '/' (the certificate id"
                            " follows it), not '%s'", cmd->directive->directive, arg);
    }
    cert_conf_for(cmd, SET_VERIFY_URL)->verify_url = arg;
    return NULL;
}

const char *cc_cert_set_file(cmd_parms *cmd, void *dc, const char *arg)
{
    const cc_cert_setting *d = cmd->info;
    *(const char **)((char *)cert_conf_for(cmd, d->bit) + d->offset)
        = ap_server_root_relative(cmd->pool, arg);
    return NULL;
}

const char *cc_cert_add_old_key(cmd_parms *cmd, void *dc, const char *arg)
{
    cc_cert_conf *conf = cert_conf_for(cmd, SET_OLD_KEYS);
    APR_ARRAY_PUSH(conf->old_key_paths, const char *) = ap_server_root_relative(cmd->pool, arg);
    return NULL;
}

const char *cc_cert_set_seal(cmd_parms *cmd, void *dc, const char *code, const char *path)
{
    if (strlen(code) != 2 || !apr_isdigit(code[0]) || !apr_isdigit(code[1])) {
        return apr_psprintf(cmd->pool, "%s takes a two-digit institute code ('00' national,"
                            " '11' Beijing, ...) and a PNG file, not '%s'",
                            cmd->directive->directive, code);
    }
    cc_cert_conf *conf = cert_conf_for(cmd, 0);
    apr_hash_set(conf->seal_paths, code, 2, ap_server_root_relative(cmd->pool, path));
    return NULL;
}

const char *cc_cert_set_number(cmd_parms *cmd, void *dc, const char *arg)
{
    const cc_cert_setting *d = cmd->info;
    apr_int64_t v;
    const char *err = cc_config_whole_number(cmd, arg, d->min, d->max, &v);
    if (err == NULL) {
        *(int *)((char *)cert_conf_for(cmd, d->bit) + d->offset) = (int)v;
    }
    return err;
}

const char *cc_cert_set_verify_photo(cmd_parms *cmd, void *dc, int flag)
{
    cert_conf_for(cmd, SET_VERIFY_PHOTO)->verify_photo = flag;
    return NULL;
}

/* ---- startup -------------------------------------------------------------- */

static const char *load_keys(cc_cert_conf *conf, apr_pool_t *p)
{
    const char *err = NULL;
    conf->qr_key = cc_sign_key_load(conf->qr_key_path, 1, p, &err);
    if (conf->qr_key == NULL) {
        return apr_pstrcat(p, "CicpaCertQrKey ", err, NULL);
    }
    conf->keys = apr_array_make(p, 1 + conf->old_key_paths->nelts, sizeof(cc_sign_key *));
    APR_ARRAY_PUSH(conf->keys, cc_sign_key *) = conf->qr_key;
    for (int i = 0; i < conf->old_key_paths->nelts; i++) {
        cc_sign_key *key = cc_sign_key_load(APR_ARRAY_IDX(conf->old_key_paths, i, const char *),
                                            0, p, &err);
        if (key == NULL) {
            return apr_pstrcat(p, "CicpaCertQrOldKey ", err, NULL);
        }
        if (cc_cert_conf_key(conf, cc_sign_key_id(key)) != NULL) {
            return apr_psprintf(p, "CicpaCertQrOldKey %s: key id %s is already in use (the same"
                                " key twice, or a former key that is the current one)",
                                APR_ARRAY_IDX(conf->old_key_paths, i, const char *),
                                cc_sign_key_id(key));
        }
        APR_ARRAY_PUSH(conf->keys, cc_sign_key *) = key;
    }
    return NULL;
}

static const char *load_signer(cc_cert_conf *conf, apr_pool_t *p)
{
    const char *err = NULL;
    if (conf->signing_cert_path == NULL || conf->signing_key_path == NULL) {
        return "CicpaCertSigningCert and CicpaCertSigningKey are required: every certificate PDF"
               " is signed (scripts/make-demo-keys makes test ones; never for production)";
    }
    conf->signer = cc_pdf_signer_load(conf->signing_cert_path, conf->signing_key_path, p, &err);
    return conf->signer ? NULL : apr_pstrcat(p, "CicpaCertSigningCert/CicpaCertSigningKey: ", err, NULL);
}

static const char *load_seals(cc_cert_conf *conf, apr_pool_t *p)
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

const char *cc_cert_conf_load(cc_cert_conf *conf, server_rec *s, apr_pool_t *pconf)
{
    const char *err;
    if (conf->verify_url == NULL) {
        return "CicpaCertVerifyUrl is required: the base URL of the public verification page,"
               " printed in every certificate's QR code (e.g. https://cert.example.org/cert/verify/)";
    }
    if (conf->qr_key_path == NULL) {
        return "CicpaCertQrKey is required: the Ed25519 private key that signs the QR code"
               " (openssl genpkey -algorithm ed25519)";
    }
    if ((err = load_keys(conf, pconf)) != NULL || (err = load_signer(conf, pconf)) != NULL
        || (err = load_seals(conf, pconf)) != NULL) {
        return err;
    }
    conf->rate = cc_rate_create(conf->verify_rate, pconf);
    if (conf->rate == NULL) {
        return "CicpaCertVerifyRate: the rate limiter's mutex could not be created";
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, "certificates: PDFs signed as %s, QR key id %s,"
                 " %d former key(s), %u seal(s)", cc_pdf_signer_subject(conf->signer),
                 cc_sign_key_id(conf->qr_key), conf->keys->nelts - 1, apr_hash_count(conf->seals));
    return NULL;
}

const cc_sign_key *cc_cert_conf_key(const cc_cert_conf *conf, const char *kid)
{
    for (int i = 0; conf->keys && kid && i < conf->keys->nelts; i++) {
        const cc_sign_key *key = APR_ARRAY_IDX(conf->keys, i, cc_sign_key *);
        if (strcmp(cc_sign_key_id(key), kid) == 0) {
            return key;
        }
    }
    return NULL;
}
