/* The on-site photo review: the queue of members whose comparison failed
 * (or whose ID document the national database does not cover), their
 * uploaded photo, and the staff's decision after seeing them in person. */
#include <apr_base64.h>

#include "cc_admin.h"
#include "cc_crypto.h"
#include "cc_db.h"
#include "cc_http.h"

const cc_statement cc_review_statements[] = {
    /* Oldest upload first; at most a page of the queue. */
    { "cc_review_queue",
      "SELECT m.member_no, n.value, i.value, u.reason, u.uploaded_at"
      " FROM members m JOIN photo_uploads u ON u.member_no = m.member_no"
      " LEFT JOIN member_fields n ON n.member_no = m.member_no AND n.field_key = 'name'"
      " LEFT JOIN member_fields i ON i.member_no = m.member_no AND i.field_key = 'institute'"
      " WHERE m.photo_status = 'awaiting_review' AND " CC_IN_SCOPE("m")
      " ORDER BY u.uploaded_at, m.member_no LIMIT 200" },
    { "cc_review_upload",
      "SELECT u.jpeg_b64 FROM photo_uploads u WHERE u.member_no = %s AND " CC_IN_SCOPE("u") },
    { "cc_review_approve",
      "UPDATE members SET photo_status = 'on_file', review_note = '', updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND photo_status = 'awaiting_review' AND " CC_IN_SCOPE("members") },
    { "cc_review_take_upload",
      "INSERT INTO member_photos (member_no, jpeg_b64, sha256, updated_at)"
      " SELECT member_no, jpeg_b64, sha256, CAST(%s AS BIGINT) FROM photo_uploads WHERE member_no = %s" },
    { "cc_review_on_file",
      "UPDATE members SET photo_status = 'on_file', review_note = '', updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND " CC_IN_SCOPE("members") },
    /* A rejected member may upload once more: the note says why. */
    { "cc_review_reject",
      "UPDATE members SET photo_status = 'none', review_note = %s, compare_attempts_used = 0,"
      " updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND photo_status = 'awaiting_review' AND " CC_IN_SCOPE("members") },
    { NULL, NULL }
};

/* The statements of the member's photo rows are cc_api_photo.c's. */
#define PHOTO_DELETE "cc_member_photo_delete"
#define PHOTO_INSERT "cc_member_photo_insert"
#define UPLOAD_DELETE "cc_upload_delete"

int cc_admin_review_queue(cc_admin_ctx *ctx)
{
    const char *args[] = { CC_SCOPE_ARGS(ctx) };
    apr_array_header_t *rows = cc_db_select(ctx->api.r, ctx->api.dbd, "cc_review_queue", 2, args);
    if (rows == NULL) {
        return cc_api_fail(&ctx->api, HTTP_SERVICE_UNAVAILABLE);
    }
    json_t *list = json_array();
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:I}", "member_no", row[0],
                              "name", row[1] ? row[1] : "", "institute", row[2] ? row[2] : "",
                              "reason", row[3], "uploaded_at", (json_int_t)apr_atoi64(row[4])));
    }
    return cc_send_json(ctx->api.r, HTTP_OK, json_pack("{s:o}", "members", list));
}

int cc_admin_upload(cc_admin_ctx *ctx)
{
    const char *args[] = { ctx->arg, CC_SCOPE_ARGS(ctx) };
    unsigned char *jpeg;
    apr_size_t len;
    int status = cc_db_select_jpeg(ctx->api.r, ctx->api.dbd, "cc_review_upload", 3, args, &jpeg, &len);
    if (status != OK) {
        return cc_api_fail(&ctx->api, status);
    }
    return cc_send_jpeg(ctx->api.r, jpeg, len, "private, no-store");
}

/* One decision on a member's photo, run in a transaction. */
typedef struct decision {
    cc_admin_ctx *ctx;
    const char *now;           /* Unix seconds */
    const char *reason;        /* rejection: shown to the member */
    const cc_upload *photo;    /* replacement: the photo taken on site */
    int conflict;              /* the member was not awaiting review */
} decision;

static int exec_member(decision *d, const char *label)
{
    const char *args[] = { d->ctx->arg };
    return cc_db_exec(d->ctx->api.r, d->ctx->api.dbd, label, 1, args);
}

