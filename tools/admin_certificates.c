/* revoke, suspend, reinstate and set-registration: what a certificate of
 * record says about its own validity. */
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "admin_commands.h"
#include "admin_db.h"
#include "cc_audit_sql.h"

/* A staff decision on a certificate, named by its identifier or serial. */
typedef struct status_change {
    const char *cert;    /* id or serial */
    const char *to;      /* the new status */
    const char *from[2]; /* the statuses it may have now */
    const char *reason;  /* shown on the verification page ("" for none) */
    const char *action;  /* audit_log action */
    const char *done;    /* what to print */
} status_change;

static int change_status(admin_db *db, void *arg)
{
    const status_change *c = arg;
    apr_dbd_prepared_t *update, *lookup, *audit;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *member_no = NULL, *serial = NULL;
    const char *now = now_text(db->pool);
    const char *update_args[] = { c->to, c->reason, now, c->cert, c->cert, c->from[0], c->from[1] };
    const char *lookup_args[] = { c->cert, c->cert };
    int nrows = 0;
    if (prepare(db,
                "UPDATE certificates SET status = %s, status_reason = %s, status_at = CAST(%s AS BIGINT)"
                " WHERE (id = %s OR serial = %s) AND status IN (%s, %s)",
                &update)
            != 0
        || prepare(db, "SELECT member_no, serial FROM certificates WHERE id = %s OR serial = %s", &lookup)
               != 0
        || prepare_statement(db, cc_audit_statements, "cc_audit_insert", &audit) != 0) {
        return 1;
    }
    if (apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, update, 7, update_args) != 0) {
        return fail("statement failed", apr_dbd_error(db->driver, db->handle, 0));
    }
    if (nrows != 1) {
        const char *states = strcmp(c->from[0], c->from[1]) == 0
                                 ? c->from[0]
                                 : apr_pstrcat(db->pool, c->from[0], " or ", c->from[1], NULL);
        return fail(apr_psprintf(db->pool, "no %s certificate %s", states, c->cert), "nothing changed");
    }
    if (apr_dbd_pselect(db->driver, db->pool, db->handle, &res, lookup, 0, 2, lookup_args) != 0) {
        return fail("cannot read the certificate", apr_dbd_error(db->driver, db->handle, 0));
    }
    while (apr_dbd_get_row(db->driver, db->pool, res, &row, -1) == 0) {
        member_no = apr_pstrdup(db->pool, apr_dbd_get_entry(db->driver, row, 0));
        serial = apr_pstrdup(db->pool, apr_dbd_get_entry(db->driver, row, 1));
    }
    const char *audit_args[] = {
        now,
        ADMIN_ACTOR,
        member_no,
        c->action,
        *c->reason ? apr_pstrcat(db->pool, serial, " ", c->reason, NULL) : serial,
        "",
    };
    if (run_prepared(db, audit, 6, audit_args) != 0) {
        return 1;
    }
    printf("certificate %s %s\n", serial, c->done);
    return 0;
}

int cmd_revoke(admin_db *db, const char *cert, const char *reason)
{
    status_change c = { cert, "revoked", { "valid", "suspended" }, reason, "certificate_revoked", "revoked" };
    if (*reason == '\0') {
        return fail("revoke", "give the reason the verification page shows");
    }
    return db_in_transaction(db, change_status, &c);
}

int cmd_suspend(admin_db *db, const char *cert)
{
    status_change c = { cert, "suspended", { "valid", "valid" }, "", "certificate_suspended", "suspended" };
    return db_in_transaction(db, change_status, &c);
}

int cmd_reinstate(admin_db *db, const char *cert)
{
    status_change c = {
        cert, "valid", { "suspended", "suspended" }, "", "certificate_reinstated", "reinstated (valid again)"
    };
    return db_in_transaction(db, change_status, &c);
}

/* The last second of DATE (YYYY-MM-DD, local time) as Unix seconds, so the
 * date printed as 有效期至 is the date entered; -1 when it is no real date. */
static apr_int64_t end_of_day(const char *date)
{
    struct tm tm = { 0 };
    const char *rest = strptime(date, "%Y-%m-%d", &tm);
    int year = tm.tm_year, month = tm.tm_mon, day = tm.tm_mday;
    if (rest == NULL || *rest != '\0') {
        return -1;
    }
    tm.tm_hour = 23;
    tm.tm_min = 59;
    tm.tm_sec = 59;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    /* mktime moves 02-30 to 03-02: a real date comes back unchanged. */
    return tm.tm_year == year && tm.tm_mon == month && tm.tm_mday == day ? (apr_int64_t)t : -1;
}

/* Records the end of a member's annual registration ("none" clears it). */
typedef struct registration {
    const char *member_no; /* whose */
    apr_int64_t until;     /* last second of the registration; 0: none on file */
} registration;

/* The member's registration, and the end of a current certificate that
 * would outlast it: a certificate never verifies as valid past it. */
static int store_registration(admin_db *db, void *arg)
{
    const registration *reg = arg;
    apr_dbd_prepared_t *member, *certs;
    const char *until = apr_psprintf(db->pool, "%" APR_INT64_T_FMT, reg->until);
    const char *member_args[] = { until, reg->member_no };
    const char *cert_args[] = { until, reg->member_no, until };
    if (prepare(db,
                "UPDATE members SET registration_valid_until = CAST(%s AS BIGINT)"
                " WHERE member_no = %s",
                &member)
            != 0
        || run_prepared(db, member, 2, member_args) != 0) {
        return 1;
    }
    if (reg->until == 0) {
        return 0;
    }
    return prepare(db,
                   "UPDATE certificates SET valid_until = CAST(%s AS BIGINT)"
                   " WHERE member_no = %s AND status = 'valid'"
                   " AND (valid_until = 0 OR valid_until > CAST(%s AS BIGINT))",
                   &certs)
               != 0
           || exec_prepared(db, certs, 3, cert_args) != 0;
}

int cmd_set_registration(admin_db *db, const char *member_no, const char *date)
{
    registration reg = { member_no, strcmp(date, "none") == 0 ? 0 : end_of_day(date) };
    if (reg.until < 0) {
        return fail("not a date (YYYY-MM-DD or none)", date);
    }
    if (db_in_transaction(db, store_registration, &reg) != 0) {
        return 1;
    }
    printf("registration of %s valid until %s\n", member_no, date);
    return 0;
}
