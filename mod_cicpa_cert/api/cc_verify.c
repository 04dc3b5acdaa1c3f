/* The public verification page. It tells a layperson (an employer, a bank)
 * what the register says about a certificate, and exactly what was checked:
 * that the identifier is in the register, its status now, and, when the
 * URL came from the QR code, the Ed25519 signature in it. It never shows
 * the ID number, and the name only masked. */
#include <stdlib.h>
#include <string.h>
#include <apr_lib.h>

#include "cc_certificate.h"
#include "cc_config.h"
#include "cc_db.h"
#include "cc_http.h"
#include "cc_reply.h"
#include "cc_text.h"
#include "cc_throttle.h"
#include "cc_verify.h"

/* The page has no inline script or style, so this policy holds. */
#define CSP                                                                                                  \
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none';"                                 \
    " form-action 'none'; frame-ancestors 'none'"

static const char stylesheet[] =
    "body{margin:0;background:#f6f1ec;color:#1f1f1f;font:16px/1.6 sans-serif}\n"
    "main{max-width:40em;margin:2em auto;padding:1.5em 2em;background:#fff;"
    "border-top:6px solid #a61b1b}\n"
    "h1{font-size:1.4em;color:#a61b1b;margin:0 0 .5em}h2{font-size:1.1em;margin:1.5em 0 .3em}\n"
    ".status{font-size:1.6em;font-weight:bold;margin:.2em 0}\n"
    ".valid{color:#17792f}.suspended,.expired,.superseded{color:#a05a00}.revoked{color:#b00020}\n"
    "dl{display:grid;grid-template-columns:8em 1fr;gap:.3em 1em}dt{color:#5a3e1b}dd{margin:0}\n"
    "img{float:right;width:89px;height:110px;border:1px solid #ccc;margin-left:1em}\n"
    ".note{color:#666;font-size:.9em}\n";

typedef enum sig_result {
    SIG_ABSENT, /* the URL has no signature: typed by hand */
    SIG_VALID,
    SIG_INVALID, /* wrong signature, or the URL's claims differ from the register */
    SIG_UNKNOWN_KEY
} sig_result;

static const char *const sig_names[] = { "absent", "valid", "invalid", "unknown_key" };

typedef struct verify_view {
    request_rec *r;
    const cc_proof_conf *conf;
    const char *issuer;
    const cc_certificate *cert;
    cc_cert_state state;
    const char *status_text; /* 有效, 已撤销：原因, ... */
    const char *explanation; /* what that means, in a sentence */
    const char *valid_until; /* YYYY-MM-DD, NULL without an end */
    apr_time_t checked_at;
    sig_result sig;
    const char *kid;            /* the key id in the URL */
    apr_array_header_t *checks; /* const char *: what was checked, one sentence each */
} verify_view;

static int wants_json(request_rec *r)
{
    const char *accept = apr_table_get(r->headers_in, "Accept");
    return accept != NULL && ap_strcasestr(accept, "application/json") != NULL;
}

static int send_text(request_rec *r, int status, const char *type, const char *cache, const char *body)
{
    r->status = status;
    ap_set_content_type(r, type);
    apr_table_setn(r->headers_out, "Cache-Control", cache);
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->headers_out, "Vary", "Accept");
    ap_set_content_length(r, strlen(body));
    if (!r->header_only) {
        ap_rwrite(body, (int)strlen(body), r);
    }
    return OK;
}

/* A plain refusal: the reply table's JSON for JSON clients, its message as
 * one line of text otherwise. */
static int refuse(request_rec *r, cc_result result)
{
    if (wants_json(r)) {
        apr_table_setn(r->headers_out, "Vary", "Accept");
        return cc_reply(r, result);
    }
    return send_text(r, cc_reply_status(result), "text/plain; charset=utf-8", "no-store",
                     apr_pstrcat(r->pool, cc_reply_text(result), "\n", NULL));
}

/* ---- what the page says ------------------------------------------------------ */

static void describe_state(verify_view *v)
{
    switch (v->state) {
    case CC_CERT_VALID:
        v->status_text = "有效";
        v->explanation = "这张证书由签发单位登记在册，目前有效。";
        break;
    case CC_CERT_SUSPENDED:
        v->status_text = "已暂停";
        v->explanation = "签发单位已暂停这张证书，暂停期间它不能证明会员身份。";
        break;
    case CC_CERT_REVOKED:
        v->status_text = *v->cert->status_reason
                             ? apr_pstrcat(v->r->pool, "已撤销：", v->cert->status_reason, NULL)
                             : "已撤销";
        v->explanation = "签发单位已撤销这张证书，它不再有效。";
        break;
    case CC_CERT_SUPERSEDED:
        v->status_text = "已被新证书取代";
        v->explanation = "持证人的信息有更新，已领取新证书；这张旧证书不再使用，请向持证人索取最新的证书。";
        break;
    case CC_CERT_EXPIRED:
        v->status_text = "已过期";
        v->explanation = "这张证书已超过有效期。";
        break;
    }
}

