#include <string.h>

#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_db.h"
#include "cc_session.h"

const cc_statement cc_session_statements[] = {
    { "cc_session_insert", "INSERT INTO sessions (token_hash, member_no, created_at, expires_at)"
                           " VALUES (%s, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT))" },
    { "cc_session_find", "SELECT member_no, expires_at FROM sessions"
                         " WHERE token_hash = %s AND expires_at > CAST(%s AS BIGINT)" },
    { "cc_session_delete", "DELETE FROM sessions WHERE token_hash = %s" },
    { "cc_session_delete_member", "DELETE FROM sessions WHERE member_no = %s" },
    { "cc_session_purge_expired",
      "DELETE FROM sessions WHERE member_no = %s AND expires_at <= CAST(%s AS BIGINT)" },
    { NULL, NULL }
};

/* 32 bytes of entropy: a guess has no practical chance. */
#define TOKEN_BYTES 32

const char *cc_session_csrf_for(const char *token, apr_pool_t *p)
{
    const char *input = apr_pstrcat(p, "csrf:", token, NULL);
    return cc_sha256_hex(input, strlen(input), p);
}

void cc_session_set_cookie(request_rec *r, const char *name, const char *value, apr_int64_t max_age)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    apr_table_add(r->err_headers_out, "Set-Cookie",
                  apr_psprintf(r->pool,
                               "%s=%s; Path=/; Max-Age=%" APR_INT64_T_FMT "; HttpOnly; SameSite=Lax%s", name,
                               value, max_age, conf->cookie_secure ? "; Secure" : ""));
}

cc_result cc_session_start(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char **token,
                           apr_time_t *expires)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    apr_time_t now = apr_time_now();
    *token = cc_random_token(TOKEN_BYTES, r->pool);
    if (*token == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00043) "random generator failed");
        return CC_INTERNAL;
    }
    *expires = now + conf->session_lifetime;
    const char *created = cc_db_int(r, apr_time_sec(now));
    CC_DB_EXEC(r, dbd, "cc_session_purge_expired", member_no, created);
    if (CC_DB_EXEC(r, dbd, "cc_session_insert", cc_sha256_hex(*token, strlen(*token), r->pool), member_no,
                   created, cc_db_int(r, apr_time_sec(*expires)))
        != 1) {
        return CC_DB_UNAVAILABLE;
    }
    return CC_DONE;
}

void cc_session_hand_over(request_rec *r, const char *token)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    cc_session_set_cookie(r, conf->cookie_name, token, apr_time_sec(conf->session_lifetime));
}

const char *cc_session_cookie(request_rec *r, const char *name)
{
    const char *cookies = apr_table_get(r->headers_in, "Cookie");
    apr_size_t name_len = strlen(name);
    for (const char *c = cookies; c && *c;) {
        while (*c == ' ' || *c == ';') {
            c++;
        }
        const char *end = strchr(c, ';');
        if (strncmp(c, name, name_len) == 0 && c[name_len] == '=') {
            const char *v = c + name_len + 1;
            return end ? apr_pstrmemdup(r->pool, v, end - v) : v;
        }
        c = end;
    }
    return NULL;
}

const char *cc_session_bearer(request_rec *r)
{
    const char *auth = apr_table_get(r->headers_in, "Authorization");
    return auth && strncasecmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
}

/* The bearer token, else the session cookie's value, else NULL. */
static const char *request_token(request_rec *r, int *via_cookie)
{
    const char *token = cc_session_bearer(r);
    *via_cookie = token == NULL;
    if (token == NULL) {
        token = cc_session_cookie(r, cc_server_conf_get(r->server)->cookie_name);
    }
    return token;
}

cc_result cc_session_of_token(request_rec *r, ap_dbd_t *dbd, const char *token, int via_cookie,
                              cc_session **out)
{
    if (token == NULL || *token == '\0' || strlen(token) > 128) {
        return CC_UNAUTHENTICATED;
    }
    const char *hash = cc_sha256_hex(token, strlen(token), r->pool);
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_session_find", hash, cc_db_now(r));
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows->nelts == 0) {
        return CC_UNAUTHENTICATED;
    }
    cc_session *s = apr_pcalloc(r->pool, sizeof(*s));
    s->member_no = APR_ARRAY_IDX(rows, 0, const char **)[0];
    s->token_hash = hash;
    s->csrf_token = cc_session_csrf_for(token, r->pool);
    s->via_cookie = via_cookie;
    *out = s;
    return CC_DONE;
}

cc_result cc_session_find(request_rec *r, ap_dbd_t *dbd, cc_session **out)
{
    int via_cookie = 0;
    const char *token = request_token(r, &via_cookie);
    cc_result result = cc_session_of_token(r, dbd, token, via_cookie, out);
    if (result == CC_DONE) {
        r->user = apr_pstrdup(r->pool, (*out)->member_no);
    }
    return result;
}

cc_result cc_session_end(request_rec *r, ap_dbd_t *dbd, const cc_session *session)
{
    if (CC_DB_EXEC(r, dbd, "cc_session_delete", session->token_hash) < 0) {
        return CC_DB_UNAVAILABLE;
    }
    cc_session_set_cookie(r, cc_server_conf_get(r->server)->cookie_name, "", 0);
    return CC_DONE;
}

cc_result cc_session_end_all(request_rec *r, ap_dbd_t *dbd, const char *member_no)
{
    return CC_DB_EXEC(r, dbd, "cc_session_delete_member", member_no) < 0 ? CC_DB_UNAVAILABLE : CC_DONE;
}

int cc_session_csrf_ok(request_rec *r, const cc_session *session, apr_table_t *params)
{
    if (!session->via_cookie) {
        return 1;
    }
    const char *presented = apr_table_get(r->headers_in, "X-CSRF-Token");
    if (presented == NULL && params != NULL) {
        presented = apr_table_get(params, "csrf_token");
    }
    return presented != NULL && cc_str_equal_ct(presented, session->csrf_token);
}
