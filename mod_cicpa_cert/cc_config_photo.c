#include <stddef.h>

#include "cc_config.h"

enum {
    SET_MAX_UPLOAD = 1 << 0,
    SET_COMPARE_ATTEMPTS = 1 << 1,
    SET_VERIFIER_URL = 1 << 2,
    SET_VERIFIER_KEY = 1 << 3,
    SET_VERIFIER_TIMEOUT = 1 << 4,
    SET_VERIFIER_TRIES = 1 << 5,
    SET_REFERENCE_KEY = 1 << 6,
    SET_REFERENCE_THRESHOLD = 1 << 7
};

#define NUMBER(field, bit, min, max) { offsetof(cc_photo_conf, field), bit, min, max }
const cc_photo_number cc_photo_max_upload = NUMBER(max_upload, SET_MAX_UPLOAD, 20480, 1048576);
const cc_photo_number cc_photo_compare_attempts = NUMBER(compare_attempts, SET_COMPARE_ATTEMPTS, 1, 10);
const cc_photo_number cc_photo_verifier_timeout = NUMBER(verifier_timeout, SET_VERIFIER_TIMEOUT, 1, 120);
const cc_photo_number cc_photo_verifier_tries = NUMBER(verifier_tries, SET_VERIFIER_TRIES, 1, 5);
const cc_photo_number cc_photo_reference_threshold = NUMBER(reference_threshold, SET_REFERENCE_THRESHOLD, 1, 100);

/* Shortest HMAC key accepted: 128 bits of typed text. */
#define MIN_KEY_CHARS 16

void cc_photo_conf_init(cc_photo_conf *conf)
{
    conf->max_upload = 65536;
    conf->compare_attempts = 1;
    conf->verifier_timeout = 10;
    conf->verifier_tries = 2;
    conf->reference_threshold = 80;
}

#define MERGE_FIELD(bit, field) \
    if (add->set_mask & (bit)) { conf->field = add->field; }

void cc_photo_conf_merge(cc_photo_conf *conf, const cc_photo_conf *add)
{
    MERGE_FIELD(SET_MAX_UPLOAD, max_upload);
    MERGE_FIELD(SET_COMPARE_ATTEMPTS, compare_attempts);
    MERGE_FIELD(SET_VERIFIER_URL, verifier_url);
    MERGE_FIELD(SET_VERIFIER_KEY, verifier_key);
    MERGE_FIELD(SET_VERIFIER_TIMEOUT, verifier_timeout);
    MERGE_FIELD(SET_VERIFIER_TRIES, verifier_tries);
    MERGE_FIELD(SET_REFERENCE_KEY, reference_key);
    MERGE_FIELD(SET_REFERENCE_THRESHOLD, reference_threshold);
    conf->set_mask |= add->set_mask;
}

static cc_photo_conf *photo_conf_for(cmd_parms *cmd, int bit)
{
    cc_server_conf *conf = cc_server_conf_get(cmd->server);
    conf->enabled = 1;
    conf->photo.set_mask |= bit;
    return &conf->photo;
}

const char *cc_photo_set_number(cmd_parms *cmd, void *dc, const char *arg)
{
    const cc_photo_number *d = cmd->info;
    apr_int64_t v;
    const char *err = cc_config_whole_number(cmd, arg, d->min, d->max, &v);
    if (err == NULL) {
        *(int *)((char *)photo_conf_for(cmd, d->bit) + d->offset) = (int)v;
    }
    return err;
}

const char *cc_photo_set_url(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_uri_t uri;
    const char *err = cc_config_url(cmd, arg, "http", &uri);
    if (err == NULL) {
        photo_conf_for(cmd, SET_VERIFIER_URL)->verifier_url = arg;
    }
    return err;
}

const char *cc_photo_set_key(cmd_parms *cmd, void *dc, const char *arg)
{
    int reference = cmd->info != NULL;
    if (strlen(arg) < MIN_KEY_CHARS) {
        return apr_psprintf(cmd->pool, "%s must be at least %d characters long",
                            cmd->directive->directive, MIN_KEY_CHARS);
    }
    if (reference) {
        photo_conf_for(cmd, SET_REFERENCE_KEY)->reference_key = arg;
    } else {
        photo_conf_for(cmd, SET_VERIFIER_KEY)->verifier_key = arg;
    }
    return NULL;
}

const char *cc_photo_conf_check(const cc_photo_conf *conf)
{
    if ((conf->verifier_url == NULL) != (conf->verifier_key == NULL)) {
        return "CicpaCertFaceVerifierUrl and CicpaCertFaceVerifierKey go together: set both or neither";
    }
    return NULL;
}
