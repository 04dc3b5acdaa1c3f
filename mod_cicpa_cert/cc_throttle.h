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

/* OK when neither member_no (NULL: only the address counts) nor the client
 * address has reached its limit (CicpaCertLoginMaxFailures,
 * CicpaCertLoginMaxFailuresPerAddress) within CicpaCertLoginWindow.
 * Otherwise sends 429 too_many_attempts, "<what>，请N分钟后再试", with a
 * Retry-After header and retry_after (seconds) in the error, or 503 on a
 * database error, and returns that status. */
int cc_throttle_check(cc_api_ctx *ctx, const char *action, const char *member_no,
                      const char *what);

/* Counts one event of action for member_no (unless NULL) and the address. */
void cc_throttle_count(cc_api_ctx *ctx, const char *action, const char *member_no);

/* Forgets member_no's events of action (a success resets its counter; the
 * address's count stays). */
void cc_throttle_clear(cc_api_ctx *ctx, const char *action, const char *member_no);

#endif
