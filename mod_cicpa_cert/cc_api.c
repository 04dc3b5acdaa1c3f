#include <string.h>

#include "cc_api.h"
#include "cc_db.h"
#include "cc_http.h"

typedef struct cc_route {
    const char *path;       /* below the handler's <Location> */
    apr_int64_t methods;    /* AP_METHOD_BIT << M_xxx */
    int needs_session;      /* 401 without a live session */
    cc_api_fn *fn;          /* the endpoint */
} cc_route;

#define BIT(m) (AP_METHOD_BIT << (m))

static const cc_route routes[] = {
    { "/login", BIT(M_POST), 0, cc_api_login },
    { "/logout", BIT(M_POST), 1, cc_api_logout },
    { "/captcha", BIT(M_GET), 0, cc_api_captcha },
    { "/password/forgot", BIT(M_POST), 0, cc_api_password_forgot },
    { "/password/reset", BIT(M_POST), 0, cc_api_password_reset },
    { "/me", BIT(M_GET), 1, cc_api_me },
    { "/me/photo", BIT(M_GET) | BIT(M_POST), 1, cc_api_me_photo },
    { "/photo/check", BIT(M_POST), 1, cc_api_photo_check },
    { "/me/certificate", BIT(M_GET) | BIT(M_POST), 1, cc_api_certificate },
    { "/me/profile", BIT(M_PUT), 1, cc_api_profile_put },
    { "/contacts", BIT(M_GET), 0, cc_api_contacts },
};

/* The route whose path ends the URI (every path starts with '/', so the
 * match is at a segment boundary). The API works under any <Location>,
 * whatever other sections apply to it. */
static const cc_route *route_of(const char *uri)
{
    apr_size_t len = strlen(uri);
    for (apr_size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        apr_size_t n = strlen(routes[i].path);
        if (len >= n && strcmp(uri + len - n, routes[i].path) == 0) {
            return &routes[i];
        }
    }
    return NULL;
}

/* The Allow header of a route; HEAD comes with GET. */
static const char *allowed_methods(request_rec *r, const cc_route *route)
{
    static const struct {
        int method;
        const char *names;
    } methods[] = { { M_GET, "GET, HEAD" }, { M_POST, "POST" }, { M_PUT, "PUT" } };
    const char *allow = NULL;
    for (apr_size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (route->methods & BIT(methods[i].method)) {
            allow = allow ? apr_pstrcat(r->pool, allow, ", ", methods[i].names, NULL)
                          : methods[i].names;
        }
    }
    return allow;
}

int cc_api_fail(cc_api_ctx *ctx, int status)
{
    switch (status) {
    case HTTP_UNAUTHORIZED:
        apr_table_setn(ctx->r->err_headers_out, "WWW-Authenticate", "Bearer realm=\"cicpa-cert\"");
        return cc_send_error(ctx->r, status, "unauthenticated", "请先登录（会话不存在或已过期）");
    case HTTP_NOT_FOUND:
        return cc_send_error(ctx->r, status, "not_found", "未找到");
    case HTTP_SERVICE_UNAVAILABLE:
        return cc_send_error(ctx->r, status, "database_unavailable", "系统繁忙，请稍后再试");
    default:
        return cc_send_error(ctx->r, HTTP_INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试");
    }
}

int cc_api_csrf_error(cc_api_ctx *ctx)
{
    return cc_send_error(ctx->r, HTTP_FORBIDDEN, "csrf", "请求缺少有效的 CSRF 令牌，请刷新页面后重试");
}

static int run_route(cc_api_ctx *ctx, const cc_route *route)
{
    ctx->dbd = cc_db_acquire(ctx->r);
    if (ctx->dbd == NULL) {
        return cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
    }
    if (route->needs_session) {
        int status = cc_session_find(ctx->r, ctx->dbd, &ctx->session);
        if (status != OK) {
            return cc_api_fail(ctx, status);
        }
    }
    return route->fn(ctx);
}

int cc_api_handler(request_rec *r)
{
    if (r->handler == NULL || strcmp(r->handler, CC_API_HANDLER) != 0) {
        return DECLINED;
    }
    cc_api_ctx ctx = { r, NULL, NULL, cc_server_conf_get(r->server) };
    const cc_route *route = route_of(r->uri);
    if (route == NULL) {
        return cc_send_error(r, HTTP_NOT_FOUND, "not_found", "接口不存在");
    }
    if (!(route->methods & BIT(r->method_number))) {
        apr_table_setn(r->err_headers_out, "Allow", allowed_methods(r, route));
        return cc_send_error(r, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "不支持该请求方法");
    }
    return run_route(&ctx, route);
}
