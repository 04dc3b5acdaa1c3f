#include <string.h>
#include <apr_md5.h>

#include "cc_audit.h"
#include "cc_config.h"
#include "cc_json.h"
#include "cc_login.h"
#include "cc_throttle.h"

const cc_statement cc_login_statements[] = {
    { "cc_login_lookup", "SELECT user_type, password_hash FROM members WHERE member_no = %s" },
    { "cc_staff_login_lookup", "SELECT password_hash FROM staff WHERE login = %s AND disabled = 0" },
    { NULL, NULL }
};

const char cc_dummy_bcrypt[] = "$2y$10$sMTZgg3BHkmQfbqpuR86Lu.7EYer880P0vyRpFXa1ak8x8Br8ekXS";

/* Longest login name or password looked at; longer is just a wrong login. */
#define MAX_LOGIN_FIELD 128

/* Checks password for login (both non-empty and bounded), spending the
 * same bcrypt work whether login exists or not: CC_DONE,
 * CC_INVALID_CREDENTIALS, CC_PASSWORD_NOT_SET or CC_DB_UNAVAILABLE. */
typedef cc_result check_fn(request_rec *r, ap_dbd_t *dbd, const char *login, const char *password,
                           const char *user_type);

/* Members: user_type is the type chosen on the page. */
static cc_result check_member(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *password,
                              const char *user_type)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_login_lookup", member_no);
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    const char **row = rows->nelts ? APR_ARRAY_IDX(rows, 0, const char **) : NULL;
    const char *hash = row && row[1] && *row[1] ? row[1] : cc_dummy_bcrypt;
    int match = apr_password_validate(password, hash) == APR_SUCCESS;
    if (row == NULL || strcmp(row[0], user_type) != 0) {
        return CC_INVALID_CREDENTIALS;
    }
    if (row[1] == NULL || *row[1] == '\0') {
        return CC_PASSWORD_NOT_SET;
    }
    return match ? CC_DONE : CC_INVALID_CREDENTIALS;
}

static cc_result check_staff(request_rec *r, ap_dbd_t *dbd, const char *login, const char *password,
                             const char *unused)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_staff_login_lookup", login);
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    const char *hash = rows->nelts ? APR_ARRAY_IDX(rows, 0, const char **)[0] : NULL;
    int match = apr_password_validate(password, hash && *hash ? hash : cc_dummy_bcrypt) == APR_SUCCESS;
    return hash && *hash && match ? CC_DONE : CC_INVALID_CREDENTIALS;
}

static int usable(const char *s)
{
    return s && *s && strlen(s) <= MAX_LOGIN_FIELD;
}

/* The audit row of a failed login (action "<throttle action>_failed"),
 * alike for an unknown name and a wrong password: the name tried (a
 * member's number also as member_no, so the member's trail shows it),
 * never the password. */
static void audit_failure(request_rec *r, ap_dbd_t *dbd, const char *action, const char *login,
                          cc_result result)
{
    const char *tried = usable(login) ? login : "";
    const char *detail =
        cc_json_text(json_pack("{s:s, s:s}", "login", tried, "reason",
                               result == CC_PASSWORD_NOT_SET ? "password_not_set" : "invalid_credentials"),
                     r->pool);
    int member = strcmp(action, CC_THROTTLE_LOGIN) == 0;
    cc_audit(r, dbd, "anonymous", member && *tried ? tried : NULL,
             apr_pstrcat(r->pool, action, "_failed", NULL), detail ? detail : "");
    if (result != CC_PASSWORD_NOT_SET) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CCLOGNO(00038) "%s refused", action);
    }
}

/* The guarded part of every login. A failure is counted (it stays so), a
 * success clears login's count. */
static cc_result guarded(request_rec *r, ap_dbd_t *dbd, const cc_login_request *req, const char *action,
                         check_fn *check, const char *user_type, cc_login_outcome *out)
{
    /* The captcha first: it is spent whatever follows, and a refused one
     * neither counts as a failure nor reaches the password. */
    cc_result result =
        cc_server_conf_get(r->server)->captcha ? cc_captcha_store_check(r, dbd, &req->captcha) : CC_DONE;
    if (result != CC_DONE) {
        return result;
    }
    const char *counted = usable(req->login) ? req->login : NULL;
    cc_throttle_attempt attempt;
    result = cc_throttle_take(r, dbd, action, counted, &attempt);
    if (result != CC_DONE) {
        out->retry_after = attempt.retry_after;
        return result == CC_TOO_MANY_ATTEMPTS ? CC_TOO_MANY_LOGINS : result;
    }
    result = counted && usable(req->password) ? check(r, dbd, req->login, req->password, user_type)
                                              : CC_INVALID_CREDENTIALS;
    switch (result) {
    case CC_DONE:
        cc_throttle_withdraw(r, dbd, &attempt);
        cc_throttle_clear(r, dbd, action, req->login);
        return CC_DONE;
    case CC_DB_UNAVAILABLE:
        cc_throttle_withdraw(r, dbd, &attempt);
        return CC_DB_UNAVAILABLE;
    default:
        audit_failure(r, dbd, action, req->login, result);
        return result;
    }
}

cc_result cc_login_member(request_rec *r, ap_dbd_t *dbd, const cc_login_request *req, const char *user_type,
                          cc_login_outcome *out)
{
    cc_result result = guarded(r, dbd, req, CC_THROTTLE_LOGIN, check_member, user_type, out);
    if (result != CC_DONE) {
        return result;
    }
    cc_audit_member(r, dbd, req->login, "login", "");
    return cc_session_start(r, dbd, req->login, &out->token, &out->expires);
}

cc_result cc_login_staff(request_rec *r, ap_dbd_t *dbd, const cc_login_request *req, cc_login_outcome *out)
{
    cc_result result = guarded(r, dbd, req, CC_THROTTLE_STAFF_LOGIN, check_staff, NULL, out);
    if (result != CC_DONE) {
        return result;
    }
    /* The institute as the new session's lookup sees it. */
    if (cc_staff_session_start(r, dbd, req->login, &out->token, &out->expires) != CC_DONE
        || cc_staff_session_find(r, dbd, out->token, &out->staff) != CC_DONE) {
        return CC_INTERNAL;
    }
    cc_audit(r, dbd, out->staff->actor, NULL, "staff_login", "");
    return CC_DONE;
}
