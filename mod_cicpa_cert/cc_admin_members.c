/* Member records for staff: search, the record with its photo review
 * state, the profile save (the member's own routine, as staff), and the
 * resets only staff may make. */
#include <ctype.h>
#include <string.h>

#include "cc_admin.h"
#include "cc_db.h"
#include "cc_http.h"
#include "cc_text.h"

const cc_statement cc_admin_member_statements[] = {
    /* Exact match on the member number, the name or the ID number (stored
     * upper-case, so searched upper-case too). */
    { "cc_admin_search",
      "SELECT m.member_no, m.user_type, m.photo_status, n.value, i.value, d.value"
      " FROM members m"
      " LEFT JOIN member_fields n ON n.member_no = m.member_no AND n.field_key = 'name'"
      " LEFT JOIN member_fields i ON i.member_no = m.member_no AND i.field_key = 'institute'"
      " LEFT JOIN member_fields d ON d.member_no = m.member_no AND d.field_key = 'id_number'"
      " WHERE (m.member_no = %s OR m.member_no IN (SELECT q.member_no FROM member_fields q"
      "   WHERE (q.field_key = 'name' AND q.value = %s) OR (q.field_key = 'id_number' AND q.value = %s)))"
      " AND " CC_IN_SCOPE("m") " ORDER BY m.member_no LIMIT 100" },
    { "cc_admin_comparisons",
      "SELECT c.result, c.score, c.at, c.request_id FROM photo_comparisons c"
      " WHERE c.member_no = %s AND " CC_IN_SCOPE("c") " ORDER BY c.at DESC, c.id DESC LIMIT 20" },
    { "cc_admin_upload_info",
      "SELECT u.reason, u.uploaded_at, u.sha256 FROM photo_uploads u"
      " WHERE u.member_no = %s AND " CC_IN_SCOPE("u") },
    { "cc_admin_reset_attempts",
      "UPDATE members SET compare_attempts_used = 0, updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND " CC_IN_SCOPE("members") },
    { "cc_admin_clear_password",
      "UPDATE members SET password_hash = '', updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND " CC_IN_SCOPE("members") },
    { NULL, NULL }
};

/* Longest search text looked at. */
#define MAX_QUERY 64

static const char *upper(const char *s, apr_pool_t *p)
{
    char *u = apr_pstrdup(p, s);
    for (char *c = u; *c; c++) {
        *c = (char)toupper((unsigned char)*c);
    }
    return u;
}

static json_t *search_row_json(const char **row, apr_pool_t *p)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "member_no", row[0], "user_type", row[1],
                     "photo_status", row[2], "name", row[3] ? row[3] : "",
                     "institute", row[4] ? row[4] : "", "id_number", cc_mask_middle(row[5], p));
}

int cc_admin_search(cc_admin_ctx *ctx)
{
    request_rec *r = ctx->api.r;
    const char *raw = apr_table_get(cc_query_params(r), "q");
    char *q = apr_palloc(r->pool, raw ? strlen(raw) + 1 : 1);
    apr_collapse_spaces(q, raw ? raw : "");  /* returns the end, not q */
    if (*q == '\0' || strlen(q) > MAX_QUERY) {
        return cc_send_error(r, HTTP_BAD_REQUEST, "bad_query", "请输入会员编号、姓名或证件号码");
    }
    const char *args[] = { q, q, upper(q, r->pool), CC_SCOPE_ARGS(ctx) };
    apr_array_header_t *rows = cc_db_select(r, ctx->api.dbd, "cc_admin_search", 5, args);
    if (rows == NULL) {
        return cc_api_fail(&ctx->api, HTTP_SERVICE_UNAVAILABLE);
    }
    json_t *list = json_array();
    for (int i = 0; i < rows->nelts; i++) {
        json_array_append_new(list, search_row_json(APR_ARRAY_IDX(rows, i, const char **), r->pool));
    }
    return cc_send_json(r, HTTP_OK, json_pack("{s:o}", "members", list));
}

