/* POST /me/certificate (confirm=1) and GET /me/certificate?confirm=1: the
 * certificate PDF. The member's certificate is issued or found in the
 * register (cc_certificate.c), its identity printed with a signed QR code,
 * the PDF rendered and signed in memory, and then streamed into the
 * response with an exact Content-Length. */
#include <string.h>

#include "cc_api.h"
#include "cc_audit.h"
#include "cc_cert_pdf.h"
#include "cc_certificate.h"
#include "cc_crypto.h"
#include "cc_http.h"
#include "cc_member.h"
#include "cc_pdf_sign.h"
#include "cc_text.h"

/* The national institute's code: its seal goes over the issuer. */
#define CC_NATIONAL_INSTITUTE "00"

/* Bytes copied from the document per bucket. */
#define PDF_CHUNK 16384

/* The body's parameters for a POST that has a body, else the query's.
 * Returns OK, or a status whose error was already sent. */
static int request_params(cc_api_ctx *ctx, apr_table_t **params)
{
    if (ctx->r->method_number == M_POST && cc_request_has_body(ctx->r)) {
        return cc_read_params(ctx->r, ctx->conf->max_body, params);
    }
    *params = cc_query_params(ctx->r);
    return OK;
}

/* The missing required fields that only the member's institute may fill. */
static apr_array_header_t *missing_staff_only(const cc_member *m, apr_pool_t *p)
{
    apr_array_header_t *missing = cc_member_missing(m, p);
    apr_array_header_t *locked = apr_array_make(p, missing->nelts, sizeof(const cc_field *));
    for (int i = 0; i < missing->nelts; i++) {
        const cc_field *f = APR_ARRAY_IDX(missing, i, const cc_field *);
        if (!f->editable) {
            APR_ARRAY_PUSH(locked, const cc_field *) = f;
        }
    }
    return locked;
}

/* The printed fields holding a character the certificate font cannot draw
 * (a rare character entered or imported): the member is told which, and no
 * certificate is issued, rather than a failed render. */
static apr_array_header_t *unprintable_fields(cc_api_ctx *ctx, const cc_member *m)
{
    static const char *const printed[] = { "name", "sex", "category", "cert_no", "admission_date" };
    apr_array_header_t *fields = apr_array_make(ctx->r->pool, 1, sizeof(const cc_field *));
    for (apr_size_t i = 0; i < sizeof(printed) / sizeof(printed[0]); i++) {
        const cc_field *f = cc_member_field(m, printed[i]);
        unsigned long lacking = f ? cc_font_lacks(ctx->conf->font, f->value) : 0;
        if (lacking != 0) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, ctx->r, "member %s: field %s holds U+%04lX,"
                          " which CicpaCertFont cannot draw", m->member_no, f->key, lacking);
            APR_ARRAY_PUSH(fields, const cc_field *) = f;
        }
    }
    return fields;
}

/* 409 naming the first step that blocks the certificate; OK when none. */
static int gate(cc_api_ctx *ctx, const cc_member *m)
{
    const char *step = cc_member_next_step(m, ctx->r->pool);
    json_t *extra = json_pack("{s:s}", "next_step", step);
    if (strcmp(step, "upload_photo") == 0) {
        return cc_send_error_with(ctx->r, HTTP_CONFLICT, "photo_required",
                                  "没有查询到照片信息，请先上传照片", extra);
    }
    if (strcmp(step, "onsite_review") == 0) {
        return cc_send_error_with(ctx->r, HTTP_CONFLICT, "onsite_review_pending",
                                  "照片对比不成功，需要联系注协进行现场审核", extra);
    }
    if (strcmp(step, "contact_institute") == 0) {
        return cc_api_send_contact_institute(ctx, HTTP_CONFLICT, "contact_institute",
                                             "请您先将基础信息中的必填信息补充完整，其中以下信息需由所属注协补充",
                                             m, missing_staff_only(m, ctx->r->pool), extra);
    }
    if (strcmp(step, "download") != 0) {
        json_t *fields = json_array();
        apr_array_header_t *missing = cc_member_missing(m, ctx->r->pool);
        for (int i = 0; i < missing->nelts; i++) {
            json_array_append_new(fields, json_string(APR_ARRAY_IDX(missing, i, const cc_field *)->key));
        }
        json_object_set_new(extra, "fields", fields);
        return cc_send_error_with(ctx->r, HTTP_CONFLICT, "profile_incomplete",
                                  "请您先将基础信息中的必填信息补充完整...", extra);
    }
    if (m->registration_until != 0 && m->registration_until <= apr_time_sec(apr_time_now())) {
        json_object_set_new(extra, "institute", cc_api_institute_json(m->institute));
        return cc_send_error_with(ctx->r, HTTP_CONFLICT, "registration_expired",
                                  "您的会员注册有效期已过，请联系所属注协办理注册后再下载会员证", extra);
    }
    apr_array_header_t *unprintable = unprintable_fields(ctx, m);
    if (unprintable->nelts > 0) {
        return cc_api_send_contact_institute(ctx, HTTP_CONFLICT, "unprintable_characters",
                                             "会员证字体无法显示以下信息中的字符，请联系所属注协核对",
                                             m, unprintable, extra);
    }
    json_decref(extra);
    return DECLINED;
}

