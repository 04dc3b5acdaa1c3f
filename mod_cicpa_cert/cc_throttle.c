#include "cc_text.h"
#include "cc_db.h"
#include "cc_http.h"
#include "cc_throttle.h"

const cc_statement cc_throttle_statements[] = {
    { "cc_throttle_recent",
      "SELECT at FROM throttle_events WHERE scope = %s AND at > CAST(%s AS BIGINT)"
      " ORDER BY at DESC LIMIT CAST(%s AS BIGINT)" },
    { "cc_throttle_insert",
      "INSERT INTO throttle_events (scope, at) VALUES (%s, CAST(%s AS BIGINT))" },
    { "cc_throttle_purge",
      "DELETE FROM throttle_events WHERE at <= CAST(%s AS BIGINT)" },
    { "cc_throttle_clear",
      "DELETE FROM throttle_events WHERE scope = %s" },
    /* Events of one scope and second are alike: any one of them will do. */
    { "cc_throttle_withdraw",
      "DELETE FROM throttle_events WHERE id = (SELECT MAX(id) FROM throttle_events"
      " WHERE scope = %s AND at = CAST(%s AS BIGINT))" },
    { NULL, NULL }
};

/* Events are kept as long as the longest CicpaCertLoginWindow, so servers
 * with different windows can share the table. */
#define RETENTION (24 * 3600)

static const char *member_scope(request_rec *r, const char *action, const char *member_no)
{
    return apr_pstrcat(r->pool, action, "-member:", member_no, NULL);
}

static const char *address_scope(request_rec *r, const char *action)
{
    return apr_pstrcat(r->pool, action, "-address:", cc_client_key(r->useragent_ip, r->pool), NULL);
}

/* Seconds until scope, with this attempt's event in it, is within max
 * events in the window (0: it is now), or -1 on a database error. The
 * (max+1)-th newest event is the one whose leaving the window lets the next
 * attempt through. */
static apr_int64_t wait_for(cc_api_ctx *ctx, const char *scope, int max, apr_int64_t now)
{
    apr_int64_t window = ctx->conf->login_window;
    const char *args[] = { scope, cc_db_int(ctx->r, now - window), cc_db_int(ctx->r, max + 1) };
    apr_array_header_t *rows = cc_db_select(ctx->r, ctx->dbd, "cc_throttle_recent", 3, args);
    if (rows == NULL) {
        return -1;
    }
    if (rows->nelts <= max) {
        return 0;
    }
    apr_int64_t leaves = apr_atoi64(APR_ARRAY_IDX(rows, max, const char **)[0]) + window;
    return leaves > now ? leaves - now : 1;
}

static void record(cc_api_ctx *ctx, const cc_throttle_attempt *attempt, apr_int64_t now)
{
    request_rec *r = ctx->r;
    const char *purge_args[] = { cc_db_int(r, now - RETENTION) };
    const char *address_args[] = { attempt->address_scope, attempt->at };
    const char *member_args[] = { attempt->member_scope, attempt->at };
    cc_db_exec(r, ctx->dbd, "cc_throttle_purge", 1, purge_args);
    cc_db_exec(r, ctx->dbd, "cc_throttle_insert", 2, address_args);
    if (attempt->member_scope != NULL) {
        cc_db_exec(r, ctx->dbd, "cc_throttle_insert", 2, member_args);
    }
}

static int refuse(cc_api_ctx *ctx, const char *action, const char *what,
                  apr_int64_t wait, const char *whose)
{
    request_rec *r = ctx->r;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%s refused for %" APR_INT64_T_FMT
                  " s: too many attempts for this %s", action, wait, whose);
    apr_table_setn(r->err_headers_out, "Retry-After", apr_psprintf(r->pool, "%" APR_INT64_T_FMT, wait));
    cc_send_error_with(r, HTTP_TOO_MANY_REQUESTS, "too_many_attempts",
                       apr_psprintf(r->pool, "%s，请%d分钟后再试", what, (int)((wait + 59) / 60)),
                       json_pack("{s:I}", "retry_after", (json_int_t)wait));
    return HTTP_TOO_MANY_REQUESTS;
}

int cc_throttle_take(cc_api_ctx *ctx, const char *action, const char *member_no,
                     const char *what, cc_throttle_attempt *attempt)
{
    request_rec *r = ctx->r;
    apr_int64_t now = apr_time_sec(apr_time_now());
    attempt->member_scope = member_no ? member_scope(r, action, member_no) : NULL;
    attempt->address_scope = address_scope(r, action);
    attempt->at = cc_db_int(r, now);
    record(ctx, attempt, now);
    apr_int64_t by_member = member_no
        ? wait_for(ctx, attempt->member_scope, ctx->conf->login_max_failures, now) : 0;
    apr_int64_t by_address = wait_for(ctx, attempt->address_scope,
                                      ctx->conf->login_max_address_failures, now);
    if (by_member == 0 && by_address == 0) {
        return OK;
    }
    cc_throttle_withdraw(ctx, attempt);
    if (by_member < 0 || by_address < 0) {
        cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    return by_member > by_address ? refuse(ctx, action, what, by_member, "member number")
                                  : refuse(ctx, action, what, by_address, "client address");
}

void cc_throttle_withdraw(cc_api_ctx *ctx, const cc_throttle_attempt *attempt)
{
    const char *address_args[] = { attempt->address_scope, attempt->at };
    const char *member_args[] = { attempt->member_scope, attempt->at };
    cc_db_exec(ctx->r, ctx->dbd, "cc_throttle_withdraw", 2, address_args);
    if (attempt->member_scope != NULL) {
        cc_db_exec(ctx->r, ctx->dbd, "cc_throttle_withdraw", 2, member_args);
    }
}

void cc_throttle_clear(cc_api_ctx *ctx, const char *action, const char *member_no)
{
    const char *args[] = { member_scope(ctx->r, action, member_no) };
    cc_db_exec(ctx->r, ctx->dbd, "cc_throttle_clear", 1, args);
}
