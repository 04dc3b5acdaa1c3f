/* The sessions of requesters whom httpd authenticated (CicpaCertIdentity and
 * CicpaCertStaffIdentity httpd). */
#include <string.h>

#include "cc_login.h"
#include "cc_config.h"
#include "cc_identity.h"
#include "cc_member.h"

/* The detail of the audit row of a session opened this way. */
#define VIA_HTTPD "via httpd auth"

cc_result cc_identity_member(request_rec *r, ap_dbd_t *dbd, const char *member_no, cc_session **out)
{
    /* The cookie only: httpd's credential is ambient, so every change
     * needs this session's CSRF token, whatever else the request carries. */
    const char *token = cc_session_cookie(r, cc_server_conf_get(r->server)->cookie_name);
    cc_result result = cc_session_of_token(r, dbd, token, 1, out);
    if (result != CC_UNAUTHENTICATED && (result != CC_DONE || strcmp((*out)->member_no, member_no) == 0)) {
        return result;
    }
    /* None yet, or another user's: a new one for this member. */
    cc_member *m;
    result = cc_member_load(r, dbd, member_no, &m);
    if (result != CC_DONE) {
        return result == CC_NOT_FOUND ? CC_UNKNOWN_IDENTITY : result;
    }
    if ((result = cc_login_open_member(r, dbd, member_no, VIA_HTTPD, &token)) != CC_DONE) {
        return result;
    }
    return cc_session_of_token(r, dbd, token, 1, out);
}

cc_result cc_identity_staff(request_rec *r, ap_dbd_t *dbd, const char *login, cc_staff **out)
{
    cc_result result = cc_staff_session_find(r, dbd, NULL, out);
    if (result != CC_UNAUTHENTICATED && (result != CC_DONE || strcmp((*out)->login, login) == 0)) {
        return result;
    }
    if ((result = cc_staff_session_account(r, dbd, login)) != CC_DONE) {
        return result;
    }
    const char *token;
    if ((result = cc_login_open_staff(r, dbd, login, VIA_HTTPD, &token)) != CC_DONE) {
        return result;
    }
    return cc_staff_session_find(r, dbd, token, out);
}
