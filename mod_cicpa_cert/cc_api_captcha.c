/* GET /captcha, and the check of a captcha by the login and recovery
 * endpoints. Answers are stored hashed, in the database (any node may check
 * them), deleted when checked (single-use) and refused once expired. */
#include <string.h>
#include <apr_base64.h>

#include "cc_text.h"
#include "cc_api.h"
#include "cc_rate.h"
#include "cc_captcha.h"
#include "cc_crypto.h"
#include "cc_db.h"
#include "cc_http.h"

const cc_statement cc_captcha_statements[] = {
    { "cc_captcha_insert",
      "INSERT INTO captchas (captcha_id, answer_hash, expires_at)"
      " VALUES (%s, %s, CAST(%s AS BIGINT))" },
    { "cc_captcha_find",
      "SELECT answer_hash, expires_at FROM captchas WHERE captcha_id = %s" },
    { "cc_captcha_delete",
      "DELETE FROM captchas WHERE captcha_id = %s" },
    { "cc_captcha_purge",
      "DELETE FROM captchas WHERE expires_at <= CAST(%s AS BIGINT)" },
    { NULL, NULL }
};

#define ID_BYTES 18   /* 144 random bits: an id cannot be guessed */
#define MAX_ID 64     /* longer ids are not ours */

static const char *cookie_name(cc_api_ctx *ctx)
{
    return apr_pstrcat(ctx->r->pool, ctx->conf->cookie_name, "_captcha", NULL);
}

/* Salted with the id: the same answer of two captchas hashes apart. */
static const char *answer_hash(request_rec *r, const char *id, const char *answer)
{
    const char *text = apr_pstrcat(r->pool, "captcha:", id, ":", answer, NULL);
    return cc_sha256_hex(text, strlen(text), r->pool);
}

static int store(cc_api_ctx *ctx, const char *id, const char *answer)
{
    request_rec *r = ctx->r;
    apr_int64_t now = apr_time_sec(apr_time_now());
    const char *purge_args[] = { cc_db_int(r, now) };
    const char *args[] = { id, answer_hash(r, id, answer), cc_db_int(r, now + ctx->conf->captcha_lifetime) };
    cc_db_exec(r, ctx->dbd, "cc_captcha_purge", 1, purge_args);
    return cc_db_exec(r, ctx->dbd, "cc_captcha_insert", 3, args) == 1 ? OK : HTTP_SERVICE_UNAVAILABLE;
}

static const char *data_uri(request_rec *r, const cc_captcha *captcha)
{
    char *b64 = apr_palloc(r->pool, apr_base64_encode_len((int)captcha->jpeg_len));
    apr_base64_encode_binary(b64, captcha->jpeg, (int)captcha->jpeg_len);
    return apr_pstrcat(r->pool, "data:image/jpeg;base64,", b64, NULL);
}

/* Each captcha costs a drawing and a row: a client gets CicpaCertCaptchaRate
 * a minute (per httpd child). 1 when it may have one, else the 429 was sent. */
static int within_rate(cc_api_ctx *ctx)
{
    int retry_after = 0;
    const char *client = cc_client_key(ctx->r->useragent_ip, ctx->r->pool);
    if (cc_rate_take(ctx->conf->captcha_limiter, client, apr_time_now(), &retry_after)) {
        return 1;
    }
    apr_table_setn(ctx->r->err_headers_out, "Retry-After", apr_itoa(ctx->r->pool, retry_after));
    cc_send_error_with(ctx->r, HTTP_TOO_MANY_REQUESTS, "too_many_requests", "请求过于频繁，请稍后再试",
                       json_pack("{s:i}", "retry_after", retry_after));
    return 0;
}

int cc_api_captcha(cc_api_ctx *ctx)
{
    request_rec *r = ctx->r;
    cc_captcha captcha;
    if (!within_rate(ctx)) {
        return OK;
    }
    const char *id = cc_random_token(ID_BYTES, r->pool);
    if (id == NULL || cc_captcha_create(&captcha, r->pool) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "captcha not drawn: random generator or libjpeg failed");
        return cc_api_fail(ctx, HTTP_INTERNAL_SERVER_ERROR);
    }
    if (store(ctx, id, captcha.answer) != OK) {
        return cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
    }
    /* The cookie serves pages (<img src=...?format=image>); the mini-program
     * keeps no cookies and sends captcha_id back instead. */
    cc_session_set_cookie(r, cookie_name(ctx), id, ctx->conf->captcha_lifetime);
    apr_table_setn(r->headers_out, "X-Captcha-Id", id);
    if (ctx->conf->captcha_test_header) {
        apr_table_setn(r->headers_out, "X-Captcha-Answer", captcha.answer);
    }
    const char *format = apr_table_get(cc_query_params(r), "format");
    if (format != NULL && strcmp(format, "image") == 0) {
        return cc_send_jpeg(r, captcha.jpeg, captcha.jpeg_len, "no-store");
    }
    return cc_send_json(r, HTTP_OK, json_pack("{s:s, s:s, s:i}", "captcha_id", id,
                                              "image", data_uri(r, &captcha),
                                              "expires_in", ctx->conf->captcha_lifetime));
}

/* Deletes the captcha (whatever the outcome: one try per captcha) and says
 * whether answer was its answer and it had not expired. -1: database error. */
static int consume(cc_api_ctx *ctx, const char *id, const char *answer)
{
    const char *args[] = { id };
    apr_array_header_t *rows = cc_db_select(ctx->r, ctx->dbd, "cc_captcha_find", 1, args);
    int deleted = rows ? cc_db_exec(ctx->r, ctx->dbd, "cc_captcha_delete", 1, args) : -1;
    if (deleted < 0) {
        return -1;
    }
    if (deleted != 1 || rows->nelts != 1) {
        return 0;  /* unknown, or another request took it first */
    }
    const char **row = APR_ARRAY_IDX(rows, 0, const char **);
    return apr_atoi64(row[1]) > apr_time_sec(apr_time_now())
           && cc_str_equal_ct(row[0], answer_hash(ctx->r, id, answer));
}

int cc_captcha_verify(cc_api_ctx *ctx, apr_table_t *params)
{
    request_rec *r = ctx->r;
    const char *id = apr_table_get(params, "captcha_id");
    const char *typed = apr_table_get(params, "captcha");
    if (id == NULL || *id == '\0') {
        id = cc_session_cookie(r, cookie_name(ctx));
    }
    if (id == NULL || *id == '\0' || typed == NULL || *typed == '\0') {
        cc_send_error(r, HTTP_BAD_REQUEST, "captcha_required", "请输入验证码");
        return HTTP_BAD_REQUEST;
    }
    const char *answer = cc_captcha_normalise(typed, r->pool);
    int valid = answer != NULL && strlen(id) <= MAX_ID ? consume(ctx, id, answer) : 0;
    if (valid < 0) {
        cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (!valid) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "captcha refused: wrong, expired or already used");
        cc_send_error(r, HTTP_BAD_REQUEST, "captcha_invalid", "验证码错误或已失效，请重新获取验证码");
        return HTTP_BAD_REQUEST;
    }
    return OK;
}
