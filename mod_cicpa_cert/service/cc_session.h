/* Member sessions: server-side rows keyed by the SHA-256 of a random token,
 * carried in an HttpOnly cookie (PC) or an Authorization: Bearer header
 * (mini-program). */
#ifndef CC_SESSION_H
#define CC_SESSION_H

#include "cc_db.h"
#include "cc_result.h"

typedef struct cc_session {
    const char *member_no;  /* whose session */
    const char *token_hash; /* its row key */
    const char *csrf_token; /* what a cookie client must echo on changes */
    int via_cookie;         /* token came from the cookie, not Bearer */
} cc_session;

extern const cc_statement cc_session_statements[]; /* table sessions */

/* Writes a session for member_no and returns its token in *token (no
 * cookie yet: the caller's transaction may still roll the row back).
 * Returns CC_DONE, CC_DB_UNAVAILABLE or CC_INTERNAL (logged). */
cc_result cc_session_start(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char **token,
                           apr_time_t *expires);

/* Sets the session cookie of token, once its row is committed. */
void cc_session_hand_over(request_rec *r, const char *token);

/* Finds the live session of the request. Returns CC_DONE with *out set,
 * CC_UNAUTHENTICATED when there is none (or it expired), or CC_INTERNAL on
 * a database error. */
cc_result cc_session_find(request_rec *r, ap_dbd_t *dbd, cc_session **out);

/* The live session of token (via_cookie: it came in the cookie): CC_DONE
 * with *out, CC_UNAUTHENTICATED (none, or it expired) or CC_INTERNAL. */
cc_result cc_session_of_token(request_rec *r, ap_dbd_t *dbd, const char *token, int via_cookie,
                              cc_session **out);

/* Deletes the session row and clears the cookie: CC_DONE or CC_INTERNAL. */
cc_result cc_session_end(request_rec *r, ap_dbd_t *dbd, const cc_session *session);

/* Ends every session of member_no, wherever it was opened (after a password
 * reset). Returns CC_DONE or CC_INTERNAL (logged). */
cc_result cc_session_end_all(request_rec *r, ap_dbd_t *dbd, const char *member_no);

/* The value of the request's cookie name (the first one sent), or NULL. */
const char *cc_session_cookie(request_rec *r, const char *name);

/* Sets cookie name to value for max_age seconds (0 clears it): Path=/,
 * HttpOnly, SameSite=Lax, and Secure as CicpaCertCookieSecure says. */
void cc_session_set_cookie(request_rec *r, const char *name, const char *value, apr_int64_t max_age);

/* The CSRF token of a session token. It is derived, so nothing more is
 * stored; a page reads it from /login or /me, another site cannot. */
const char *cc_session_csrf_for(const char *token, apr_pool_t *p);

/* The token of an Authorization: Bearer header, or NULL. */
const char *cc_session_bearer(request_rec *r);

/* For state-changing requests: a cookie session must present its CSRF token
 * in the X-CSRF-Token header (or a csrf_token parameter, for plain forms);
 * Bearer sessions carry no ambient credential and pass. 1 when allowed. */
int cc_session_csrf_ok(request_rec *r, const cc_session *session, apr_table_t *params);

#endif
