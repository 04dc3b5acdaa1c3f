/* Attempt counters in the database, so that every httpd child and node
 * agrees: failed logins and recovery requests, per member number and per
 * client address, and the rates of new captchas and verification checks per
 * client address. Each is one limit whatever the number of children and
 * nodes. A limit that cannot be counted (a failed write or read) refuses:
 * CC_DB_UNAVAILABLE, never a pass.
 * The address is r->useragent_ip: behind a reverse proxy, mod_remoteip must
 * set it from the proxy's header; this module never reads X-Forwarded-For. */
#ifndef CC_THROTTLE_H
#define CC_THROTTLE_H

#include "cc_db.h"
#include "cc_result.h"

extern const cc_statement cc_throttle_statements[]; /* table throttle_events */

/* What is counted; the scopes are "<action>-member:<no>" and
 * "<action>-address:<ip>". */
#define CC_THROTTLE_LOGIN "login"     /* failed logins */
#define CC_THROTTLE_FORGOT "forgot"   /* recovery requests, matching or not */
#define CC_THROTTLE_RESET "reset"     /* wrong reset codes (counted per address only) */
#define CC_THROTTLE_CAPTCHA "captcha" /* new captchas (CicpaCertCaptchaRate) */
#define CC_THROTTLE_VERIFY "verify"   /* verification checks (CicpaCertVerifyRate) */

/* One attempt's events: what cc_throttle_withdraw takes back. */
typedef struct cc_throttle_attempt {
    const char *member_scope;  /* NULL when only the address counts */
    const char *address_scope; /* the client address's scope */
    const char *at;            /* the events' time (Unix seconds) */
    apr_int64_t retry_after;   /* CC_TOO_MANY_ATTEMPTS: seconds until one more may go */
} cc_throttle_attempt;

/* Takes one attempt of action for member_no (NULL: only the address counts)
 * and the client address. The attempt is recorded first and the limits
 * (CicpaCertLoginMaxFailures, CicpaCertLoginMaxFailuresPerAddress within
 * CicpaCertLoginWindow) checked after, so parallel attempts cannot get past
 * them. CC_DONE: the attempt may go ahead and counts until withdrawn.
 * Otherwise it is withdrawn: CC_TOO_MANY_ATTEMPTS (attempt->retry_after
 * says when) or CC_DB_UNAVAILABLE. */
cc_result cc_throttle_take(request_rec *r, ap_dbd_t *dbd, const char *action, const char *member_no,
                           cc_throttle_attempt *attempt);

/* Takes one event of action for the client address, which may have
 * per_minute of them in the last 60 seconds. CC_DONE: it may go ahead (the
 * event stays counted); CC_TOO_MANY_ATTEMPTS (*retry_after: seconds until one
 * more may go) or CC_DB_UNAVAILABLE: it is withdrawn. */
cc_result cc_throttle_rate(request_rec *r, ap_dbd_t *dbd, const char *action, int per_minute,
                           apr_int64_t *retry_after);

/* Takes back an attempt that is not to count (a success, a database error). */
void cc_throttle_withdraw(request_rec *r, ap_dbd_t *dbd, const cc_throttle_attempt *attempt);

/* Forgets member_no's events of action (a success resets its counter; the
 * address's count stays). */
void cc_throttle_clear(request_rec *r, ap_dbd_t *dbd, const char *action, const char *member_no);

#endif
