#include <string.h>

#include "cc_api.h"
#include "cc_api_view.h"
#include "cc_identity.h"
#include "cc_db.h"
#include "cc_http.h"
#include "cc_reply.h"

/* Who may call a route. */
typedef enum cc_access {
    ANYONE,    /* no session needed */
    MEMBER,    /* 401 without a live session */
    OWN_LOGIN, /* the module's own login and recovery: off under CicpaCertIdentity httpd */
} cc_access;

typedef struct cc_route {
    const char *path;    /* below the handler's <Location> */
    apr_int64_t methods; /* AP_METHOD_BIT << M_xxx */
    cc_access access;    /* who may call it */
    cc_api_fn *fn;       /* the endpoint */
} cc_route;

#define BIT(m) (AP_METHOD_BIT << (m))

static const cc_route routes[] = {
    { "/login", BIT(M_POST), OWN_LOGIN, cc_api_login },
    { "/logout", BIT(M_POST), MEMBER, cc_api_logout },
    { "/captcha", BIT(M_GET), OWN_LOGIN, cc_api_captcha },
    { "/password/forgot", BIT(M_POST), OWN_LOGIN, cc_api_password_forgot },
    { "/password/reset", BIT(M_POST), OWN_LOGIN, cc_api_password_reset },
    { "/me", BIT(M_GET), MEMBER, cc_api_me },
    { "/me/photo", BIT(M_GET), MEMBER, cc_api_me_photo },
    { "/me/photo", BIT(M_POST), MEMBER, cc_api_me_photo_upload },
    { "/photo/check", BIT(M_POST), MEMBER, cc_api_photo_check },
    { "/me/certificate", BIT(M_GET) | BIT(M_POST), MEMBER, cc_api_certificate },
    { "/me/profile", BIT(M_PUT), MEMBER, cc_api_profile_put },
    { "/contacts", BIT(M_GET), ANYONE, cc_api_contacts },
    { "/health", BIT(M_GET), ANYONE, cc_api_health },
};

/* The route of the request's method whose path ends the URI (every path
 * starts with '/', so the match is at a segment boundary); *methods gets
 * the methods of every route with that path (0: no such path). The API
 * works under any <Location>, whatever other sections apply to it. */
static const cc_route *route_of(request_rec *r, apr_int64_t *methods)
{
    apr_size_t len = strlen(r->uri);
    *methods = 0;
    for (apr_size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        apr_size_t n = strlen(routes[i].path);
        if (len >= n && strcmp(r->uri + len - n, routes[i].path) == 0) {
            *methods |= routes[i].methods;
            if (routes[i].methods & BIT(r->method_number)) {
                return &routes[i];
            }
        }
    }
    return NULL;
}

/* The Allow header of a path's methods; HEAD comes with GET. */
static const char *allowed_methods(request_rec *r, apr_int64_t path_methods)
{
    static const struct {
        int method;
        const char *names;
    } methods[] = { { M_GET, "GET, HEAD" }, { M_POST, "POST" }, { M_PUT, "PUT" } };
    const char *allow = NULL;
    for (apr_size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (path_methods & BIT(methods[i].method)) {
            allow = allow ? apr_pstrcat(r->pool, allow, ", ", methods[i].names, NULL) : methods[i].names;
        }
    }
    return allow;
}

/* The member whom httpd authenticated (CicpaCertIdentity httpd) and their
 * session: CC_UNAUTHENTICATED when httpd let the request through
 * unauthenticated, CC_UNKNOWN_IDENTITY when the name is no member. */
static cc_result httpd_session(cc_api_ctx *ctx, const char *member_from)
{
    const char *member_no = cc_identity_name(ctx->r, member_from);
    if (member_no == NULL) {
        return ctx->r->user ? CC_UNKNOWN_IDENTITY : CC_UNAUTHENTICATED;
    }
    cc_result result = cc_identity_member(ctx->r, ctx->dbd, member_no, &ctx->session);
    if (result == CC_UNKNOWN_IDENTITY) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, ctx->r,
                      CCLOGNO(00047) "CicpaCertIdentity httpd: the authenticated user %s is no member",
                      member_no);
    }
    return result;
}

/* The refusal of an unknown identity names every institute to call. */
static int refuse_identity(cc_api_ctx *ctx)
{
    apr_array_header_t *institutes;
    if (cc_institute_list(ctx->r, ctx->dbd, NULL, &institutes) != CC_DONE) {
        return cc_reply(ctx->r, CC_UNKNOWN_IDENTITY);
    }
    return cc_reply_with(ctx->r, CC_UNKNOWN_IDENTITY, cc_view_institutes(institutes));
}

/* A change (anything but GET and HEAD) that a browser page of another site
 * sent with the cookie, or to get one (login CSRF). Bearer clients carry no
 * ambient credential and are not asked. */
static int forged(cc_api_ctx *ctx)
{
    const char *auth = apr_table_get(ctx->r->headers_in, "Authorization");
    return ctx->r->method_number != M_GET && !(auth && strncasecmp(auth, "Bearer ", 7) == 0)
           && cc_http_cross_site(ctx->r, ctx->conf->allowed_origins);
}

static int run_route(cc_api_ctx *ctx, const cc_route *route)
{
    if (forged(ctx)) {
        return cc_reply(ctx->r, CC_CROSS_SITE);
    }
    cc_dir_conf dir = cc_dir_conf_get(ctx->r);
    if (route->access == OWN_LOGIN && dir.identity == CC_IDENTITY_HTTPD) {
        return cc_reply(ctx->r, CC_SIGNED_IN_BY_PORTAL);
    }
    ctx->dbd = cc_db_acquire(ctx->r);
    if (ctx->dbd == NULL) {
        return cc_reply(ctx->r, CC_DB_UNAVAILABLE);
    }
    if (route->access == MEMBER) {
        cc_result result = dir.identity == CC_IDENTITY_HTTPD
                               ? httpd_session(ctx, dir.member_from)
                               : cc_session_find(ctx->r, ctx->dbd, &ctx->session);
        if (result == CC_UNKNOWN_IDENTITY) {
            return refuse_identity(ctx);
        }
        if (result != CC_DONE) {
            return cc_reply(ctx->r, result);
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
    apr_int64_t path_methods;
    const cc_route *route = route_of(r, &path_methods);
    if (path_methods == 0) {
        return cc_reply(r, CC_NO_ROUTE);
    }
    if (route == NULL) {
        apr_table_setn(r->err_headers_out, "Allow", allowed_methods(r, path_methods));
        return cc_reply(r, CC_METHOD_NOT_ALLOWED);
    }
    return run_route(&ctx, route);
}
