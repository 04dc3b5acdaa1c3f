/* POST /login and POST /logout. */
#include "cc_api.h"
#include "cc_api_input.h"
#include "cc_http.h"
#include "cc_login.h"
#include "cc_member.h"
#include "cc_reply.h"

int cc_api_login(cc_api_ctx *ctx)
{
    apr_table_t *params;
    cc_result result = cc_read_params(ctx->r, ctx->conf->max_body, &params);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    const char *type_param = apr_table_get(params, "user_type");
    const char *user_type = type_param ? cc_user_type_parse(type_param) : "non_practicing";
    cc_login_request req = { apr_table_get(params, "member_no"), apr_table_get(params, "password"),
                             cc_api_captcha_answer(ctx->r, params) };
    if (!req.login || !*req.login || !req.password || !*req.password) {
        return cc_reply(ctx->r, CC_MEMBER_CREDENTIALS_MISSING);
    }
    if (user_type == NULL) {
        return cc_reply(ctx->r, CC_BAD_USER_TYPE);
    }
    cc_login_outcome out = { 0 };
    result = cc_login_member(ctx->r, ctx->dbd, &req, user_type, &out);
    if (result != CC_DONE) {
        return cc_reply_throttled(ctx->r, result, out.retry_after);
    }
    return cc_send_json(ctx->r, HTTP_OK,
                        json_pack("{s:s, s:s, s:s, s:I, s:s}", "member_no", req.login, "token", out.token,
                                  "token_type", "Bearer", "expires_at", (json_int_t)apr_time_sec(out.expires),
                                  "csrf_token", cc_session_csrf_for(out.token, ctx->r->pool)));
}

int cc_api_logout(cc_api_ctx *ctx)
{
    if (!cc_session_csrf_ok(ctx->r, ctx->session, NULL)) {
        return cc_reply(ctx->r, CC_CSRF);
    }
    cc_result result = cc_session_end(ctx->r, ctx->dbd, ctx->session);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:b}", "logged_out", 1));
}
