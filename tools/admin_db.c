#include "admin_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_file_info.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "cc_file.h"
#include "cc_sql.h"

/* The largest SQL script read (migrations and demo data are far smaller). */
#define MAX_SCRIPT_FILE (16 * 1024 * 1024)

int fail(const char *what, const char *why)
{
    fprintf(stderr, "cicpa-admin: %s: %s\n", what, why ? why : "unknown error");
    return 1;
}

int db_open(admin_db *db, const char *driver_name, const char *params)
{
    const char *err = NULL;
    apr_status_t rv = apr_dbd_get_driver(db->pool, driver_name, &db->driver);
    if (rv != APR_SUCCESS) {
        return fail("cannot load apr-util DBD driver", driver_name);
    }
    rv = apr_dbd_open_ex(db->driver, db->pool, params, &db->handle, &err);
    if (rv != APR_SUCCESS) {
        return fail("cannot open database", err);
    }
    db->driver_name = driver_name;
    /* SQLite: wait for a lock another process holds for a moment (httpd's
     * writers, a checkpoint) rather than fail at once; apr-util retries a
     * busy step but not a busy prepare. One thread here, so waiting inside
     * SQLite blocks nobody. */
    if (strcmp(driver_name, "sqlite3") == 0) {
        return select_rows(db, "PRAGMA busy_timeout = 10000", 0, NULL) ? 0 : 1; /* it answers a row */
    }
    return 0;
}

int db_exec(admin_db *db, const char *sql)
{
    int nrows = 0;
    if (apr_dbd_query(db->driver, db->handle, &nrows, sql) != 0) {
        fprintf(stderr, "cicpa-admin: statement failed: %s\n%s\n", apr_dbd_error(db->driver, db->handle, 0),
                sql);
        return 1;
    }
    return 0;
}

int db_in_transaction(admin_db *db, int (*fn)(admin_db *, void *), void *arg)
{
    if (db_exec(db, "BEGIN") != 0) {
        return 1;
    }
    if (fn(db, arg) != 0) {
        db_exec(db, "ROLLBACK");
        return 1;
    }
    return db_exec(db, "COMMIT");
}

int exec_script_file(admin_db *db, const char *path)
{
    apr_size_t len;
    const char *err;
    const char *text = (const char *)cc_file_read(path, MAX_SCRIPT_FILE, db->pool, &len, &err);
    if (text == NULL) {
        return fail("cannot read", err);
    }
    apr_array_header_t *stmts = cc_sql_statements(text, db->driver_name, db->pool);
    for (int i = 0; i < stmts->nelts; i++) {
        if (db_exec(db, APR_ARRAY_IDX(stmts, i, const char *)) != 0) {
            return fail("in", path);
        }
    }
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

apr_array_header_t *sorted_files(const char *dir, const char *suffix, apr_pool_t *p)
{
    apr_array_header_t *names = apr_array_make(p, 16, sizeof(const char *));
    apr_dir_t *d;
    apr_finfo_t info;
    if (apr_dir_open(&d, dir, p) != APR_SUCCESS) {
        return NULL;
    }
    while (apr_dir_read(&info, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        apr_size_t n = strlen(info.name), s = strlen(suffix);
        if (info.filetype == APR_REG && n > s && strcmp(info.name + n - s, suffix) == 0) {
            APR_ARRAY_PUSH(names, const char *) = apr_pstrdup(p, info.name);
        }
    }
    apr_dir_close(d);
    qsort(names->elts, names->nelts, sizeof(const char *), compare_names);
    return names;
}

int prepare(admin_db *db, const char *sql, apr_dbd_prepared_t **stmt)
{
    *stmt = NULL; /* the pgsql driver reuses a non-NULL *stmt */
    if (apr_dbd_prepare(db->driver, db->pool, db->handle, sql, NULL, stmt) != 0) {
        return fail("cannot prepare", apr_dbd_error(db->driver, db->handle, 0));
    }
    return 0;
}

int prepare_statement(admin_db *db, const cc_statement *table, const char *label, apr_dbd_prepared_t **stmt)
{
    const char *sql = cc_statement_sql(table, label);
    return sql ? prepare(db, sql, stmt) : fail("no statement", label);
}

int run_prepared(admin_db *db, apr_dbd_prepared_t *stmt, int nargs, const char **args)
{
    int nrows = 0;
    if (apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, stmt, nargs, args) != 0) {
        return fail("statement failed", apr_dbd_error(db->driver, db->handle, 0));
    }
    return nrows == 0 ? fail("no row changed for", args[nargs - 1]) : 0;
}

int exec_prepared(admin_db *db, apr_dbd_prepared_t *stmt, int nargs, const char **args)
{
    int nrows = 0;
    if (apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, stmt, nargs, args) != 0) {
        return fail("statement failed", apr_dbd_error(db->driver, db->handle, 0));
    }
    return 0;
}

apr_array_header_t *select_rows(admin_db *db, const char *sql, int nargs, const char **args)
{
    apr_dbd_prepared_t *stmt;
    apr_dbd_results_t *res = NULL;
    if (prepare(db, sql, &stmt) != 0
        || apr_dbd_pselect(db->driver, db->pool, db->handle, &res, stmt, 0, nargs, args) != 0) {
        fail("query failed", apr_dbd_error(db->driver, db->handle, 0));
        return NULL;
    }
    return cc_sql_rows(db->driver, res, db->pool);
}

const char *now_text(apr_pool_t *p)
{
    return apr_psprintf(p, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
}

const char *utc_text(const char *seconds, apr_pool_t *p)
{
    char when[32];
    apr_size_t n;
    apr_time_exp_t e;
    apr_time_exp_gmt(&e, apr_time_from_sec(apr_atoi64(seconds)));
    apr_strftime(when, &n, sizeof when, "%Y-%m-%d %H:%M:%S", &e);
    return apr_pstrdup(p, when);
}