/* 8 lower-case hex digits (cc_sign_key_id). */
static int is_key_id(const char *s)
{
    apr_size_t n = 0;
    for (; s[n]; n++) {
        if (!apr_isdigit(s[n]) && (s[n] < 'a' || s[n] > 'f')) {
            return 0;
        }
    }
    return n == 8;
}

/* Checks the QR code's signature (k and s in the query) over the claims in
 * the register; the URL's own m and d must be the register's too. */
static void check_signature(verify_view *v)
{
    apr_table_t *q = cc_query_params(v->r);
    const char *sig = apr_table_get(q, "s"), *m = apr_table_get(q, "m"), *d = apr_table_get(q, "d");
    const cc_qr_claim claims = {
        v->cert->id,
        v->cert->member_no,
        v->cert->name_sha256,
        v->cert->issue_date,
    };
    /* The page repeats the key id, so only one shaped like ours: anything
     * else from the URL would be text an attacker writes on our page. */
    v->kid = apr_table_get(q, "k");
    if (v->kid != NULL && !is_key_id(v->kid)) {
        v->kid = NULL;
    }
    if (sig == NULL) {
        v->sig = SIG_ABSENT;
        return;
    }
    const cc_sign_key *key = cc_proof_conf_key(v->conf, v->kid);
    if (key == NULL) {
        v->sig = SIG_UNKNOWN_KEY;
    } else if ((m && strcmp(m, claims.member_no) != 0) || (d && strcmp(d, claims.issue_date) != 0)
               || !cc_qr_claim_verify(key, &claims, sig, v->r->pool)) {
        v->sig = SIG_INVALID;
    } else {
        v->sig = SIG_VALID;
    }
}

static const char *local_time(apr_time_t t, apr_pool_t *p)
{
    char buf[32];
    apr_size_t n = 0;
    apr_time_exp_t e;
    apr_time_exp_lt(&e, t);
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%d %H:%M:%S", &e);
    return apr_pstrmemdup(p, buf, n);
}

static void add_check(verify_view *v, const char *sentence)
{
    APR_ARRAY_PUSH(v->checks, const char *) = sentence;
}

/* One sentence per thing checked, and one for what this page cannot check. */
static void list_checks(verify_view *v)
{
    apr_pool_t *p = v->r->pool;
    static const char *const signature[] = {
        "网址中没有二维码签名，未核对签名（手工输入网址时属正常；扫描证书上的二维码会带上签名）。",
        "二维码中的数字签名有效（密钥 %s）：证书标识、会员编号、姓名和发证日期与签发时一致。",
        "二维码中的数字签名无效：这个网址不是签发单位的二维码生成的，或者已被改动。",
        "二维码使用了未公布的密钥，无法核对签名：这个网址可能是伪造的。",
    };
    v->checks = apr_array_make(p, 4, sizeof(const char *));
    add_check(v, apr_psprintf(p, "证书编号 %s 在%s的证书登记库中存在。", v->cert->serial, v->issuer));
    add_check(
        v, apr_psprintf(p, "查询时（%s）登记库中的状态：%s。", local_time(v->checked_at, p), v->status_text));
    add_check(v, apr_psprintf(p, signature[v->sig], v->sig == SIG_VALID ? v->kid : ""));
    add_check(v, "本页没有检查纸质件或 PDF 文件本身：请核对持证人的姓名、照片与本页一致；"
                 "PDF 文件上的数字签名可在 PDF 阅读器的签名面板中查看。");
}

static verify_view *view_of(request_rec *r, const cc_certificate *cert)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    verify_view *v = apr_pcalloc(r->pool, sizeof(*v));
    v->r = r;
    v->conf = &conf->cert;
    v->issuer = conf->cert_style.issuer;
    v->cert = cert;
    v->checked_at = apr_time_now();
    v->state = cc_certificate_state(cert, apr_time_sec(v->checked_at));
    v->valid_until = cert->valid_until ? cc_date_ymd(apr_time_from_sec(cert->valid_until), r->pool) : NULL;
    describe_state(v);
    check_signature(v);
    list_checks(v);
    return v;
}

/* ---- JSON and HTML ------------------------------------------------------------- */

