/* GET /audit: the audit trail, newest first, filtered by member, staff,
 * action and dates. Provincial staff see what concerns their members and
 * what their institute's staff did. Details never hold a full ID number
 * (cc_audit's writers mask them). */
#include <string.h>

#include "cc_admin.h"
#include "cc_db.h"
#include "cc_http.h"

const cc_statement cc_admin_audit_statements[] = {
    { "cc_admin_audit",
      "SELECT a.id, a.at, a.actor, a.member_no, a.action, a.detail, a.client_ip FROM audit_log a"
      " WHERE (%s = '' OR a.member_no = %s) AND (%s = '' OR a.actor = %s) AND (%s = '' OR a.action = %s)"
      " AND a.at >= CAST(%s AS BIGINT) AND a.at < CAST(%s AS BIGINT)"
      " AND (" CC_IN_SCOPE("a")
      "   OR a.actor IN (SELECT 'staff:' || st.login FROM staff st WHERE st.institute = %s))"
      " ORDER BY a.at DESC, a.id DESC LIMIT CAST(%s AS BIGINT)" },
    { NULL, NULL }
};

#define MAX_FILTER 64
#define DEFAULT_LIMIT 200
#define MAX_LIMIT 1000

/* Unix seconds of the start of day YYYY-MM-DD (UTC), or -1. */
static apr_int64_t day_start(const char *ymd)
{
    apr_time_exp_t t = { 0 };
    apr_time_t at;
    if (strlen(ymd) != 10 || sscanf(ymd, "%4d-%2d-%2d", &t.tm_year, &t.tm_mon, &t.tm_mday) != 3
        || t.tm_mon < 1 || t.tm_mon > 12 || t.tm_mday < 1 || t.tm_mday > 31) {
        return -1;
    }
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    return apr_time_exp_gmt_get(&at, &t) == APR_SUCCESS ? apr_time_sec(at) : -1;
}

/* A filter parameter: "" when absent; NULL when too long. */
static const char *filter(apr_table_t *q, const char *name)
{
    const char *v = apr_table_get(q, name);
    return v == NULL ? "" : strlen(v) <= MAX_FILTER ? v : NULL;
}

static json_t *entry_json(const char **row)
{
    return json_pack("{s:I, s:I, s:s, s:s?, s:s, s:s, s:s}", "id", (json_int_t)apr_atoi64(row[0]),
                     "at", (json_int_t)apr_atoi64(row[1]), "actor", row[2], "member_no", row[3],
                     "action", row[4], "detail", row[5], "client_ip", row[6]);
}

int cc_admin_audit_list(cc_admin_ctx *ctx)
{
    request_rec *r = ctx->api.r;
    apr_table_t *q = cc_query_params(r);
    const char *member = filter(q, "member_no"), *staff = filter(q, "staff"), *action = filter(q, "action");
    const char *from = filter(q, "from"), *to = filter(q, "to"), *limit = filter(q, "limit");
    apr_int64_t since = from && *from ? day_start(from) : 0;
    apr_int64_t until = to && *to ? day_start(to) : 0;
    apr_int64_t n = limit && *limit ? apr_atoi64(limit) : DEFAULT_LIMIT;
    if (!member || !staff || !action || !from || !to || !limit) {
        return cc_send_error(r, HTTP_BAD_REQUEST, "bad_filter", "筛选条件过长：每项不超过64个字符");
    }
    if (since < 0 || until < 0 || n < 1 || n > MAX_LIMIT) {
        return cc_send_error(r, HTTP_BAD_REQUEST, "bad_filter",
                             "筛选条件有误（日期格式 YYYY-MM-DD，条数 1-1000）");
    }
    /* "to" is inclusive: up to the end of that day. */
    until = until ? until + 24 * 3600 : APR_INT64_C(253402300800);
    const char *actor = *staff ? apr_pstrcat(r->pool, "staff:", staff, NULL) : "";
    const char *args[] = { member, member, actor, actor, action, action,
                           cc_db_int(r, since), cc_db_int(r, until), CC_SCOPE_ARGS(ctx),
                           ctx->staff->institute, cc_db_int(r, n) };
    apr_array_header_t *rows = cc_db_select(r, ctx->api.dbd, "cc_admin_audit", 12, args);
    if (rows == NULL) {
        return cc_api_fail(&ctx->api, HTTP_SERVICE_UNAVAILABLE);
    }
    json_t *list = json_array();
    for (int i = 0; i < rows->nelts; i++) {
        json_array_append_new(list, entry_json(APR_ARRAY_IDX(rows, i, const char **)));
    }
    return cc_send_json(r, HTTP_OK, json_pack("{s:o}", "entries", list));
}
