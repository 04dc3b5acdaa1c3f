/* Password recovery (忘记密码): a member who proves their member number and
 * ID number gets a one-time code at the registered e-mail address and/or
 * mobile, and sets a new password with it.
 *
 * A wrong pair gets the same outcome whether or not the member exists (no
 * extra work), and both steps are rate-limited per member number and
 * client address, wrong codes per address (cc_throttle.h). Codes are six
 * digits, stored as bcrypt hashes, live CC_RECOVERY_CODE_MINUTES, allow
 * CODE_TRIES guesses and are spent by the reset; a new code replaces the
 * old one. Owns table password_codes. */
#ifndef CC_RECOVERY_H
#define CC_RECOVERY_H

#include "cc_captcha_store.h"
#include "cc_db.h"
#include "cc_result.h"

extern const cc_statement cc_recovery_statements[];

#define CC_RECOVERY_CODE_MINUTES 10

/* Where a code went. */
typedef struct cc_recovery_destination {
    const char *channel; /* "email" or "sms" */
    const char *to;      /* the address or number, masked */
} cc_recovery_destination;

/* 1 when codes can be sent at all (CicpaCertSmtpUrl or CicpaCertSmsUrl). */
int cc_recovery_available(request_rec *r);

/* Sends a new code when id_number is member_no's: CC_DONE with
 * *destinations (cc_recovery_destination; none when the numbers did not
 * match), or CC_CAPTCHA_*, CC_TOO_MANY_RECOVERIES (*retry_after),
 * CC_NO_CONTACT, CC_DELIVERY_FAILED, CC_DB_UNAVAILABLE, CC_INTERNAL. */
cc_result cc_recovery_send_code(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *id_number,
                                const cc_captcha_answer *captcha, apr_array_header_t **destinations,
                                apr_int64_t *retry_after);

/* Sets password with code, ending every session: CC_DONE, or
 * CC_WEAK_PASSWORD (*problem), CC_TOO_MANY_CODES (*retry_after),
 * CC_INVALID_CODE, CC_DB_UNAVAILABLE, CC_INTERNAL. */
cc_result cc_recovery_reset(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *code,
                            const char *password, const char **problem, apr_int64_t *retry_after);

#endif
