/* The staff API's router and the request plumbing its endpoints share. */
#include <string.h>

#include "cc_admin.h"
#include "cc_api_view.h"
#include "cc_fields.h"
#include "cc_http.h"
#include "cc_identity.h"
#include "cc_photo.h"
#include "cc_reply.h"
#include "cc_text.h"

typedef struct admin_route {
    const char *path;    /* below the <Location>; '*' is one segment, the route's arg */
    apr_int64_t methods; /* AP_METHOD_BIT << M_xxx */
    int needs_session;   /* 401 without a live staff session */
    cc_admin_fn *fn;     /* the endpoint */
} admin_route;

#define BIT(m) (AP_METHOD_BIT << (m))

static const admin_route routes[] = {
    { "/login", BIT(M_POST), 0, cc_admin_login },
    { "/logout", BIT(M_POST), 1, cc_admin_logout },
    { "/session", BIT(M_GET), 1, cc_admin_whoami },
    { "/review", BIT(M_GET), 1, cc_admin_review_queue },
    { "/members", BIT(M_GET), 1, cc_admin_search },
    { "/members/*", BIT(M_GET), 1, cc_admin_member },
    { "/members/*/upload", BIT(M_GET), 1, cc_admin_upload },
    { "/members/*/approve", BIT(M_POST), 1, cc_admin_approve },
    { "/members/*/replace", BIT(M_POST), 1, cc_admin_replace },
    { "/members/*/reject", BIT(M_POST), 1, cc_admin_reject },
    { "/members/*/profile", BIT(M_PUT), 1, cc_admin_profile },
    { "/members/*/attempts/reset", BIT(M_POST), 1, cc_admin_reset_attempts },
    { "/members/*/password/clear", BIT(M_POST), 1, cc_admin_clear_password },
    { "/members/*/certificate", BIT(M_POST), 1, cc_admin_issue },
    { "/institutes", BIT(M_GET), 1, cc_admin_institutes },
    { "/institutes/*", BIT(M_PUT), 1, cc_admin_institute_put },
    { "/audit", BIT(M_GET), 1, cc_admin_audit_list },
};

/* Longest {no} or {code} segment; member numbers and codes are short. */
#define MAX_ARG 32

static int arg_ok(const char *s, apr_size_t n)
{
    if (n == 0 || n > MAX_ARG) {
        return 0;
    }
    for (apr_size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-')) {
            return 0;
        }
    }
    return 1;
}

/* Matches the last segments of uri against pattern, from the end, so the
 * API works under any <Location>. Sets *arg to the '*' segment. */
static int matches(request_rec *r, const char *uri, const char *pattern, const char **arg)
{
    const char *u = uri + strlen(uri), *p = pattern + strlen(pattern);
    *arg = NULL;
    while (p > pattern) {
        const char *pseg = p;
        while (pseg > pattern && pseg[-1] != '/') {
            pseg--;
        }
        const char *useg = u;
        while (useg > uri && useg[-1] != '/') {
            useg--;
        }
        if (useg == uri) {
            return 0; /* the URI has fewer segments */
        }
        apr_size_t plen = (apr_size_t)(p - pseg), ulen = (apr_size_t)(u - useg);
        if (plen == 1 && *pseg == '*') {
            if (!arg_ok(useg, ulen)) {
                return 0;
            }
            *arg = apr_pstrmemdup(r->pool, useg, ulen);
        } else if (plen != ulen || strncmp(pseg, useg, plen) != 0) {
            return 0;
        }
        p = pseg - 1;
        u = useg - 1;
    }
    return 1;
}

static const admin_route *route_of(request_rec *r, const char **arg)
{
    for (apr_size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (matches(r, r->uri, routes[i].path, arg)) {
            return &routes[i];
        }
    }
    return NULL;
}

static const char *allowed_methods(const admin_route *route)
{
    if (route->methods & BIT(M_GET)) {
        return "GET, HEAD";
    }
    return route->methods & BIT(M_PUT) ? "PUT" : "POST";
}

cc_result cc_admin_read_change(cc_admin_ctx *ctx, apr_table_t **params)
{
    cc_result result = cc_read_params(ctx->r, ctx->conf->max_body, params);
    if (result != CC_DONE) {
        return result;
    }
    return cc_session_csrf_ok(ctx->r, &ctx->staff->session, *params) ? CC_DONE : CC_CSRF;
}

/* Longest reason kept in the audit trail and shown to the member. */
#define MAX_REASON_CHARS 200