static cc_cert_data cert_data_of(cc_api_ctx *ctx, const cc_member *m,
                                 const unsigned char *jpeg, apr_size_t len)
{
    cc_cert_data d = { 0 };
    d.name = cc_member_value(m, "name");
    d.sex = cc_member_value(m, "sex");
    d.category = *cc_member_value(m, "category") ? cc_member_value(m, "category")
                                                  : cc_user_type_label(m->user_type);
    d.member_no = m->member_no;
    d.cert_no = cc_member_value(m, "cert_no");
    d.admission_date = cc_member_value(m, "admission_date");
    d.institute = m->institute ? m->institute->name : "";
    d.photo = jpeg;
    d.photo_len = len;
    return d;
}

/* 409 when the member's certificate is suspended or revoked: no new one
 * is issued then, whatever changed. */
static int send_blocked(cc_api_ctx *ctx, const cc_certificate *cert)
{
    if (strcmp(cert->status, "suspended") == 0) {
        return cc_send_error(ctx->r, HTTP_CONFLICT, "certificate_suspended",
                             "您的会员证已被暂停使用，请联系所属注协");
    }
    return cc_send_error_with(ctx->r, HTTP_CONFLICT, "certificate_revoked",
                              "您的会员证已被撤销，请联系所属注协",
                              json_pack("{s:s}", "reason", cert->status_reason));
}

/* Prints cert's identity on data: serial, dates, the QR code's signed URL,
 * the provincial institute beside the issuer, and the seals. 0 when the
 * claim cannot be signed. */
static int identify(cc_api_ctx *ctx, const cc_member *m, const cc_certificate *cert,
                    cc_cert_data *d)
{
    const cc_proof_conf *conf = &ctx->conf->cert;
    const cc_cert_claims claims = { cert->id, cert->member_no, cert->name_sha256, cert->issue_date };
    const char *sig = cc_cert_sign(conf->qr_key, &claims, ctx->r->pool);
    const char *code = m->institute ? m->institute->code : "";
    if (sig == NULL) {
        return 0;
    }
    d->verify_url = cc_cert_verify_url(conf->verify_url, cc_sign_key_id(conf->qr_key), &claims,
                                       sig, ctx->r->pool);
    d->serial = cert->serial;
    d->issue_date = cert->issue_date;
    d->issued_at = apr_time_from_sec(cert->issued_at);
    d->valid_until = cert->valid_until ? cc_date_ymd(apr_time_from_sec(cert->valid_until), ctx->r->pool)
                                       : NULL;
    d->issuer_seal = apr_hash_get(conf->seals, CC_NATIONAL_INSTITUTE, APR_HASH_KEY_STRING);
    if (*code && strcmp(code, CC_NATIONAL_INSTITUTE) != 0) {
        d->co_issuer = d->institute;
        d->co_issuer_seal = apr_hash_get(conf->seals, code, APR_HASH_KEY_STRING);
    }
    return 1;
}

/* The rendered certificate, signed (PAdES) before any byte leaves. */
static cc_pdf *render_signed(cc_api_ctx *ctx, const cc_cert_data *data)
{
    request_rec *r = ctx->r;
    const char *err = NULL;
    unsigned char *signed_pdf;
    apr_size_t len;
    cc_pdf *pdf = cc_cert_pdf_render(&ctx->conf->cert_style, data, ctx->conf->font, r->pool, &err);
    if (pdf == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "certificate rendering failed: %s", err);
        return NULL;
    }
    if (!cc_pdf_sign(ctx->conf->cert.signer, cc_pdf_bytes(pdf), cc_pdf_size(pdf), apr_time_now(),
                     r->pool, &signed_pdf, &len, &err)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "certificate signing failed: %s", err);
        return NULL;
    }
    cc_pdf_set_bytes(pdf, signed_pdf, len);
    return pdf;
}