/* The uploaded photo becomes the member's photo. */
static int approve_work(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    decision *d = arg;
    const char *take[] = { d->now, d->ctx->arg };
    const char *args[] = { d->now, d->ctx->arg, CC_SCOPE_ARGS(d->ctx) };
    int updated = cc_db_exec(r, dbd, "cc_review_approve", 4, args);
    d->conflict = updated == 0;
    if (updated != 1 || exec_member(d, PHOTO_DELETE) < 0
        || cc_db_exec(r, dbd, "cc_review_take_upload", 2, take) != 1
        || exec_member(d, UPLOAD_DELETE) < 0) {
        return -1;
    }
    return cc_admin_audit(d->ctx, d->ctx->arg, "photo_review_approved", NULL);
}

/* The photo taken on site replaces whatever the member had or uploaded. */
static int replace_work(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    decision *d = arg;
    const cc_upload *up = d->photo;
    char *b64 = apr_palloc(r->pool, apr_base64_encode_len((int)up->len));
    apr_base64_encode_binary(b64, up->jpeg, (int)up->len);
    const char *insert[] = { d->ctx->arg, b64, cc_sha256_hex(up->jpeg, up->len, r->pool), d->now };
    const char *args[] = { d->now, d->ctx->arg, CC_SCOPE_ARGS(d->ctx) };
    if (cc_db_exec(r, dbd, "cc_review_on_file", 4, args) != 1
        || exec_member(d, PHOTO_DELETE) < 0
        || cc_db_exec(r, dbd, PHOTO_INSERT, 4, insert) != 1
        || exec_member(d, UPLOAD_DELETE) < 0) {
        return -1;
    }
    return cc_admin_audit(d->ctx, d->ctx->arg, "photo_review_replaced", NULL);
}

static int reject_work(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    decision *d = arg;
    const char *args[] = { d->reason, d->now, d->ctx->arg, CC_SCOPE_ARGS(d->ctx) };
    int updated = cc_db_exec(r, dbd, "cc_review_reject", 5, args);
    d->conflict = updated == 0;
    if (updated != 1 || exec_member(d, UPLOAD_DELETE) < 0) {
        return -1;
    }
    return cc_admin_audit(d->ctx, d->ctx->arg, "photo_review_rejected", d->reason);
}

/* Runs work on a member of the staff's scope; answers with the member's
 * state afterwards, 404, or 409 when there was no review to decide. */
static int decide(decision *d, cc_db_work_fn *work)
{
    cc_admin_ctx *ctx = d->ctx;
    if (cc_admin_member_in_scope(ctx, NULL) != OK) {
        return OK;
    }
    if (cc_db_transaction(ctx->api.r, ctx->api.dbd, work, d) != 0) {
        if (d->conflict) {
            return cc_send_error(ctx->api.r, HTTP_CONFLICT, "not_awaiting_review", "该会员没有待审核的照片");
        }
        return cc_api_fail(&ctx->api, HTTP_SERVICE_UNAVAILABLE);
    }
    return cc_admin_member(ctx);
}

int cc_admin_approve(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    if (cc_admin_read_change(ctx, &params) != OK) {
        return OK;
    }
    decision d = { ctx, cc_db_now(ctx->api.r), NULL, NULL, 0 };
    return decide(&d, approve_work);
}

int cc_admin_reject(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    if (cc_admin_read_change(ctx, &params) != OK) {
        return OK;
    }
    decision d = { ctx, cc_db_now(ctx->api.r), cc_admin_reason(ctx, params), NULL, 0 };
    return d.reason ? decide(&d, reject_work) : OK;
}

int cc_admin_replace(cc_admin_ctx *ctx)
{
    cc_upload up;
    if (cc_api_read_upload(&ctx->api, &up) != OK) {
        return OK;
    }
    if (!cc_session_csrf_ok(ctx->api.r, &ctx->staff->session, up.fields)) {
        return cc_api_csrf_error(&ctx->api);
    }
    if (cc_api_refuse_bad_photo(&ctx->api, &up, "现场拍摄的照片不符合要求，请按要求重新拍摄") != OK) {
        return OK;
    }
    decision d = { ctx, cc_db_now(ctx->api.r), NULL, &up, 0 };
    return decide(&d, replace_work);
}