static int send_json_view(const verify_view *v)
{
    json_t *checks = json_array();
    for (int i = 0; i < v->checks->nelts; i++) {
        json_array_append_new(checks, json_string(APR_ARRAY_IDX(v->checks, i, const char *)));
    }
    char iso[32];
    apr_size_t n = 0;
    apr_time_exp_t e;
    apr_time_exp_gmt(&e, v->checked_at);
    apr_strftime(iso, &n, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &e);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s%, s:o, s:o}", "id",
                          v->cert->id, "serial", v->cert->serial, "status", cc_cert_state_name(v->state),
                          "status_text", v->status_text, "explanation", v->explanation, "reason",
                          v->cert->status_reason, "issuer", v->issuer, "institute", v->cert->institute,
                          "name", v->cert->name_masked, "category", v->cert->category, "issue_date",
                          v->cert->issue_date, "checked_at", iso, n, "valid_until",
                          v->valid_until ? json_string(v->valid_until) : json_null(), "checks", checks);
    json_object_set_new(o, "signature",
                        json_pack("{s:s, s:o}", "result", sig_names[v->sig], "key_id",
                                  v->kid ? json_string(v->kid) : json_null()));
    if (v->conf->verify_photo) {
        json_object_set_new(o, "photo", json_string(apr_pstrcat(v->r->pool, v->cert->id, "/photo", NULL)));
    }
    apr_table_setn(v->r->headers_out, "Vary", "Accept");
    return cc_send_json(v->r, HTTP_OK, o);
}

static const char *esc(const verify_view *v, const char *s)
{
    return ap_escape_html2(v->r->pool, s, 0);
}

static const char *html_field(const verify_view *v, const char *label, const char *value)
{
    return apr_pstrcat(v->r->pool, "<dt>", label, "</dt><dd>", esc(v, value), "</dd>\n", NULL);
}

static int send_html_view(const verify_view *v)
{
    apr_pool_t *p = v->r->pool;
    apr_array_header_t *out = apr_array_make(p, 32, sizeof(const char *));
#define OUT(s) (APR_ARRAY_PUSH(out, const char *) = (s))
    OUT("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"referrer\" content=\"no-referrer\">\n<title>会员证书核验</title>"
        "<link rel=\"stylesheet\" href=\"verify.css\"></head>\n<body><main>\n<h1>会员证书核验</h1>\n");
    OUT(apr_pstrcat(p, "<p class=\"status ", cc_cert_state_name(v->state), "\">", esc(v, v->status_text),
                    "</p>\n<p>", esc(v, v->explanation), "</p>\n", NULL));
    if (v->conf->verify_photo) {
        OUT(apr_pstrcat(p, "<img src=\"", esc(v, v->cert->id), "/photo\" alt=\"证书上的照片\">\n", NULL));
    }
    OUT("<dl>\n");
    OUT(html_field(v, "证书编号", v->cert->serial));
    OUT(html_field(v, "持证人", v->cert->name_masked));
    OUT(html_field(v, "会员类别", v->cert->category));
    if (*v->cert->institute) {
        OUT(html_field(v, "所属注协", v->cert->institute));
    }
    OUT(html_field(v, "签发单位", v->issuer));
    OUT(html_field(v, "发证日期", v->cert->issue_date));
    OUT(html_field(v, "有效期至", v->valid_until ? v->valid_until : "长期（撤销或被取代前）"));
    OUT("</dl>\n<h2>本次核验检查了什么</h2>\n<ul>\n");
    for (int i = 0; i < v->checks->nelts; i++) {
        OUT(apr_pstrcat(p, "<li>", esc(v, APR_ARRAY_IDX(v->checks, i, const char *)), "</li>\n", NULL));
    }
    OUT("</ul>\n<p class=\"note\">本页只显示姓名中的部分字，不显示证件号码。</p>\n</main></body></html>\n");
#undef OUT
    apr_table_setn(v->r->headers_out, "Content-Security-Policy", CSP);
    apr_table_setn(v->r->headers_out, "Referrer-Policy", "no-referrer");
    return send_text(v->r, HTTP_OK, "text/html; charset=utf-8", "no-store", apr_array_pstrcat(p, out, 0));
}

/* ---- routes ------------------------------------------------------------------ */

