/* Member records for staff: search, the record with its photo review
 * state, the profile save (the members' own, as staff: cc_profile.h), and
 * the resets only staff may make. */
#include <string.h>

#include "cc_admin.h"
#include "cc_api_view.h"
#include "cc_http.h"
#include "cc_member.h"
#include "cc_profile.h"
#include "cc_reply.h"
#include "cc_text.h"

/* Longest search text looked at. */
#define MAX_QUERY 64

static json_t *search_row_json(const char **row, apr_pool_t *p)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "member_no", row[0], "user_type", row[1],
                     "photo_status", row[2], "name", row[3] ? row[3] : "", "institute", row[4] ? row[4] : "",
                     "id_number", cc_mask_middle(row[5], p));
}

int cc_admin_search(cc_admin_ctx *ctx)
{
    request_rec *r = ctx->r;
    const char *raw = apr_table_get(cc_query_params(r), "q");
    char *q = apr_palloc(r->pool, raw ? strlen(raw) + 1 : 1);
    apr_collapse_spaces(q, raw ? raw : ""); /* returns the end, not q */
    if (*q == '\0' || strlen(q) > MAX_QUERY) {
        return cc_reply(r, CC_BAD_QUERY);
    }
    apr_array_header_t *rows = cc_member_search(r, ctx->dbd, ctx->staff, q);
    if (rows == NULL) {
        return cc_reply(r, CC_DB_UNAVAILABLE);
    }
    json_t *list = json_array();
    for (int i = 0; i < rows->nelts; i++) {
        json_array_append_new(list, search_row_json(APR_ARRAY_IDX(rows, i, const char **), r->pool));
    }
    return cc_send_json(r, HTTP_OK, json_pack("{s:o}", "members", list));
}

int cc_admin_member(cc_admin_ctx *ctx)
{
    return cc_admin_send_member(ctx);
}

int cc_admin_profile(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    cc_result result = cc_admin_read_change(ctx, &params);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    cc_profile_editor staff = { ctx->arg, ctx->staff->actor, ctx->staff->institute };
    cc_profile_outcome out;
    result = cc_profile_save(ctx->r, ctx->dbd, &staff, params, &out);
    return cc_reply_profile_saved(ctx->r, ctx->dbd, result, &out, ctx->staff->session.csrf_token);
}

/* A reset only staff may make, of a member in their scope, with its reason. */
static int reset_member(cc_admin_ctx *ctx, cc_member_reset what)
{
    apr_table_t *params;
    const char *reason, *problem;
    cc_result result = cc_admin_read_change(ctx, &params);
    if (result == CC_DONE) {
        result = cc_member_in_scope(ctx->r, ctx->dbd, ctx->staff, ctx->arg, NULL);
    }
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    if (cc_admin_reason(ctx, params, &reason, &problem) != CC_DONE) {
        return cc_reply_field_problem(ctx->r, CC_REASON_REQUIRED, "reason", problem);
    }
    result = cc_member_staff_reset(ctx->r, ctx->dbd, ctx->staff, ctx->arg, what, reason);
    return result == CC_DONE ? cc_admin_send_member(ctx) : cc_reply(ctx->r, result);
}

int cc_admin_reset_attempts(cc_admin_ctx *ctx)
{
    return reset_member(ctx, CC_RESET_ATTEMPTS);
}

int cc_admin_clear_password(cc_admin_ctx *ctx)
{
    return reset_member(ctx, CC_CLEAR_PASSWORD);
}
