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
 * never the password. A refusal that cannot be recorded is answered as the
 * database's fault, as a right password would be. */
static cc_result audit_failure(request_rec *r, ap_dbd_t *dbd, const char *action, const char *login,
                               cc_result result)
{
    const char *tried = usable(login) ? login : "";
    const char *detail =
        cc_json_text(json_pack("{s:s, s:s}", "login", tried, "reason",
                               result == CC_PASSWORD_NOT_SET ? "password_not_set" : "invalid_credentials"),
                     r->pool);
    int member = strcmp(action, CC_THROTTLE_LOGIN) == 0;
    if (cc_audit(r, dbd, "anonymous", member && *tried ? tried : NULL,
                 apr_pstrcat(r->pool, action, "_failed", NULL), detail ? detail : "")
        != CC_DONE) {
        return CC_DB_UNAVAILABLE;
    }
    if (result != CC_PASSWORD_NOT_SET) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CCLOGNO(00038) "%s refused", action);
    }
    return result;
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
        return audit_failure(r, dbd, action, req->login, result);
    }
}

/* A login's session and its audit row, written together or not at all. */
typedef struct session_opening {
    const char *login;
    cc_login_outcome *out;
    cc_result result;   /* what stopped it */
    const char *detail; /* the audit row's detail: how the person signed in */
} session_opening;

static int open_member_session(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    session_opening *o = arg;
    o->result = cc_session_start(r, dbd, o->login, &o->out->token, &o->out->expires);
    if (o->result == CC_DONE) {
        o->result = cc_audit_member(r, dbd, o->login, "login", o->detail);
    }
    return o->result == CC_DONE ? 0 : -1;
}

static int open_staff_session(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    session_opening *o = arg;
    o->result = cc_staff_session_start(r, dbd, o->login, &o->out->token, &o->out->expires);
    if (o->result == CC_DONE) {
        o->result =
            cc_audit(r, dbd, apr_pstrcat(r->pool, "staff:", o->login, NULL), NULL, "staff_login", o->detail);
    }
    return o->result == CC_DONE ? 0 : -1;
}

/* Runs open in a transaction: CC_DONE once committed, else what stopped
 * it (a failed commit is the database's fault). */
static cc_result open_session(request_rec *r, ap_dbd_t *dbd, cc_db_work_fn *open, session_opening *o)
{
    o->result = CC_DB_UNAVAILABLE;
    if (cc_db_transaction(r, dbd, open, o) != 0) {
        return o->result == CC_DONE ? CC_DB_UNAVAILABLE : o->result;
    }
    return CC_DONE;
}

cc_result cc_login_member(request_rec *r, ap_dbd_t *dbd, const cc_login_request *req, const char *user_type,
                          cc_login_outcome *out)
{
    cc_result result = guarded(r, dbd, req, CC_THROTTLE_LOGIN, check_member, user_type, out);
    session_opening o = { req->login, out, CC_DONE, "" };
    if (result == CC_DONE && (result = open_session(r, dbd, open_member_session, &o)) == CC_DONE) {
        cc_session_hand_over(r, out->token);
    }
    return result;
}

/* A session opened by open (with its audit row), then its cookie set by
 * hand_over: what httpd-authenticated members and staff get. */
static cc_result open_handed_over(request_rec *r, ap_dbd_t *dbd, cc_db_work_fn *open,
                                  void (*hand_over)(request_rec *, const char *), const char *login,
                                  const char *detail, const char **token)
{
    cc_login_outcome out = { NULL, 0, NULL, 0 };
    session_opening o = { login, &out, CC_DONE, detail };
    cc_result result = open_session(r, dbd, open, &o);
    if (result == CC_DONE) {
        hand_over(r, out.token);
        *token = out.token;
    }
    return result;
}

cc_result cc_login_open_member(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *detail,
                               const char **token)
{
    return open_handed_over(r, dbd, open_member_session, cc_session_hand_over, member_no, detail, token);
}

cc_result cc_login_open_staff(request_rec *r, ap_dbd_t *dbd, const char *login, const char *detail,
                              const char **token)
{
    return open_handed_over(r, dbd, open_staff_session, cc_staff_session_hand_over, login, detail, token);
}

cc_result cc_login_staff(request_rec *r, ap_dbd_t *dbd, const cc_login_request *req, cc_login_outcome *out)
{
    cc_result result = guarded(r, dbd, req, CC_THROTTLE_STAFF_LOGIN, check_staff, NULL, out);
    session_opening o = { req->login, out, CC_DONE, "" };
    if (result == CC_DONE && (result = open_session(r, dbd, open_staff_session, &o)) == CC_DONE) {
        /* The institute as the new session's lookup sees it. */
        result =
            cc_staff_session_find(r, dbd, out->token, &out->staff) == CC_DONE ? CC_DONE : CC_DB_UNAVAILABLE;
        if (result == CC_DONE) {
            cc_staff_session_hand_over(r, out->token);
        }
    }
    return result;
}

static int close_staff_session(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    const cc_staff *staff = arg;
    return cc_staff_session_end(r, dbd, staff) != CC_DONE
                   || cc_audit_staff(r, dbd, staff, NULL, "staff_logout", NULL) != CC_DONE
               ? -1
               : 0;
}

cc_result cc_login_staff_logout(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff)
{
    if (cc_db_transaction(r, dbd, close_staff_session, (void *)staff) != 0) {
        return CC_DB_UNAVAILABLE;
    }
    cc_staff_session_hand_over(r, NULL);
    return CC_DONE;
}
