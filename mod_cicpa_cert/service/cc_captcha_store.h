/* Captchas in the database, so any node may check them: answers stored
 * hashed, deleted when checked (single-use) and refused once expired.
 * Owns table captchas. */
#ifndef CC_CAPTCHA_STORE_H
#define CC_CAPTCHA_STORE_H

#include "cc_captcha.h"
#include "cc_db.h"
#include "cc_result.h"

extern const cc_statement cc_captcha_statements[];

/* What a request says about its captcha ("" or NULL when not sent). */
typedef struct cc_captcha_answer {
    const char *id;    /* captcha_id, else the captcha cookie */
    const char *typed; /* what the reader typed */
} cc_captcha_answer;

/* Draws a new captcha and stores its answer for lifetime seconds: CC_DONE
 * with *captcha and *id, CC_INTERNAL (not drawn) or CC_DB_UNAVAILABLE. */
cc_result cc_captcha_store_new(request_rec *r, ap_dbd_t *dbd, int lifetime, cc_captcha *captcha,
                               const char **id);

/* Spends the captcha of answer, whatever the outcome (one try per
 * captcha): CC_DONE when it was right and alive, CC_CAPTCHA_REQUIRED,
 * CC_CAPTCHA_INVALID or CC_DB_UNAVAILABLE. */
cc_result cc_captcha_store_check(request_rec *r, ap_dbd_t *dbd, const cc_captcha_answer *answer);

#endif
