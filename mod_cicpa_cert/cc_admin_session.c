/* Staff sessions: apart from the members' (own table, own cookie, shorter
 * lifetime), so a member's token never opens the staff API. */
#include <string.h>

#include "cc_admin.h"
#include "cc_crypto.h"
#include "cc_db.h"

const cc_statement cc_staff_session_statements[] = {
    { "cc_staff_session_insert",
      "INSERT INTO staff_sessions (token_hash, login, created_at, expires_at)"
      " VALUES (%s, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT))" },
    { "cc_staff_session_find",
      /* A disabled account's session ends even if it was opened while the
       * account was being disabled. */
      "SELECT s.login, st.institute FROM staff_sessions s JOIN staff st ON st.login = s.login"
      " WHERE s.token_hash = %s AND s.expires_at > CAST(%s AS BIGINT) AND st.disabled = 0" },
    { "cc_staff_session_delete",
      "DELETE FROM staff_sessions WHERE token_hash = %s" },
    { "cc_staff_session_purge_expired",
      "DELETE FROM staff_sessions WHERE expires_at <= CAST(%s AS BIGINT)" },
    { NULL, NULL }
};

#define TOKEN_BYTES 32   /* as members' tokens: no practical guess */
#define MAX_TOKEN 128

static const char *cookie_name(cc_admin_ctx *ctx)
{
    return apr_pstrcat(ctx->api.r->pool, ctx->api.conf->cookie_name, "_staff", NULL);
}

int cc_staff_session_start(cc_admin_ctx *ctx, const char *login, const char **token,
                           apr_time_t *expires)
{
    request_rec *r = ctx->api.r;
    apr_time_t lifetime = ctx->api.conf->staff.session_lifetime, now = apr_time_now();
    *token = cc_random_token(TOKEN_BYTES, r->pool);
    if (*token == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "random generator failed");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    *expires = now + lifetime;
    const char *args[] = { cc_sha256_hex(*token, strlen(*token), r->pool), login,
                           cc_db_int(r, apr_time_sec(now)), cc_db_int(r, apr_time_sec(*expires)) };
    const char *purge_args[] = { args[2] };
    cc_db_exec(r, ctx->api.dbd, "cc_staff_session_purge_expired", 1, purge_args);
    if (cc_db_exec(r, ctx->api.dbd, "cc_staff_session_insert", 4, args) != 1) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    cc_session_set_cookie(r, cookie_name(ctx), *token, apr_time_sec(lifetime));
    return OK;
}

int cc_staff_session_find_token(cc_admin_ctx *ctx, const char *token)
{
    request_rec *r = ctx->api.r;
    if (token == NULL || *token == '\0' || strlen(token) > MAX_TOKEN) {
        return HTTP_UNAUTHORIZED;
    }
    const char *hash = cc_sha256_hex(token, strlen(token), r->pool);
    const char *args[] = { hash, cc_db_now(r) };
    apr_array_header_t *rows = cc_db_select(r, ctx->api.dbd, "cc_staff_session_find", 2, args);
    if (rows == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (rows->nelts == 0) {
        return HTTP_UNAUTHORIZED;
    }
    const char **row = APR_ARRAY_IDX(rows, 0, const char **);
    cc_staff *staff = apr_pcalloc(r->pool, sizeof(*staff));
    staff->login = row[0];
    staff->institute = row[1];
    staff->actor = apr_pstrcat(r->pool, "staff:", row[0], NULL);
    staff->session.token_hash = hash;
    staff->session.csrf_token = cc_session_csrf_for(token, r->pool);
    staff->session.via_cookie = 1;
    ctx->staff = staff;
    ctx->api.session = &staff->session;
    r->user = apr_pstrdup(r->pool, staff->actor);
    return OK;
}

int cc_staff_session_find(cc_admin_ctx *ctx)
{
    return cc_staff_session_find_token(ctx, cc_session_cookie(ctx->api.r, cookie_name(ctx)));
}

int cc_staff_session_end(cc_admin_ctx *ctx)
{
    const char *args[] = { ctx->staff->session.token_hash };
    cc_session_set_cookie(ctx->api.r, cookie_name(ctx), "", 0);
    return cc_db_exec(ctx->api.r, ctx->api.dbd, "cc_staff_session_delete", 1, args) < 0
           ? HTTP_INTERNAL_SERVER_ERROR : OK;
}