static int send_keys(request_rec *r, const cc_proof_conf *conf)
{
    json_t *keys = json_array();
    for (int i = 0; i < conf->keys->nelts; i++) {
        const cc_sign_key *key = APR_ARRAY_IDX(conf->keys, i, cc_sign_key *);
        json_array_append_new(keys,
                              json_pack("{s:s, s:b, s:s, s:s, s:s, s:s}", "kid", cc_sign_key_id(key),
                                        "current", i == 0, "kty", "OKP", "crv", "Ed25519", "x",
                                        cc_sign_key_public_raw(key), "pem", cc_sign_key_public_pem(key)));
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "algorithm", "Ed25519", "payload",
                          CC_QR_CLAIM_TAG "|kid|id|member_no|sha256_hex(name)|issue_date", "url_parameters",
                          "k=kid, m=member_no, d=issue_date, s=base64url(signature)", "keys", keys);
    char *text = json_dumps(o, JSON_COMPACT | JSON_INDENT(1));
    json_decref(o);
    if (text == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    send_text(r, HTTP_OK, "application/json; charset=utf-8", "public, max-age=300",
              apr_pstrdup(r->pool, text));
    free(text);
    return OK;
}

static int send_photo(request_rec *r, ap_dbd_t *dbd, const cc_certificate *cert)
{
    unsigned char *jpeg;
    apr_size_t len;
    cc_result result = cc_certificate_photo(r, dbd, cert, &jpeg, &len);
    if (result != CC_DONE) {
        return refuse(r, result);
    }
    return cc_send_jpeg(r, jpeg, len, "no-store");
}

/* CC_DONE when the client address may make another check now (of
 * CicpaCertVerifyRate a minute, over all children and nodes); else what
 * refuses it, with Retry-After set for CC_TOO_MANY_CHECKS. */
static cc_result within_rate(request_rec *r, ap_dbd_t *dbd, const cc_proof_conf *conf)
{
    apr_int64_t retry_after;
    cc_result result = cc_throttle_rate(r, dbd, CC_THROTTLE_VERIFY, conf->verify_rate, &retry_after);
    if (result != CC_TOO_MANY_ATTEMPTS) {
        return result;
    }
    apr_table_setn(r->err_headers_out, "Retry-After", apr_off_t_toa(r->pool, retry_after));
    return CC_TOO_MANY_CHECKS;
}

/* The certificate a URI ending "/{id}" or "/{id}/photo" names (its last
 * segments: ids hold no '/'), and whether the photo is asked for; NULL when
 * it names none. */
static const char *certificate_id(request_rec *r, const char *name, int *photo)
{
    const char *end = name + strlen(name);
    *photo = strcmp(name, "photo") == 0 && name - 1 > r->uri;
    if (*photo) {
        end = name - 1;
        for (name = end; name > r->uri && name[-1] != '/'; name--) {
        }
    }
    const char *id = apr_pstrmemdup(r->pool, name, (apr_size_t)(end - name));
    return cc_certificate_id_valid(id) ? id : NULL;
}

static int check_certificate(request_rec *r, const cc_proof_conf *conf, const char *name)
{
    ap_dbd_t *dbd = cc_db_acquire(r);
    cc_result result = dbd ? within_rate(r, dbd, conf) : CC_DB_UNAVAILABLE;
    if (result != CC_DONE) {
        return refuse(r, result);
    }
    int photo = 0;
    const char *id = certificate_id(r, name, &photo);
    if (id == NULL || (photo && !conf->verify_photo)) {
        return refuse(r, CC_CERTIFICATE_UNKNOWN);
    }
    cc_certificate *cert = NULL;
    result = cc_certificate_find(r, dbd, id, &cert);
    if (result != CC_DONE) {
        return refuse(r, result);
    }
    if (photo) {
        return send_photo(r, dbd, cert);
    }
    const verify_view *v = view_of(r, cert);
    return wants_json(r) ? send_json_view(v) : send_html_view(v);
}

int cc_verify_handler(request_rec *r)
{
    if (r->handler == NULL || strcmp(r->handler, CC_VERIFY_HANDLER) != 0) {
        return DECLINED;
    }
    if (r->method_number != M_GET) {
        apr_table_setn(r->err_headers_out, "Allow", "GET, HEAD");
        return refuse(r, CC_METHOD_NOT_ALLOWED);
    }
    const cc_proof_conf *conf = &cc_server_conf_get(r->server)->cert;
    /* Pages are named by the URI's last segment, so the handler works under
     * any <Location>, whatever other sections apply. */
    const char *slash = strrchr(r->uri, '/');
    const char *name = slash ? slash + 1 : r->uri;
    if (strcmp(name, "keys") == 0) {
        return send_keys(r, conf);
    }
    if (strcmp(name, "verify.css") == 0) {
        return send_text(r, HTTP_OK, "text/css; charset=utf-8", "public, max-age=86400", stylesheet);
    }
    return check_certificate(r, conf, name);
}
