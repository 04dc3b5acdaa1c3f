/* Attempt counters in the database, so that every httpd node agrees: failed
 * logins and recovery requests, per member number and per client address.
 * The address is r->useragent_ip: behind a reverse proxy, mod_remoteip must
 * set it from the proxy's header; this module never reads X-Forwarded-For. */
#ifndef CC_THROTTLE_H
#define CC_THROTTLE_H

#include "cc_api.h"

/* What is counted; the scopes are "<action>-member:<no>" and
 * "<action>-address:<ip>". */
#define CC_THROTTLE_LOGIN "login"     /* failed logins */
#define CC_THROTTLE_FORGOT "forgot"   /* recovery requests, matching or not */
#define CC_THROTTLE_RESET "reset"     /* wrong reset codes (counted per address only) */

/* One attempt's events: what cc_throttle_withdraw takes back. */
typedef struct cc_throttle_attempt {
    const char *member_scope;   /* NULL when only the address counts */
    const char *address_scope;  /* the client address's scope */
    const char *at;             /* the events' time (Unix seconds) */
} cc_throttle_attempt;

/* Takes one attempt of action for member_no (NULL: only the address counts)
 * and the client address. The attempt is recorded first and the limits
 * (CicpaCertLoginMaxFailures, CicpaCertLoginMaxFailuresPerAddress within
 * CicpaCertLoginWindow) checked after, so parallel attempts cannot get past
 * them. OK: the attempt may go ahead and counts until withdrawn. Otherwise
 * it is withdrawn, 429 too_many_attempts ("<what>，请N分钟后再试", with
 * Retry-After and retry_after) or 503 was sent, and that status returns. */
int cc_throttle_take(cc_api_ctx *ctx, const char *action, const char *member_no,
                     const char *what, cc_throttle_attempt *attempt);

/* Takes back an attempt that is not to count (a success, a database error). */
void cc_throttle_withdraw(cc_api_ctx *ctx, const cc_throttle_attempt *attempt);

/* Forgets member_no's events of action (a success resets its counter; the
 * address's count stays). */
void cc_throttle_clear(cc_api_ctx *ctx, const char *action, const char *member_no);

#endif
