/* Directives of the photo upload and the FaceVerifier comparison. */
#ifndef CC_CONFIG_PHOTO_H
#define CC_CONFIG_PHOTO_H

#include "cc_module.h"

typedef struct cc_photo_conf {
    int max_upload;             /* CicpaCertMaxUpload: largest upload body in bytes */
    int compare_attempts;       /* CicpaCertCompareAttempts: paid comparisons per member */
    const char *verifier_url;   /* CicpaCertFaceVerifierUrl: the provider's endpoint */
    const char *verifier_key;   /* CicpaCertFaceVerifierKey: HMAC key shared with it */
    int verifier_timeout;       /* CicpaCertFaceVerifierTimeout: seconds per try */
    int verifier_tries;         /* CicpaCertFaceVerifierTries: tries on transport errors */
    const char *reference_key;  /* CicpaCertFaceReferenceKey: key of the reference provider */
    int reference_threshold;    /* CicpaCertFaceReferenceThreshold: least score for a match */
    int set_mask;               /* which of the above were set (for merging) */
} cc_photo_conf;

void cc_photo_conf_init(cc_photo_conf *conf);
void cc_photo_conf_merge(cc_photo_conf *conf, const cc_photo_conf *add);

/* Startup check of one server's settings; NULL or the reason (naming the directive). */
const char *cc_photo_conf_check(const cc_photo_conf *conf);

const char *cc_photo_set_number(cmd_parms *cmd, void *dc, const char *arg);
const char *cc_photo_set_url(cmd_parms *cmd, void *dc, const char *arg);
const char *cc_photo_set_key(cmd_parms *cmd, void *dc, const char *arg);

/* The entries of the module's directive table. */
#define CC_PHOTO_DIRECTIVES \
    AP_INIT_TAKE1("CicpaCertMaxUpload", cc_photo_set_number, (void *)&cc_photo_max_upload, RSRC_CONF, \
                  "Largest photo upload body in bytes (20480..1048576)"), \
    AP_INIT_TAKE1("CicpaCertCompareAttempts", cc_photo_set_number, (void *)&cc_photo_compare_attempts, RSRC_CONF, \
                  "Paid photo comparisons each member may use (1..10)"), \
    AP_INIT_TAKE1("CicpaCertFaceVerifierUrl", cc_photo_set_url, (void *)0, RSRC_CONF, \
                  "http(s) URL of the FaceVerifier provider"), \
    AP_INIT_TAKE1("CicpaCertFaceVerifierKey", cc_photo_set_key, (void *)0, RSRC_CONF, \
                  "HMAC-SHA256 key shared with the FaceVerifier provider (16+ characters)"), \
    AP_INIT_TAKE1("CicpaCertFaceVerifierTimeout", cc_photo_set_number, (void *)&cc_photo_verifier_timeout, RSRC_CONF, \
                  "Seconds to wait for the provider per try (1..120)"), \
    AP_INIT_TAKE1("CicpaCertFaceVerifierTries", cc_photo_set_number, (void *)&cc_photo_verifier_tries, RSRC_CONF, \
                  "Tries per comparison on transport errors and 5xx (1..5)"), \
    AP_INIT_TAKE1("CicpaCertFaceReferenceKey", cc_photo_set_key, (void *)1, RSRC_CONF, \
                  "HMAC-SHA256 key of the built-in reference provider (16+ characters)"), \
    AP_INIT_TAKE1("CicpaCertFaceReferenceThreshold", cc_photo_set_number, (void *)&cc_photo_reference_threshold, RSRC_CONF, \
                  "Least similarity (1..100) the reference provider calls a match")

/* Descriptors of the numeric directives (cmd->info). */
typedef struct cc_photo_number {
    apr_size_t offset;  /* of the int in cc_photo_conf */
    int bit;            /* its set_mask bit */
    int min, max;       /* accepted range */
} cc_photo_number;

extern const cc_photo_number cc_photo_max_upload, cc_photo_compare_attempts,
    cc_photo_verifier_timeout, cc_photo_verifier_tries, cc_photo_reference_threshold;

#endif
