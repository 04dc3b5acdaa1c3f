/* GET /captcha: a new captcha, as JSON with a data URI or as the image
 * itself (?format=image); its id also in a cookie and X-Captcha-Id. */
#include <string.h>
#include <apr_base64.h>

#include "cc_api.h"
#include "cc_api_input.h"
#include "cc_captcha_store.h"
#include "cc_http.h"
#include "cc_rate.h"
#include "cc_reply.h"
#include "cc_text.h"

static const char *data_uri(request_rec *r, const cc_captcha *captcha)
{
    char *b64 = apr_palloc(r->pool, apr_base64_encode_len((int)captcha->jpeg_len));
    apr_base64_encode_binary(b64, captcha->jpeg, (int)captcha->jpeg_len);
    return apr_pstrcat(r->pool, "data:image/jpeg;base64,", b64, NULL);
}

/* Each captcha costs a drawing and a row: a client gets CicpaCertCaptchaRate
 * a minute (per httpd child). 0 when it may have one, else the seconds to wait. */
static int wait_for_rate(cc_api_ctx *ctx)
{
    int retry_after = 0;
    const char *client = cc_client_key(ctx->r->useragent_ip, ctx->r->pool);
    return cc_rate_take(ctx->conf->captcha_limiter, client, apr_time_now(), &retry_after) ? 0 : retry_after;
}

int cc_api_captcha(cc_api_ctx *ctx)
{
    request_rec *r = ctx->r;
    cc_captcha captcha;
    const char *id;
    int retry_after = wait_for_rate(ctx);
    if (retry_after > 0) {
        apr_table_setn(r->err_headers_out, "Retry-After", apr_itoa(r->pool, retry_after));
        return cc_reply_with(r, CC_TOO_MANY_CAPTCHAS, json_pack("{s:i}", "retry_after", retry_after));
    }
    cc_result result = cc_captcha_store_new(r, ctx->dbd, ctx->conf->captcha_lifetime, &captcha, &id);
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
