#include <string.h>
#include <apr_base64.h>

#include "cc_db.h"
#include "cc_sql.h"

void cc_db_register_statements(server_rec *s, const cc_statement *const *tables)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    for (const cc_statement *const *t = tables; *t; t++) {
        for (const cc_statement *st = *t; st->label; st++) {
            prepare(s, st->sql, st->label);
        }
    }
}

int cc_db_available(void)
{
    return APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare) != NULL
           && APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire) != NULL;
}

ap_dbd_t *cc_db_acquire(request_rec *r)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    ap_dbd_t *dbd = acquire(r);
    if (dbd == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CCLOGNO(00009) "no database connection (check DBDriver/DBDParams)");
        return NULL;
    }
    cc_db_refresh(r, dbd);
    return dbd;
}

#define TRANSACTION_NOTE "cicpa-db-transaction"

/* A failure inside a transaction heals once the transaction has ended. */
static void heal_outside_transaction(request_rec *r, ap_dbd_t *dbd)
{
    if (apr_table_get(r->notes, TRANSACTION_NOTE) == NULL) {
        cc_db_heal(r, dbd);
    }
}

/* A read that failed outside a transaction, on a connection that can be
 * reopened (one the database dropped while it sat in the pool, as after a
 * restart): reopened, so that the read, which changes nothing, is tried
 * once more on it. 1 when reopened. */
static int reopened_for_retry(request_rec *r, ap_dbd_t *dbd, const char *label, int rv)
{
    const char *why = apr_pstrdup(r->pool, apr_dbd_error(dbd->driver, dbd->handle, rv));
    if (apr_table_get(r->notes, TRANSACTION_NOTE) != NULL || cc_db_heal(r, dbd) != 0) {
        return 0;
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, CCLOGNO(00052) "query %s failed (%s): trying it once more",
                  label, why ? why : "");
    return 1;
}

static apr_dbd_prepared_t *statement(request_rec *r, ap_dbd_t *dbd, const char *label)
{
    apr_dbd_prepared_t *stmt = apr_hash_get(dbd->prepared, label, APR_HASH_KEY_STRING);
    if (stmt == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00010) "statement %s is not prepared", label);
    }
    return stmt;
}

apr_array_header_t *cc_db_select(request_rec *r, ap_dbd_t *dbd, const char *label, int nargs,
                                 const char **args)
{
    apr_dbd_prepared_t *stmt = statement(r, dbd, label);
    apr_dbd_results_t *res = NULL;
    if (stmt == NULL) {
        return NULL;
    }
    /* Random access (1): the whole result in one go. apr-util's pgsql driver
     * polls a sequential result that comes back empty with 100 ms sleeps, so
     * every SELECT finding nothing (an unknown member, session or captcha)
     * would cost 100 ms and tell itself apart by its time. */
    int rv = apr_dbd_pselect(dbd->driver, r->pool, dbd->handle, &res, stmt, 1, nargs, args);
    if (rv != 0 && reopened_for_retry(r, dbd, label, rv) && (stmt = statement(r, dbd, label)) != NULL) {
        rv = apr_dbd_pselect(dbd->driver, r->pool, dbd->handle, &res, stmt, 1, nargs, args);
    }
    if (rv != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00011) "query %s failed: %s", label,
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        heal_outside_transaction(r, dbd);
        return NULL;
    }
    return cc_sql_rows(dbd->driver, res, r->pool);
}

cc_result cc_db_select_jpeg(request_rec *r, ap_dbd_t *dbd, const char *label, int nargs, const char **args,
                            unsigned char **jpeg, apr_size_t *len)
{
    apr_array_header_t *rows = cc_db_select(r, dbd, label, nargs, args);
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows->nelts == 0) {
        return CC_NOT_FOUND;
    }
    const char *b64 = APR_ARRAY_IDX(rows, 0, const char **)[0];
    *jpeg = apr_palloc(r->pool, apr_base64_decode_len(b64));
    int n = apr_base64_decode_binary(*jpeg, b64);
    *len = n > 0 ? (apr_size_t)n : 0;
    return n > 0 ? CC_DONE : CC_DB_UNAVAILABLE;
}

int cc_db_exec(request_rec *r, ap_dbd_t *dbd, const char *label, int nargs, const char **args)
{
    apr_dbd_prepared_t *stmt = statement(r, dbd, label);
    int nrows = 0;
    if (stmt == NULL) {
        return -1;
    }
    int rv = apr_dbd_pquery(dbd->driver, r->pool, dbd->handle, &nrows, stmt, nargs, args);
    if (rv != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00012) "statement %s failed: %s", label,
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        heal_outside_transaction(r, dbd);
        return -1;
    }
    return nrows;
}

int cc_db_transaction(request_rec *r, ap_dbd_t *dbd, cc_db_work_fn *work, void *arg)
{
    apr_dbd_transaction_t *trans = NULL;
    int rv = apr_dbd_transaction_start(dbd->driver, r->pool, dbd->handle, &trans);
    if (rv != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00013) "cannot start a transaction: %s",
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        /* apr-util's sqlite3 driver attaches trans to the pooled connection
         * even when BEGIN fails: end it, or the connection keeps a pointer
         * into this request's pool. */
        apr_dbd_transaction_mode_set(dbd->driver, trans, APR_DBD_TRANSACTION_ROLLBACK);
        apr_dbd_transaction_end(dbd->driver, r->pool, trans);
        cc_db_heal(r, dbd);
        return -1;
    }
    apr_table_setn(r->notes, TRANSACTION_NOTE, "1");
    int failed = work(r, dbd, arg) != 0;
    apr_table_unset(r->notes, TRANSACTION_NOTE);
    if (failed) {
        apr_dbd_transaction_mode_set(dbd->driver, trans, APR_DBD_TRANSACTION_ROLLBACK);
    }
    rv = apr_dbd_transaction_end(dbd->driver, r->pool, trans);
    if (rv != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00014) "transaction end failed: %s",
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
    }
    if (rv != 0 || failed) {
        cc_db_heal(r, dbd);
        return -1;
    }
    return 0;
}

int cc_db_defer_commit(request_rec *r, ap_dbd_t *dbd)
{
    int nrows = 0;
    if (strcmp(apr_dbd_name(dbd->driver), "pgsql") != 0) {
        return 0;
    }
    return apr_dbd_query(dbd->driver, dbd->handle, &nrows, "SET LOCAL synchronous_commit TO OFF") == 0 ? 0
                                                                                                       : -1;
}

const char *cc_db_now(request_rec *r)
{
    return apr_psprintf(r->pool, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
}

const char *cc_db_int(request_rec *r, apr_int64_t n)
{
    return apr_psprintf(r->pool, "%" APR_INT64_T_FMT, n);
}
