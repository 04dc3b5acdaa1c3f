/* POST /me/certificate (confirm=1) and GET /me/certificate?confirm=1: the
 * certificate PDF as stored (cc_certificate_download.h), with its
 * Content-Length and its SHA-256 as ETag (If-None-Match, Range). */
#include <string.h>

#include "cc_api.h"
#include "cc_api_view.h"
#include "cc_certificate_download.h"
#include "cc_http.h"
#include "cc_reply.h"
#include "cc_text.h"

/* The body's parameters for a POST that has a body, else the query's. */
static cc_result request_params(cc_api_ctx *ctx, apr_table_t **params)
{
    if (ctx->r->method_number == M_POST && cc_request_has_body(ctx->r)) {
        return cc_read_params(ctx->r, ctx->conf->max_body, params);
    }
    *params = cc_query_params(ctx->r);
    return CC_DONE;
}

/* 409 naming what blocks the certificate. */
static int send_refusal(cc_api_ctx *ctx, cc_result result, const cc_download *d)
{
    request_rec *r = ctx->r;
    json_t *extra = d->next_step ? json_pack("{s:s}", "next_step", d->next_step) : NULL;
    switch (result) {
    case CC_PROFILE_STAFF_FIELDS_MISSING:
    case CC_UNPRINTABLE_CHARACTERS:
        return cc_reply_contact_institute(r, result, d->member, d->fields, extra);
    case CC_PROFILE_INCOMPLETE:
        json_object_set_new(extra, "fields", cc_view_field_keys(d->fields));
        return cc_reply_with(r, result, extra);
    case CC_REGISTRATION_EXPIRED:
        json_object_set_new(extra, "institute", cc_view_institute(d->member->institute));
        return cc_reply_with(r, result, extra);
    case CC_PHOTO_REQUIRED:
    case CC_CERTIFICATE_REVIEW_PENDING:
        return cc_reply_with(r, result, extra);
    case CC_CERTIFICATE_REVOKED:
        json_decref(extra);
        return cc_reply_with(r, result, json_pack("{s:s}", "reason", d->certificate->status_reason));
    default:
        json_decref(extra);
        return cc_reply(r, result);
    }
}

/* The stored bytes in one brigade ending in EOS: httpd's byterange filter
 * answers a Range request from it (the length is known). */
static apr_status_t send_bytes(request_rec *r, const cc_stored_pdf *pdf)
{
    apr_bucket_alloc_t *ba = r->connection->bucket_alloc;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, ba);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_pool_create((const char *)pdf->bytes, pdf->len, r->pool, ba));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));
    return ap_pass_brigade(r->output_filters, bb);
}

static void set_download_headers(request_rec *r, const cc_cert_data *d, const cc_stored_pdf *pdf)
{
    const char *name = apr_pstrcat(r->pool, "会员证-", d->name, "-", d->member_no, ".pdf", NULL);
    const char *fallback = apr_pstrcat(r->pool, "certificate-", d->member_no, ".pdf", NULL);
    ap_set_content_type(r, "application/pdf");
    ap_set_content_length(r, pdf->len);
    /* Strong: the same certificate is the same bytes, so a broken download
     * resumes (Range, If-Range) and a repeat can answer 304. */
    apr_table_setn(r->headers_out, "ETag", apr_pstrcat(r->pool, "\"", pdf->sha256, "\"", NULL));
    apr_table_setn(r->headers_out, "Content-Disposition", cc_content_disposition(name, fallback, r->pool));
    /* Kept by the member's own client only, and checked again each time
     * (the certificate may have been superseded, suspended or revoked). */
    apr_table_setn(r->headers_out, "Cache-Control", "private, no-cache");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
}

static int send_pdf(cc_api_ctx *ctx, cc_download *d)
{
    set_download_headers(ctx->r, &d->data, &d->pdf);
    int status = ap_meets_conditions(ctx->r);
    if (status != OK) {
        return status; /* 304 for If-None-Match with the ETag */
    }
    apr_status_t rv = send_bytes(ctx->r, &d->pdf);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, ctx->r, CCLOGNO(00001) "certificate not fully sent");
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
        return cc_reply(ctx->r, CC_CERTIFICATE_HEAD);
    }
    cc_result result = request_params(ctx, &params);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    const char *confirm = apr_table_get(params, "confirm");
    /* GET too: a download issues (and may supersede) a certificate, and a
     * SameSite=Lax cookie rides along on a link from another site. */
    if (!cc_session_csrf_ok(ctx->r, ctx->session, params)) {
        return cc_reply(ctx->r, CC_CSRF);
    }
    if (confirm == NULL || strcmp(confirm, "1") != 0) {
        return cc_reply(ctx->r, CC_CONFIRMATION_REQUIRED);
    }
    cc_download d;
    result = cc_certificate_download(ctx->r, ctx->dbd, ctx->session->member_no, &d);
    return result == CC_DONE ? send_pdf(ctx, &d) : send_refusal(ctx, result, &d);
}
