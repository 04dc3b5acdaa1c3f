/* GET /audit: the audit trail, newest first, filtered by member, staff,
 * action and dates. Provincial staff see what concerns their members and
 * what their institute's staff did. Details never hold a full ID number
 * (cc_audit's writers mask them). */
#include <string.h>

#include "cc_admin.h"
#include "cc_audit.h"
#include "cc_http.h"
#include "cc_reply.h"

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
    return json_pack("{s:I, s:I, s:s, s:s?, s:s, s:s, s:s}", "id", (json_int_t)apr_atoi64(row[0]), "at",
                     (json_int_t)apr_atoi64(row[1]), "actor", row[2], "member_no", row[3], "action", row[4],
                     "detail", row[5], "client_ip", row[6]);
}

int cc_admin_audit_list(cc_admin_ctx *ctx)
{
    request_rec *r = ctx->r;
    apr_table_t *q;
    if (cc_query_read(r, &q) != CC_DONE) {
        return cc_reply(r, CC_MALFORMED_FORM); /* never an unfiltered list */
    }
    const char *member = filter(q, "member_no"), *staff = filter(q, "staff"), *action = filter(q, "action");
    const char *from = filter(q, "from"), *to = filter(q, "to"), *limit = filter(q, "limit");
    apr_int64_t since = from && *from ? day_start(from) : 0;
    apr_int64_t until = to && *to ? day_start(to) : 0;
    apr_int64_t n = limit && *limit ? apr_atoi64(limit) : DEFAULT_LIMIT;
    if (!member || !staff || !action || !from || !to || !limit) {
        return cc_reply(r, CC_FILTER_TOO_LONG);
    }
    if (since < 0 || until < 0 || n < 1 || n > MAX_LIMIT) {
        return cc_reply(r, CC_BAD_FILTER);
    }
    /* "to" is inclusive: up to the end of that day. */
    cc_audit_filter f = { member, staff, action, since, until ? until + 24 * 3600 : APR_INT64_C(253402300800),
                          n };
    apr_array_header_t *rows = cc_audit_list(r, ctx->dbd, ctx->staff, &f);
    if (rows == NULL) {
        return cc_reply(r, CC_DB_UNAVAILABLE);
    }
    json_t *list = json_array();
    for (int i = 0; i < rows->nelts; i++) {
        json_array_append_new(list, entry_json(APR_ARRAY_IDX(rows, i, const char **)));
    }
    return cc_send_json(r, HTTP_OK, json_pack("{s:o}", "entries", list));
}