cc_result cc_admin_reason(cc_admin_ctx *ctx, apr_table_t *params, const char **reason, const char **problem)
{
    const char *raw = apr_table_get(params, "reason");
    *problem = cc_field_check("text", raw ? raw : "", MAX_REASON_CHARS, NULL, cc_date_ymd(0, ctx->r->pool),
                              ctx->r->pool, reason);
    if (*problem == NULL && **reason == '\0') {
        *problem = cc_reply_text(CC_REASON_REQUIRED);
    }
    return *problem ? CC_REASON_REQUIRED : CC_DONE;
}

static json_t *comparisons_json(cc_admin_ctx *ctx)
{
    apr_array_header_t *rows = cc_photo_comparisons(ctx->r, ctx->dbd, ctx->staff, ctx->arg);
    json_t *list = json_array();
    for (int i = 0; rows && i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:s}", "result", row[0], "score",
                                              (json_int_t)apr_atoi64(row[1]), "at",
                                              (json_int_t)apr_atoi64(row[2]), "request_id", row[3]));
    }
    return list;
}

/* The photo kept for the on-site review, or JSON null. */
static json_t *upload_json(cc_admin_ctx *ctx)
{
    const char **row = cc_photo_upload_info(ctx->r, ctx->dbd, ctx->staff, ctx->arg);
    if (row == NULL) {
        return json_null();
    }
    return json_pack("{s:s, s:I, s:s}", "reason", row[0], "uploaded_at", (json_int_t)apr_atoi64(row[1]),
                     "sha256", row[2]);
}

int cc_admin_send_member(cc_admin_ctx *ctx)
{
    cc_member *m;
    cc_result result = cc_member_in_scope(ctx->r, ctx->dbd, ctx->staff, ctx->arg, NULL);
    if (result == CC_DONE) {
        result = cc_member_load(ctx->r, ctx->dbd, ctx->arg, &m);
    }
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    json_t *doc = cc_view_member(ctx->r, ctx->dbd, m, ctx->staff->session.csrf_token);
    json_object_set_new(doc, "review_note", json_string(m->review_note));
    json_object_set_new(doc, "upload", upload_json(ctx));
    json_object_set_new(doc, "comparisons", comparisons_json(ctx));
    return cc_send_json(ctx->r, HTTP_OK, doc);
}

/* The staff account whom httpd authenticated (CicpaCertStaffIdentity
 * httpd): its login is the user name. */
static cc_result httpd_staff(cc_admin_ctx *ctx)
{
    const char *login = cc_identity_name(ctx->r, "user");
    if (login == NULL) {
        return CC_UNAUTHENTICATED;
    }
    cc_result result = cc_identity_staff(ctx->r, ctx->dbd, login, &ctx->staff);
    if (result == CC_UNKNOWN_IDENTITY) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, ctx->r,
                      CCLOGNO(00046) "CicpaCertStaffIdentity httpd: the authenticated user %s has no"
                                     " enabled staff account",
                      login);
    }
    return result;
}

static int run_route(cc_admin_ctx *ctx, const admin_route *route)
{
    /* Browsers hold staff sessions in cookies: every change is checked
     * (login CSRF included); cicpa-admin's bearer token passes as its
     * requests carry no Origin. */
    if (ctx->r->method_number != M_GET && cc_http_cross_site(ctx->r, ctx->conf->allowed_origins)) {
        return cc_reply(ctx->r, CC_CROSS_SITE);
    }
    int by_httpd = cc_dir_conf_get(ctx->r).staff_identity == CC_IDENTITY_HTTPD;
    if (by_httpd && route->fn == cc_admin_login) {
        return cc_reply(ctx->r, CC_SIGNED_IN_BY_PORTAL);
    }
    ctx->dbd = cc_db_acquire(ctx->r);
    if (ctx->dbd == NULL) {
        return cc_reply(ctx->r, CC_DB_UNAVAILABLE);
    }
    if (route->needs_session) {
        cc_result result =
            by_httpd ? httpd_staff(ctx) : cc_staff_session_find(ctx->r, ctx->dbd, NULL, &ctx->staff);
        if (result != CC_DONE) {
            return cc_reply(ctx->r, result);
        }
    }
    return route->fn(ctx);
}

int cc_admin_handler(request_rec *r)
{
    if (r->handler == NULL || strcmp(r->handler, CC_ADMIN_HANDLER) != 0) {
        return DECLINED;
    }
    cc_admin_ctx ctx = { r, NULL, cc_server_conf_get(r->server), NULL, NULL };
    /* Staff data is never cached, by browsers or proxies. */
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    const admin_route *route = route_of(r, &ctx.arg);
    if (route == NULL) {
        return cc_reply(r, CC_NO_ROUTE);
    }
    if (!(route->methods & BIT(r->method_number))) {
        apr_table_setn(r->err_headers_out, "Allow", allowed_methods(route));
        return cc_reply(r, CC_METHOD_NOT_ALLOWED);
    }
    return run_route(&ctx, route);
}
