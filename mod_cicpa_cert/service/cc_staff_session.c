#include <string.h>

#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_staff_session.h"
#include "cc_staff_session_sql.h"

#define TOKEN_BYTES 32 /* as members' tokens: no practical guess */
#define MAX_TOKEN 128

static const char *cookie_name(request_rec *r)
{
    return apr_pstrcat(r->pool, cc_server_conf_get(r->server)->cookie_name, "_staff", NULL);
}

cc_result cc_staff_session_start(request_rec *r, ap_dbd_t *dbd, const char *login, const char **token,
                                 apr_time_t *expires)
{
    apr_time_t lifetime = cc_server_conf_get(r->server)->staff.session_lifetime, now = apr_time_now();
    *token = cc_random_token(TOKEN_BYTES, r->pool);
    if (*token == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00044) "random generator failed");
        return CC_INTERNAL;
    }
    *expires = now + lifetime;
    const char *created = cc_db_int(r, apr_time_sec(now));
    CC_DB_EXEC(r, dbd, "cc_staff_session_purge_expired", created);
    if (CC_DB_EXEC(r, dbd, "cc_staff_session_insert", cc_sha256_hex(*token, strlen(*token), r->pool), login,
                   created, cc_db_int(r, apr_time_sec(*expires)))
        != 1) {
        return CC_DB_UNAVAILABLE;
    }
    return CC_DONE;
}

void cc_staff_session_hand_over(request_rec *r, const char *token)
{
    cc_session_set_cookie(r, cookie_name(r), token ? token : "",
                          token ? apr_time_sec(cc_server_conf_get(r->server)->staff.session_lifetime) : 0);
}

cc_result cc_staff_session_find(request_rec *r, ap_dbd_t *dbd, const char *token, cc_staff **out)
{
    /* The browser's cookie; cicpa-admin issue-certificates sends a bearer
     * token, which carries no ambient credential (no CSRF check). */
    int via_cookie = token != NULL || cc_session_bearer(r) == NULL;
    if (token == NULL) {
        token = via_cookie ? cc_session_cookie(r, cookie_name(r)) : cc_session_bearer(r);
    }
    if (token == NULL || *token == '\0' || strlen(token) > MAX_TOKEN) {
        return CC_UNAUTHENTICATED;
    }
    const char *hash = cc_sha256_hex(token, strlen(token), r->pool);
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_staff_session_find", hash, cc_db_now(r));
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows->nelts == 0) {
        return CC_UNAUTHENTICATED;
    }
    const char **row = APR_ARRAY_IDX(rows, 0, const char **);
    cc_staff *staff = apr_pcalloc(r->pool, sizeof(*staff));
    staff->login = row[0];
    staff->institute = row[1];
    staff->actor = apr_pstrcat(r->pool, "staff:", row[0], NULL);
    staff->session.token_hash = hash;
    staff->session.csrf_token = cc_session_csrf_for(token, r->pool);
    staff->session.via_cookie = via_cookie;
    r->user = apr_pstrdup(r->pool, staff->actor);
    *out = staff;
    return CC_DONE;
}

cc_result cc_staff_session_account(request_rec *r, ap_dbd_t *dbd, const char *login)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_staff_session_account", login);
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    return rows->nelts ? CC_DONE : CC_UNKNOWN_IDENTITY;
}

cc_result cc_staff_session_end(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff)
{
    return CC_DB_EXEC(r, dbd, "cc_staff_session_delete", staff->session.token_hash) < 0 ? CC_DB_UNAVAILABLE
                                                                                        : CC_DONE;
}
