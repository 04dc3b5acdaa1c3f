/* POST /login, POST /logout and GET /session of the staff API. The captcha
 * and the attempt limits are the members' (cc_login_guarded), counted apart
 * under their own action. */
#include <string.h>
#include <apr_md5.h>

#include "cc_admin.h"
#include "cc_db.h"
#include "cc_http.h"
#include "cc_member.h"

const cc_statement cc_staff_login_statements[] = {
    { "cc_staff_login_lookup",
      "SELECT password_hash FROM staff WHERE login = %s AND disabled = 0" },
    { NULL, NULL }
};

/* Failed staff logins, per login name and client address (cc_throttle.h). */
#define THROTTLE_STAFF_LOGIN "staff_login"

/* cc_login_check_fn of staff: the same bcrypt work for unknown logins. */
static cc_login_result check_staff(cc_api_ctx *ctx, const char *login, const char *password,
                                   void *arg)
{
    const char *args[] = { login };
    apr_array_header_t *rows = cc_db_select(ctx->r, ctx->dbd, "cc_staff_login_lookup", 1, args);
    if (rows == NULL) {
        return CC_LOGIN_DB_ERROR;
    }
    const char *hash = rows->nelts ? APR_ARRAY_IDX(rows, 0, const char **)[0] : NULL;
    int match = apr_password_validate(password, hash && *hash ? hash : cc_api_dummy_bcrypt) == APR_SUCCESS;
    return hash && *hash && match ? CC_LOGIN_OK : CC_LOGIN_WRONG;
}

/* {login, institute, national, csrf_token[, expires_at]} */
static json_t *staff_json(cc_admin_ctx *ctx, const char *login, const char *institute,
                          const char *csrf_token)
{
    cc_institute *inst = NULL;
    cc_institute_find(ctx->api.r, ctx->api.dbd, institute, &inst);
    return json_pack("{s:s, s:o, s:b, s:s}", "login", login,
                     "institute", cc_api_institute_json(inst),
                     "national", strcmp(institute, CC_NATIONAL_INSTITUTE) == 0,
                     "csrf_token", csrf_token);
}

static int send_session(cc_admin_ctx *ctx, const char *login)
{
    const char *token;
    apr_time_t expires;
    if (cc_staff_session_start(ctx, login, &token, &expires) != OK) {
        return cc_api_fail(&ctx->api, HTTP_INTERNAL_SERVER_ERROR);
    }
    /* The institute as the new session's lookup sees it. */
    if (cc_staff_session_find_token(ctx, token) != OK) {
        return cc_api_fail(&ctx->api, HTTP_INTERNAL_SERVER_ERROR);
    }
    json_t *doc = staff_json(ctx, login, ctx->staff->institute, ctx->staff->session.csrf_token);
    json_object_set_new(doc, "expires_at", json_integer((json_int_t)apr_time_sec(expires)));
    return cc_send_json(ctx->api.r, HTTP_OK, doc);
}

int cc_admin_login(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    if (cc_read_params(ctx->api.r, ctx->api.conf->max_body, &params) != OK) {
        return OK;
    }
    const char *login = apr_table_get(params, "login");
    const char *password = apr_table_get(params, "password");
    if (!login || !*login || !password || !*password) {
        return cc_send_error(ctx->api.r, HTTP_BAD_REQUEST, "missing_credentials", "请输入账号和密码");
    }
    if (cc_login_guarded(&ctx->api, params, THROTTLE_STAFF_LOGIN, login, password,
                         check_staff, NULL) != OK) {
        return OK;
    }
    int sent = send_session(ctx, login);
    cc_admin_audit(ctx, NULL, "staff_login", NULL);
    return sent;
}

int cc_admin_logout(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    if (cc_admin_read_change(ctx, &params) != OK) {
        return OK;
    }
    if (cc_staff_session_end(ctx) != OK) {
        return cc_api_fail(&ctx->api, HTTP_INTERNAL_SERVER_ERROR);
    }
    cc_admin_audit(ctx, NULL, "staff_logout", NULL);
    return cc_send_json(ctx->api.r, HTTP_OK, json_pack("{s:b}", "logged_out", 1));
}

int cc_admin_whoami(cc_admin_ctx *ctx)
{
    const cc_staff *st = ctx->staff;
    return cc_send_json(ctx->api.r, HTTP_OK,
                        staff_json(ctx, st->login, st->institute, st->session.csrf_token));
}
