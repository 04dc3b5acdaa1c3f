/* POST /password/forgot and POST /password/reset (忘记密码): the one-time
 * code and the new password (cc_recovery.h). */
#include "cc_api.h"
#include "cc_api_input.h"
#include "cc_http.h"
#include "cc_recovery.h"
#include "cc_reply.h"

static json_t *destinations_json(const apr_array_header_t *sent)
{
    json_t *list = json_array();
    for (int i = 0; i < sent->nelts; i++) {
        const cc_recovery_destination *d = &APR_ARRAY_IDX(sent, i, cc_recovery_destination);
        json_array_append_new(list, json_pack("{s:s, s:s}", "channel", d->channel, "to", d->to));
    }
    return list;
}

/* Reads the parameters into *params and the value of each of names
 * (NULL-ended) into values, every one of which must be sent and not empty:
 * CC_DONE, missing, or what is wrong with the body. */
static cc_result read_required(cc_api_ctx *ctx, apr_table_t **params, const char *const *names,
                               const char **values, cc_result missing)
{
    cc_result result = cc_read_params(ctx->r, ctx->conf->max_body, params);
    for (int i = 0; result == CC_DONE && names[i]; i++) {
        values[i] = apr_table_get(*params, names[i]);
        if (values[i] == NULL || *values[i] == '\0') {
            result = missing;
        }
    }
    return result;
}

int cc_api_password_forgot(cc_api_ctx *ctx)
{
    static const char *const names[] = { "member_no", "id_number", NULL };
    const char *v[2]; /* member_no, id_number */
    request_rec *r = ctx->r;
    apr_table_t *params;
    cc_result result = read_required(ctx, &params, names, v, CC_FORGOT_FIELDS_MISSING);
    if (result == CC_DONE && !cc_recovery_available(r)) {
        result = CC_RECOVERY_UNAVAILABLE;
    }
    if (result != CC_DONE) {
        return cc_reply(r, result);
    }
    cc_captcha_answer captcha = cc_api_captcha_answer(r, params);
    apr_array_header_t *sent;
    apr_int64_t retry_after = 0;
    result = cc_recovery_send_code(r, ctx->dbd, v[0], v[1], &captcha, &sent, &retry_after);
    if (result != CC_DONE) {
        return cc_reply_throttled(r, result, retry_after);
    }
    /* One answer, neutral, with the destinations the code went to (none
     * when the numbers did not match). */
    return cc_send_json(r, HTTP_OK,
                        json_pack("{s:s, s:o, s:i}", "message",
                                  "如会员编号与证件号码相符，验证码已发送至您登记的联系方式", "destinations",
                                  destinations_json(sent), "expires_in", CC_RECOVERY_CODE_MINUTES * 60));
}

int cc_api_password_reset(cc_api_ctx *ctx)
{
    static const char *const names[] = { "member_no", "code", "new_password", NULL };
    const char *v[3], *problem = NULL; /* member_no, code, new_password */
    apr_table_t *params;
    apr_int64_t retry_after = 0;
    cc_result result = read_required(ctx, &params, names, v, CC_RESET_FIELDS_MISSING);
    if (result == CC_DONE) {
        result = cc_recovery_reset(ctx->r, ctx->dbd, v[0], v[1], v[2], &problem, &retry_after);
    }
    if (result == CC_WEAK_PASSWORD) {
        return cc_reply_message(ctx->r, result, problem, NULL);
    }
    if (result != CC_DONE) {
        return cc_reply_throttled(ctx->r, result, retry_after);
    }
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:b}", "password_reset", 1));
}
