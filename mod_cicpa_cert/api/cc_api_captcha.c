/* GET /captcha: a new captcha, as JSON with a data URI or as the image
 * itself (?format=image); its id also in a cookie and X-Captcha-Id. */
#include <string.h>
#include <apr_base64.h>

#include "cc_api.h"
#include "cc_api_input.h"
#include "cc_captcha_store.h"
#include "cc_http.h"
#include "cc_reply.h"
#include "cc_text.h"
#include "cc_throttle.h"

static const char *data_uri(request_rec *r, const cc_captcha *captcha)
{
    char *b64 = apr_palloc(r->pool, apr_base64_encode_len((int)captcha->jpeg_len));
    apr_base64_encode_binary(b64, captcha->jpeg, (int)captcha->jpeg_len);
    return apr_pstrcat(r->pool, "data:image/jpeg;base64,", b64, NULL);
}

int cc_api_captcha(cc_api_ctx *ctx)
{
    request_rec *r = ctx->r;
    cc_captcha captcha;
    const char *id;
    /* Each captcha costs a drawing and a row: a client address gets
     * CicpaCertCaptchaRate a minute, over all children and nodes. */
    apr_int64_t retry_after;
    cc_result result =
        cc_throttle_rate(r, ctx->dbd, CC_THROTTLE_CAPTCHA, ctx->conf->captcha_rate, &retry_after);
    if (result == CC_TOO_MANY_ATTEMPTS) {
        apr_table_setn(r->err_headers_out, "Retry-After", apr_off_t_toa(r->pool, retry_after));
        return cc_reply_with(r, CC_TOO_MANY_CAPTCHAS,
                             json_pack("{s:I}", "retry_after", (json_int_t)retry_after));
    }
    if (result != CC_DONE) {
        return cc_reply(r, result);
    }
    result = cc_captcha_store_new(r, ctx->dbd, ctx->conf->captcha_lifetime, &captcha, &id);
    if (result != CC_DONE) {
        return cc_reply(r, result);
    }
    /* The cookie serves pages (<img src=...?format=image>); the mini-program
     * keeps no cookies and sends captcha_id back instead. */
    cc_session_set_cookie(r, cc_api_captcha_cookie(r), id, ctx->conf->captcha_lifetime);
    apr_table_setn(r->headers_out, "X-Captcha-Id", id);
    if (ctx->conf->captcha_test_header) {
        apr_table_setn(r->headers_out, "X-Captcha-Answer", captcha.answer);
    }
    const char *format = apr_table_get(cc_query_params(r), "format");
    if (format != NULL && strcmp(format, "image") == 0) {
        return cc_send_jpeg(r, captcha.jpeg, captcha.jpeg_len, "no-store");
    }
    return cc_send_json(r, HTTP_OK,
                        json_pack("{s:s, s:s, s:i}", "captcha_id", id, "image", data_uri(r, &captcha),
                                  "expires_in", ctx->conf->captcha_lifetime));
}
