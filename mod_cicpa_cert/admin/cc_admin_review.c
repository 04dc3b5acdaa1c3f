/* The on-site photo review: the queue of members whose comparison failed
 * (or whose ID document the national database does not cover), their
 * uploaded photo, and the staff's decision after seeing them in person
 * (cc_photo.h). */
#include "cc_admin.h"
#include "cc_api_input.h"
#include "cc_api_view.h"
#include "cc_http.h"
#include "cc_photo.h"
#include "cc_reply.h"

int cc_admin_review_queue(cc_admin_ctx *ctx)
{
    apr_array_header_t *rows = cc_photo_review_queue(ctx->r, ctx->dbd, ctx->staff);
    if (rows == NULL) {
        return cc_reply(ctx->r, CC_DB_UNAVAILABLE);
    }
    json_t *list = json_array();
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:s, s:s, s:I}", "member_no", row[0], "name",
                                        row[1] ? row[1] : "", "institute", row[2] ? row[2] : "", "reason",
                                        row[3], "uploaded_at", (json_int_t)apr_atoi64(row[4])));
    }
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:o}", "members", list));
}

int cc_admin_upload(cc_admin_ctx *ctx)
{
    unsigned char *jpeg;
    apr_size_t len;
    cc_result result = cc_photo_review_upload(ctx->r, ctx->dbd, ctx->staff, ctx->arg, &jpeg, &len);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    return cc_send_jpeg(ctx->r, jpeg, len, "private, no-store");
}

/* The member's state after a decision, or why there was none. */
static int send_decided(cc_admin_ctx *ctx, cc_result result)
{
    return result == CC_DONE ? cc_admin_send_member(ctx) : cc_reply(ctx->r, result);
}

int cc_admin_approve(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    cc_result result = cc_admin_read_change(ctx, &params);
    if (result == CC_DONE) {
        result = cc_photo_review_approve(ctx->r, ctx->dbd, ctx->staff, ctx->arg);
    }
    return send_decided(ctx, result);
}

int cc_admin_reject(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    const char *reason, *problem;
    cc_result result = cc_admin_read_change(ctx, &params);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    if (cc_admin_reason(ctx, params, &reason, &problem) != CC_DONE) {
        return cc_reply_field_problem(ctx->r, CC_REASON_REQUIRED, "reason", problem);
    }
    return send_decided(ctx, cc_photo_review_reject(ctx->r, ctx->dbd, ctx->staff, ctx->arg, reason));
}

int cc_admin_replace(cc_admin_ctx *ctx)
{
    cc_upload up;
    cc_result result = cc_api_read_upload(ctx->r, &up);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    if (!cc_session_csrf_ok(ctx->r, &ctx->staff->session, up.fields)) {
        return cc_reply(ctx->r, CC_CSRF);
    }
    apr_array_header_t *problems = cc_api_photo_problems(ctx->r, &up);
    if (problems->nelts > 0) {
        return cc_reply_with(ctx->r, CC_SITE_PHOTO_REJECTED,
                             json_pack("{s:o}", "problems", cc_view_photo_problems(problems)));
    }
    return send_decided(ctx,
                        cc_photo_review_replace(ctx->r, ctx->dbd, ctx->staff, ctx->arg, up.jpeg, up.len));
}
