/* Staff sessions: rows of staff_sessions keyed by the SHA-256 of a random
 * token, in the cookie <CicpaCertCookieName>_staff, lasting
 * CicpaCertStaffSessionLifetime. Apart from the members' (own table, own
 * cookie, shorter lifetime), so a member's token never opens the staff
 * API. Cookie only: every change needs the session's CSRF token. */
#ifndef CC_STAFF_SESSION_H
#define CC_STAFF_SESSION_H

#include "cc_db.h"
#include "cc_result.h"
#include "cc_session.h"

/* A signed-in staff member. */
typedef struct cc_staff {
    const char *login;     /* account name */
    const char *institute; /* institute code, CC_NATIONAL_INSTITUTE for national staff */
    const char *actor;     /* audit_log actor: "staff:<login>" */
    cc_session session;    /* token hash, CSRF token, cookie flag (member_no unused) */
} cc_staff;

/* The staff's institute code, twice: the arguments of CC_IN_SCOPE. */
#define CC_SCOPE_ARGS(staff) (staff)->institute, (staff)->institute

/* Writes a session for login (no cookie yet, as cc_session_start):
 * CC_DONE, CC_DB_UNAVAILABLE or CC_INTERNAL. */
cc_result cc_staff_session_start(request_rec *r, ap_dbd_t *dbd, const char *login, const char **token,
                                 apr_time_t *expires);

/* Sets the staff session cookie of token, once its row is committed;
 * NULL clears it (once the session's end is). */
void cc_staff_session_hand_over(request_rec *r, const char *token);

/* The live session of token (NULL: the request's cookie): CC_DONE with
 * *out, CC_UNAUTHENTICATED or CC_INTERNAL. */
cc_result cc_staff_session_find(request_rec *r, ap_dbd_t *dbd, const char *token, cc_staff **out);

/* Whether login is an enabled staff account: CC_DONE, CC_UNKNOWN_IDENTITY
 * or CC_INTERNAL. */
cc_result cc_staff_session_account(request_rec *r, ap_dbd_t *dbd, const char *login);

/* Deletes staff's session (the caller audits it and clears the cookie):
 * CC_DONE or CC_DB_UNAVAILABLE. */
cc_result cc_staff_session_end(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff);

#endif
