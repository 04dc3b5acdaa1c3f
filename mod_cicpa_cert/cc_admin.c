/* The staff API's router and what its endpoints share. */
#include <string.h>

#include "cc_admin.h"
#include "cc_audit.h"
#include "cc_db.h"
#include "cc_fields.h"
#include "cc_http.h"
#include "cc_json.h"
#include "cc_text.h"

const cc_statement cc_admin_statements[] = {
    { "cc_admin_member_scope",
      "SELECT m.photo_status FROM members m WHERE m.member_no = %s AND " CC_IN_SCOPE("m") },
    { NULL, NULL }
};

typedef struct admin_route {
    const char *path;       /* below the <Location>; '*' is one segment, the route's arg */
    apr_int64_t methods;    /* AP_METHOD_BIT << M_xxx */
    int needs_session;      /* 401 without a live staff session */
    cc_admin_fn *fn;        /* the endpoint */
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
            return 0;  /* the URI has fewer segments */
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

int cc_admin_member_in_scope(cc_admin_ctx *ctx, const char **photo_status)
{
    const char *args[] = { ctx->arg, CC_SCOPE_ARGS(ctx) };
    apr_array_header_t *rows = cc_db_select(ctx->api.r, ctx->api.dbd, "cc_admin_member_scope", 3, args);
    int status = rows == NULL ? HTTP_SERVICE_UNAVAILABLE : rows->nelts == 0 ? HTTP_NOT_FOUND : OK;
    if (status != OK) {
        cc_api_fail(&ctx->api, status);
        return status;
    }
    if (photo_status != NULL) {
        *photo_status = APR_ARRAY_IDX(rows, 0, const char **)[0];
    }
    return OK;
}

int cc_admin_read_change(cc_admin_ctx *ctx, apr_table_t **params)
{
    int status = cc_read_params(ctx->api.r, ctx->api.conf->max_body, params);
    if (status != OK) {
        return status;
    }
    if (!cc_session_csrf_ok(ctx->api.r, &ctx->staff->session, *params)) {
        cc_api_csrf_error(&ctx->api);
        return HTTP_FORBIDDEN;
    }
    return OK;
}

/* Longest reason kept in the audit trail and shown to the member. */
#define MAX_REASON_CHARS 200

const char *cc_admin_reason(cc_admin_ctx *ctx, apr_table_t *params)
{
    const char *raw = apr_table_get(params, "reason"), *reason = NULL;
    const char *problem = cc_field_check("text", raw ? raw : "", MAX_REASON_CHARS, NULL,
                                         cc_date_ymd(0, ctx->api.r->pool), ctx->api.r->pool, &reason);
    if (problem == NULL && *reason == '\0') {
        problem = "请填写原因";
    }
    if (problem != NULL) {
        cc_send_error_with(ctx->api.r, HTTP_UNPROCESSABLE_ENTITY, "reason_required", problem,
                           json_pack("{s:{s:s}}", "fields", "reason", problem));
        return NULL;
    }
    return reason;
}

int cc_admin_audit(cc_admin_ctx *ctx, const char *member_no, const char *action,
                   const char *reason)
{
    const char *detail = reason ? cc_json_text(json_pack("{s:s}", "reason", reason), ctx->api.r->pool) : "";
    return cc_audit(ctx->api.r, ctx->api.dbd, ctx->staff->actor, member_no, action, detail ? detail : "");
}

static int run_route(cc_admin_ctx *ctx, const admin_route *route)
{
    ctx->api.dbd = cc_db_acquire(ctx->api.r);
    if (ctx->api.dbd == NULL) {
        return cc_api_fail(&ctx->api, HTTP_SERVICE_UNAVAILABLE);
    }
    if (route->needs_session) {
        int status = cc_staff_session_find(ctx);
        if (status != OK) {
            return cc_api_fail(&ctx->api, status);
        }
    }
    return route->fn(ctx);
}

int cc_admin_handler(request_rec *r)
{
    if (r->handler == NULL || strcmp(r->handler, CC_ADMIN_HANDLER) != 0) {
        return DECLINED;
    }
    cc_admin_ctx ctx = { { r, NULL, NULL, cc_server_conf_get(r->server) }, NULL, NULL };
    /* Staff data is never cached, by browsers or proxies. */
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    const admin_route *route = route_of(r, &ctx.arg);
    if (route == NULL) {
        return cc_send_error(r, HTTP_NOT_FOUND, "not_found", "接口不存在");
    }
    if (!(route->methods & BIT(r->method_number))) {
        apr_table_setn(r->err_headers_out, "Allow", allowed_methods(route));
        return cc_send_error(r, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "不支持该请求方法");
    }
    return run_route(&ctx, route);
}
