/* Logins of members and staff, guarded alike: the captcha (when
 * CicpaCertCaptcha is on), the attempt limits (cc_throttle.h) for the login
 * name and the client address, the same bcrypt work for unknown names, an
 * audit row for each failure; then a session. */
#ifndef CC_LOGIN_H
#define CC_LOGIN_H

#include "cc_captcha_store.h"
#include "cc_db.h"
#include "cc_result.h"
#include "cc_staff_session.h"

extern const cc_statement cc_login_statements[];

/* A bcrypt hash (cost 10) of no known password: checked against when there
 * is no real hash, so that costs the same time. */
extern const char cc_dummy_bcrypt[];

/* Failed staff logins, per login name and client address (cc_throttle.h). */
#define CC_THROTTLE_STAFF_LOGIN "staff_login"

/* One login as sent. */
typedef struct cc_login_request {
    const char *login; /* member number or staff account */
    const char *password;
    cc_captcha_answer captcha; /* checked when CicpaCertCaptcha is on */
} cc_login_request;

/* What a login opened. */
typedef struct cc_login_outcome {
    const char *token;       /* the session's token */
    apr_time_t expires;      /* when it ends */
    cc_staff *staff;         /* staff logins: who signed in */
    apr_int64_t retry_after; /* CC_TOO_MANY_LOGINS: seconds to wait */
} cc_login_outcome;

/* A member's login as user_type: CC_DONE with the session, or
 * CC_CAPTCHA_REQUIRED / CC_CAPTCHA_INVALID, CC_TOO_MANY_LOGINS,
 * CC_INVALID_CREDENTIALS, CC_PASSWORD_NOT_SET, CC_DB_UNAVAILABLE,
 * CC_INTERNAL. */
cc_result cc_login_member(request_rec *r, ap_dbd_t *dbd, const cc_login_request *req, const char *user_type,
                          cc_login_outcome *out);

/* A staff login: as cc_login_member (never CC_PASSWORD_NOT_SET). */
cc_result cc_login_staff(request_rec *r, ap_dbd_t *dbd, const cc_login_request *req, cc_login_outcome *out);

/* A session opened for someone whom httpd authenticated (no password of
 * ours): the session row and its login audit row (with detail) together,
 * then the cookie. CC_DONE with *token, or CC_DB_UNAVAILABLE / CC_INTERNAL. */
cc_result cc_login_open_member(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *detail,
                               const char **token);
cc_result cc_login_open_staff(request_rec *r, ap_dbd_t *dbd, const char *login, const char *detail,
                              const char **token);

/* Staff's logout: the session ended and audited together, then the cookie
 * cleared; CC_DONE or CC_DB_UNAVAILABLE (the session stays). */
cc_result cc_login_staff_logout(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff);

#endif