static json_t *comparisons_json(cc_admin_ctx *ctx)
{
    const char *args[] = { ctx->arg, CC_SCOPE_ARGS(ctx) };
    apr_array_header_t *rows = cc_db_select(ctx->api.r, ctx->api.dbd, "cc_admin_comparisons", 3, args);
    json_t *list = json_array();
    for (int i = 0; rows && i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:s}", "result", row[0],
                              "score", (json_int_t)apr_atoi64(row[1]), "at", (json_int_t)apr_atoi64(row[2]),
                              "request_id", row[3]));
    }
    return list;
}

/* The photo kept for the on-site review, or JSON null. */
static json_t *upload_json(cc_admin_ctx *ctx)
{
    const char *args[] = { ctx->arg, CC_SCOPE_ARGS(ctx) };
    apr_array_header_t *rows = cc_db_select(ctx->api.r, ctx->api.dbd, "cc_admin_upload_info", 3, args);
    if (rows == NULL || rows->nelts == 0) {
        return json_null();
    }
    const char **row = APR_ARRAY_IDX(rows, 0, const char **);
    return json_pack("{s:s, s:I, s:s}", "reason", row[0], "uploaded_at",
                     (json_int_t)apr_atoi64(row[1]), "sha256", row[2]);
}

int cc_admin_member(cc_admin_ctx *ctx)
{
    cc_member *m;
    if (cc_admin_member_in_scope(ctx, NULL) != OK) {
        return OK;
    }
    int status = cc_member_load(ctx->api.r, ctx->api.dbd, ctx->arg, &m);
    if (status != OK) {
        return cc_api_fail(&ctx->api, status);
    }
    json_t *doc = cc_api_member_json(&ctx->api, m);
    json_object_set_new(doc, "review_note", json_string(m->review_note));
    json_object_set_new(doc, "upload", upload_json(ctx));
    json_object_set_new(doc, "comparisons", comparisons_json(ctx));
    return cc_send_json(ctx->api.r, HTTP_OK, doc);
}

int cc_admin_profile(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    if (cc_admin_read_change(ctx, &params) != OK) {
        return OK;
    }
    cc_profile_editor staff = { ctx->arg, ctx->staff->actor, ctx->staff->institute };
    return cc_profile_save(&ctx->api, &staff, params);
}

/* A scoped change of a member's row, audited with its reason. */
typedef struct member_change {
    cc_admin_ctx *ctx;
    const char *label;     /* UPDATE …(now, member_no, CC_IN_SCOPE) */
    const char *action;    /* audit_log action */
    const char *reason;    /* why, from the staff */
    int end_sessions;      /* also end every session of the member */
} member_change;

static int change_work(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    const member_change *c = arg;
    const char *args[] = { cc_db_now(r), c->ctx->arg, CC_SCOPE_ARGS(c->ctx) };
    if (cc_db_exec(r, dbd, c->label, 4, args) != 1
        || (c->end_sessions && cc_session_end_all(r, dbd, c->ctx->arg) != OK)) {
        return -1;
    }
    return cc_admin_audit(c->ctx, c->ctx->arg, c->action, c->reason);
}

static int change_member(cc_admin_ctx *ctx, member_change *c)
{
    apr_table_t *params;
    if (cc_admin_read_change(ctx, &params) != OK) {
        return OK;
    }
    if (cc_admin_member_in_scope(ctx, NULL) != OK) {
        return OK;
    }
    c->reason = cc_admin_reason(ctx, params);
    if (c->reason == NULL) {
        return OK;
    }
    if (cc_db_transaction(ctx->api.r, ctx->api.dbd, change_work, c) != 0) {
        return cc_api_fail(&ctx->api, HTTP_SERVICE_UNAVAILABLE);
    }
    return cc_admin_member(ctx);
}

int cc_admin_reset_attempts(cc_admin_ctx *ctx)
{
    member_change c = { ctx, "cc_admin_reset_attempts", "compare_attempts_reset", NULL, 0 };
    return change_member(ctx, &c);
}

int cc_admin_clear_password(cc_admin_ctx *ctx)
{
    member_change c = { ctx, "cc_admin_clear_password", "password_cleared", NULL, 1 };
    return change_member(ctx, &c);
}
