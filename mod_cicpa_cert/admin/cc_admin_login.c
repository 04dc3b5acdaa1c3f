/* POST /login, POST /logout and GET /session of the staff API. The captcha
 * and the attempt limits are the members' (cc_login.h), counted apart
 * under their own action. */
#include <string.h>

#include "cc_admin.h"
#include "cc_api_input.h"
#include "cc_api_view.h"
#include "cc_http.h"
#include "cc_login.h"
#include "cc_reply.h"
#include "cc_scope.h"

/* {login, institute, national, csrf_token} */
static json_t *staff_json(cc_admin_ctx *ctx, const cc_staff *st)
{
    cc_institute *inst = NULL;
    cc_institute_find(ctx->r, ctx->dbd, st->institute, &inst);
    return json_pack("{s:s, s:o, s:b, s:s}", "login", st->login, "institute", cc_view_institute(inst),
                     "national", strcmp(st->institute, CC_NATIONAL_INSTITUTE) == 0, "csrf_token",
                     st->session.csrf_token);
}

int cc_admin_login(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    cc_result result = cc_read_params(ctx->r, ctx->conf->max_body, &params);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    cc_login_request req = { apr_table_get(params, "login"), apr_table_get(params, "password"),
                             cc_api_captcha_answer(ctx->r, params) };
    if (!req.login || !*req.login || !req.password || !*req.password) {
        return cc_reply(ctx->r, CC_STAFF_CREDENTIALS_MISSING);
    }
    cc_login_outcome out = { 0 };
    result = cc_login_staff(ctx->r, ctx->dbd, &req, &out);
    if (result != CC_DONE) {
        return cc_reply_throttled(ctx->r, result, out.retry_after);
    }
    ctx->staff = out.staff;
    json_t *doc = staff_json(ctx, out.staff);
    json_object_set_new(doc, "expires_at", json_integer((json_int_t)apr_time_sec(out.expires)));
    return cc_send_json(ctx->r, HTTP_OK, doc);
}

int cc_admin_logout(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    cc_result result = cc_admin_read_change(ctx, &params);
    if (result == CC_DONE) {
        result = cc_login_staff_logout(ctx->r, ctx->dbd, ctx->staff);
    }
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:b}", "logged_out", 1));
}

int cc_admin_whoami(cc_admin_ctx *ctx)
{
    return cc_send_json(ctx->r, HTTP_OK, staff_json(ctx, ctx->staff));
}
