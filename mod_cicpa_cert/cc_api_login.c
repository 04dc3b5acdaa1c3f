/* POST /login and POST /logout. */
#include <string.h>
#include <apr_md5.h>

#include "cc_api.h"
#include "cc_audit.h"
#include "cc_db.h"
#include "cc_http.h"
#include "cc_json.h"
#include "cc_member.h"
#include "cc_throttle.h"

const cc_statement cc_login_statements[] = {
    { "cc_login_lookup",
      "SELECT user_type, password_hash FROM members WHERE member_no = %s" },
    { NULL, NULL }
};

const char cc_api_dummy_bcrypt[] = "$2y$10$sMTZgg3BHkmQfbqpuR86Lu.7EYer880P0vyRpFXa1ak8x8Br8ekXS";

/* Longest login name or password looked at; longer is just a wrong login. */
#define MAX_LOGIN_FIELD 128

/* cc_login_check_fn of members: arg is the user type chosen on the page. */
static cc_login_result check_member(cc_api_ctx *ctx, const char *member_no,
                                    const char *password, void *arg)
{
    const char *user_type = arg;
    const char *args[] = { member_no };
    apr_array_header_t *rows = cc_db_select(ctx->r, ctx->dbd, "cc_login_lookup", 1, args);
    if (rows == NULL) {
        return CC_LOGIN_DB_ERROR;
    }
    const char **row = rows->nelts ? APR_ARRAY_IDX(rows, 0, const char **) : NULL;
    const char *hash = row && row[1] && *row[1] ? row[1] : cc_api_dummy_bcrypt;
    int match = apr_password_validate(password, hash) == APR_SUCCESS;
    if (row == NULL || strcmp(row[0], user_type) != 0) {
        return CC_LOGIN_WRONG;
    }
    if (row[1] == NULL || *row[1] == '\0') {
        return CC_LOGIN_NO_PASSWORD;
    }
    return match ? CC_LOGIN_OK : CC_LOGIN_WRONG;
}

static int send_session(cc_api_ctx *ctx, const char *member_no)
{
    const char *token;
    apr_time_t expires;
    if (cc_session_start(ctx->r, ctx->dbd, member_no, &token, &expires) != OK) {
        return cc_api_fail(ctx, HTTP_INTERNAL_SERVER_ERROR);
    }
    return cc_send_json(ctx->r, HTTP_OK, json_pack(
        "{s:s, s:s, s:s, s:I, s:s}", "member_no", member_no, "token", token,
        "token_type", "Bearer", "expires_at", (json_int_t)apr_time_sec(expires),
        "csrf_token", cc_session_csrf_for(token, ctx->r->pool)));
}

static int usable(const char *s)
{
    return s && *s && strlen(s) <= MAX_LOGIN_FIELD;
}

/* The audit row of a failed login (action "<throttle action>_failed"),
 * alike for an unknown name and a wrong password: the name tried (a
 * member's number also as member_no, so the member's trail shows it),
 * never the password. */
static void audit_failure(cc_api_ctx *ctx, const char *action, const char *login,
                          cc_login_result result)
{
    const char *tried = usable(login) ? login : "";
    const char *detail = cc_json_text(json_pack("{s:s, s:s}", "login", tried, "reason",
                                                result == CC_LOGIN_NO_PASSWORD ? "password_not_set"
                                                                               : "invalid_credentials"),
                                      ctx->r->pool);
    int member = strcmp(action, CC_THROTTLE_LOGIN) == 0;
    cc_audit(ctx->r, ctx->dbd, "anonymous", member && *tried ? tried : NULL,
             apr_pstrcat(ctx->r->pool, action, "_failed", NULL), detail ? detail : "");
}

/* Says why the login failed (the attempt stays counted). */
static int refuse(cc_api_ctx *ctx, const char *action, const char *login, cc_login_result result)
{
    audit_failure(ctx, action, login, result);
    if (result == CC_LOGIN_NO_PASSWORD) {
        cc_send_error(ctx->r, HTTP_UNAUTHORIZED, "password_not_set",
                      "您尚未设置密码，请点击“忘记密码”设置密码");
        return HTTP_UNAUTHORIZED;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, ctx->r, "%s refused", action);
    cc_send_error(ctx->r, HTTP_UNAUTHORIZED, "invalid_credentials", "用户名或密码错误");
    return HTTP_UNAUTHORIZED;
}

int cc_login_guarded(cc_api_ctx *ctx, apr_table_t *params, const char *action,
                     const char *login, const char *password, cc_login_check_fn *check, void *arg)
{
    /* The captcha first: it is spent whatever follows, and a refused one
     * neither counts as a failure nor reaches the password. */
    int status = ctx->conf->captcha ? cc_captcha_verify(ctx, params) : OK;
    if (status != OK) {
        return status;
    }
    const char *counted = usable(login) ? login : NULL;
    cc_throttle_attempt attempt;
    status = cc_throttle_take(ctx, action, counted, "登录失败次数过多", &attempt);
    if (status != OK) {
        return status;
    }
    cc_login_result result = counted && usable(password)
                             ? check(ctx, login, password, arg) : CC_LOGIN_WRONG;
    switch (result) {
    case CC_LOGIN_OK:
        cc_throttle_withdraw(ctx, &attempt);
        cc_throttle_clear(ctx, action, login);
        return OK;
    case CC_LOGIN_DB_ERROR:
        cc_throttle_withdraw(ctx, &attempt);
        cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
        return HTTP_SERVICE_UNAVAILABLE;
    default:
        return refuse(ctx, action, login, result);
    }
}

int cc_api_login(cc_api_ctx *ctx)
{
    apr_table_t *params;
    if (cc_read_params(ctx->r, ctx->conf->max_body, &params) != OK) {
        return OK;
    }
    const char *type_param = apr_table_get(params, "user_type");
    const char *member_no = apr_table_get(params, "member_no");
    const char *password = apr_table_get(params, "password");
    const char *user_type = type_param ? cc_user_type_parse(type_param) : "non_practicing";
    if (!member_no || !*member_no || !password || !*password) {
        return cc_send_error(ctx->r, HTTP_BAD_REQUEST, "missing_credentials", "请输入用户名（会员编号）和密码");
    }
    if (user_type == NULL) {
        return cc_send_error(ctx->r, HTTP_BAD_REQUEST, "bad_user_type", "用户类型须为“非执业会员”或“执业会员”");
    }
    if (cc_login_guarded(ctx, params, CC_THROTTLE_LOGIN, member_no, password,
                         check_member, (void *)user_type) != OK) {
        return OK;
    }
    cc_audit(ctx->r, ctx->dbd, apr_pstrcat(ctx->r->pool, "member:", member_no, NULL),
             member_no, "login", "");
    return send_session(ctx, member_no);
}

int cc_api_logout(cc_api_ctx *ctx)
{
    if (!cc_session_csrf_ok(ctx->r, ctx->session, NULL)) {
        return cc_api_csrf_error(ctx);
    }
    if (cc_session_end(ctx->r, ctx->dbd, ctx->session) != OK) {
        return cc_api_fail(ctx, HTTP_INTERNAL_SERVER_ERROR);
    }
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:b}", "logged_out", 1));
}