static apr_status_t stream_pdf(request_rec *r, cc_pdf *pdf)
{
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    unsigned char *chunk = apr_palloc(r->pool, PDF_CHUNK);
    for (;;) {
        apr_size_t n = PDF_CHUNK;
        apr_status_t rv = cc_pdf_read(pdf, chunk, &n);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        if (n == 0) {
            break;
        }
        apr_brigade_write(bb, NULL, NULL, (const char *)chunk, n);
    }
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    return ap_pass_brigade(r->output_filters, bb);
}

static void set_download_headers(request_rec *r, const cc_cert_data *d, cc_pdf *pdf)
{
    const char *name = apr_pstrcat(r->pool, "会员证-", d->name, "-", d->member_no, ".pdf", NULL);
    const char *fallback = apr_pstrcat(r->pool, "certificate-", d->member_no, ".pdf", NULL);
    ap_set_content_type(r, "application/pdf");
    ap_set_content_length(r, cc_pdf_size(pdf));
    apr_table_setn(r->headers_out, "Content-Disposition", cc_content_disposition(name, fallback, r->pool));
    apr_table_setn(r->headers_out, "Cache-Control", "private, no-store");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
}

static int render_and_send(cc_api_ctx *ctx, const cc_member *m)
{
    unsigned char *jpeg;
    apr_size_t len;
    int status = cc_api_load_photo(ctx, &jpeg, &len);
    if (status != OK) {
        return cc_api_photo_error(ctx, status);
    }
    cc_cert_data data = cert_data_of(ctx, m, jpeg, len);
    const cc_cert_request req = {
        &data, cc_sha256_hex(jpeg, len, ctx->r->pool), m->institute ? m->institute->code : "",
        ctx->conf->cert.validity_days, m->registration_until,
    };
    cc_certificate *cert;
    status = cc_certificate_issue(ctx->r, ctx->dbd, &req, &cert);
    if (status == HTTP_CONFLICT) {
        return send_blocked(ctx, cert);
    }
    if (status != OK) {
        return cc_api_fail(ctx, status);
    }
    cc_pdf *pdf = identify(ctx, m, cert, &data) ? render_signed(ctx, &data) : NULL;
    if (pdf == NULL) {
        return cc_api_fail(ctx, HTTP_INTERNAL_SERVER_ERROR);
    }
    if (cc_audit(ctx->r, ctx->dbd, apr_pstrcat(ctx->r->pool, "member:", m->member_no, NULL),
                 m->member_no, "certificate_download", data.cert_no) != 0) {
        return cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
    }
    set_download_headers(ctx->r, &data, pdf);
    if (ctx->r->header_only) {
        return OK;
    }
    apr_status_t rv = stream_pdf(ctx->r, pdf);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, ctx->r, "certificate not fully sent");
    }
    return OK;
}

int cc_api_certificate(cc_api_ctx *ctx)
{
    apr_table_t *params;
    /* A download issues and audits a certificate: HEAD, which must change
     * nothing, is not offered. */
    if (ctx->r->header_only) {
        apr_table_setn(ctx->r->err_headers_out, "Allow", "GET, POST");
        return cc_send_error(ctx->r, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                             "请使用 GET 或 POST 下载会员证");
    }
    if (request_params(ctx, &params) != OK) {
        return OK;
    }
    const char *confirm = apr_table_get(params, "confirm");
    /* GET too: a download issues (and may supersede) a certificate, and a
     * SameSite=Lax cookie rides along on a link from another site. */
    if (!cc_session_csrf_ok(ctx->r, ctx->session, params)) {
        return cc_api_csrf_error(ctx);
    }
    if (confirm == NULL || strcmp(confirm, "1") != 0) {
        return cc_send_error(ctx->r, HTTP_BAD_REQUEST, "confirmation_required",
                             "请先确认信息无误（confirm=1），再下载会员证");
    }
    cc_member *m;
    int status = cc_member_load(ctx->r, ctx->dbd, ctx->session->member_no, &m);
    if (status != OK) {
        return cc_api_fail(ctx, status);
    }
    return gate(ctx, m) == DECLINED ? render_and_send(ctx, m) : OK;
}
