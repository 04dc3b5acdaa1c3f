#include "cc_config.h"
#include "cc_text.h"
#include "cc_throttle.h"

const cc_statement cc_throttle_statements[] = {
    { "cc_throttle_recent", "SELECT at FROM throttle_events WHERE scope = %s AND at > CAST(%s AS BIGINT)"
                            " ORDER BY at DESC LIMIT CAST(%s AS BIGINT)" },
    { "cc_throttle_insert", "INSERT INTO throttle_events (scope, at) VALUES (%s, CAST(%s AS BIGINT))" },
    { "cc_throttle_purge", "DELETE FROM throttle_events WHERE at <= CAST(%s AS BIGINT)" },
    { "cc_throttle_clear", "DELETE FROM throttle_events WHERE scope = %s" },
    /* Events of one scope and second are alike: any one of them will do. */
    { "cc_throttle_withdraw", "DELETE FROM throttle_events WHERE id = (SELECT MAX(id) FROM throttle_events"
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
static apr_int64_t wait_for(request_rec *r, ap_dbd_t *dbd, const char *scope, int max, apr_int64_t window,
                            apr_int64_t now)
{
    apr_array_header_t *rows =
        CC_DB_SELECT(r, dbd, "cc_throttle_recent", scope, cc_db_int(r, now - window), cc_db_int(r, max + 1));
    if (rows == NULL) {
        return -1;
    }
    if (rows->nelts <= max) {
        return 0;
    }
    apr_int64_t leaves = apr_atoi64(APR_ARRAY_IDX(rows, max, const char **)[0]) + window;
    return leaves > now ? leaves - now : 1;
}

/* Records the attempt's events; 0, or -1 when one could not be written
 * (then nothing may go ahead: a limit that counts nothing is no limit). */
static int record(request_rec *r, ap_dbd_t *dbd, const cc_throttle_attempt *attempt, apr_int64_t now)
{
    if (CC_DB_EXEC(r, dbd, "cc_throttle_purge", cc_db_int(r, now - RETENTION)) < 0
        || CC_DB_EXEC(r, dbd, "cc_throttle_insert", attempt->address_scope, attempt->at) != 1) {
        return -1;
    }
    if (attempt->member_scope != NULL
        && CC_DB_EXEC(r, dbd, "cc_throttle_insert", attempt->member_scope, attempt->at) != 1) {
        return -1;
    }
    return 0;
}

/* The database failed: whatever was recorded is taken back (as far as it
 * can be) and the attempt refused. */
static cc_result unavailable(request_rec *r, ap_dbd_t *dbd, cc_throttle_attempt *attempt, const char *action)
{
    cc_throttle_withdraw(r, dbd, attempt);
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  CCLOGNO(00051) "%s refused: its limit could not be counted in the database", action);
    return CC_DB_UNAVAILABLE;
}

static cc_result refuse(request_rec *r, const char *action, cc_throttle_attempt *attempt, apr_int64_t wait,
                        const char *whose)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  CCLOGNO(00045) "%s refused for %" APR_INT64_T_FMT " s: too many attempts for this %s",
                  action, wait, whose);
    attempt->retry_after = wait;
    return CC_TOO_MANY_ATTEMPTS;
}

cc_result cc_throttle_take(request_rec *r, ap_dbd_t *dbd, const char *action, const char *member_no,
                           cc_throttle_attempt *attempt)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    apr_int64_t now = apr_time_sec(apr_time_now());
    attempt->member_scope = member_no ? member_scope(r, action, member_no) : NULL;
    attempt->address_scope = address_scope(r, action);
    attempt->at = cc_db_int(r, now);
    attempt->retry_after = 0;
    if (record(r, dbd, attempt, now) != 0) {
        return unavailable(r, dbd, attempt, action);
    }
    apr_int64_t window = conf->login_window;
    apr_int64_t by_member =
        member_no ? wait_for(r, dbd, attempt->member_scope, conf->login_max_failures, window, now) : 0;
    apr_int64_t by_address =
        wait_for(r, dbd, attempt->address_scope, conf->login_max_address_failures, window, now);
    if (by_member < 0 || by_address < 0) {
        return unavailable(r, dbd, attempt, action);
    }
    if (by_member == 0 && by_address == 0) {
        return CC_DONE;
    }
    cc_throttle_withdraw(r, dbd, attempt);
    return by_member > by_address ? refuse(r, action, attempt, by_member, "member number")
                                  : refuse(r, action, attempt, by_address, "client address");
}

cc_result cc_throttle_rate(request_rec *r, ap_dbd_t *dbd, const char *action, int per_minute,
                           apr_int64_t *retry_after)
{
    apr_int64_t now = apr_time_sec(apr_time_now());
    cc_throttle_attempt attempt = { NULL, address_scope(r, action), cc_db_int(r, now), 0 };
    *retry_after = 0;
    if (record(r, dbd, &attempt, now) != 0) {
        return unavailable(r, dbd, &attempt, action);
    }
    apr_int64_t wait = wait_for(r, dbd, attempt.address_scope, per_minute, 60, now);
    if (wait < 0) {
        return unavailable(r, dbd, &attempt, action);
    }
    if (wait == 0) {
        return CC_DONE; /* the event stays: it is what the limit counts */
    }
    cc_throttle_withdraw(r, dbd, &attempt);
    *retry_after = wait;
    return CC_TOO_MANY_ATTEMPTS;
}

void cc_throttle_withdraw(request_rec *r, ap_dbd_t *dbd, const cc_throttle_attempt *attempt)
{
    CC_DB_EXEC(r, dbd, "cc_throttle_withdraw", attempt->address_scope, attempt->at);
    if (attempt->member_scope != NULL) {
        CC_DB_EXEC(r, dbd, "cc_throttle_withdraw", attempt->member_scope, attempt->at);
    }
}

void cc_throttle_clear(request_rec *r, ap_dbd_t *dbd, const char *action, const char *member_no)
{
    CC_DB_EXEC(r, dbd, "cc_throttle_clear", member_scope(r, action, member_no));
}
