/* cicpa-admin's database connection and the helpers every command uses:
 * statements through apr-util DBD, so each works on SQLite and PostgreSQL. */
#ifndef ADMIN_DB_H
#define ADMIN_DB_H

#include <apr_dbd.h>
#include <apr_pools.h>
#include <apr_tables.h>

#include "cc_statement.h"

typedef struct admin_db {
    const apr_dbd_driver_t *driver; /* apr-util driver (sqlite3 or pgsql) */
    apr_dbd_t *handle;              /* the open connection */
    const char *driver_name;        /* "sqlite3" or "pgsql" */
    apr_pool_t *pool;               /* lifetime of the command */
} admin_db;

/* The largest photo file read; the photo rules refuse far less. */
#define MAX_PHOTO_FILE (1024 * 1024)

/* The audit trail's actor of every change cicpa-admin makes. */
#define ADMIN_ACTOR "staff:cicpa-admin"

/* Prints "cicpa-admin: what: why" on stderr; returns 1 (the exit code). */
int fail(const char *what, const char *why);

/* Loads the driver and opens the database; 0 or 1 once it said why. */
int db_open(admin_db *db, const char *driver_name, const char *params);

/* Runs one fixed statement (never text from input); 0 or 1. */
int db_exec(admin_db *db, const char *sql);

/* Runs fn inside one transaction: all of it or nothing; 0 or 1. */
int db_in_transaction(admin_db *db, int (*fn)(admin_db *, void *), void *arg);

/* Runs the statements of an SQL script (cc_sql's dialect tokens); 0 or 1. */
int exec_script_file(admin_db *db, const char *path);

/* The names in dir ending with suffix, sorted; NULL when dir cannot be read. */
apr_array_header_t *sorted_files(const char *dir, const char *suffix, apr_pool_t *p);

/* Prepares sql (%s placeholders) into *stmt; 0 or 1. */
int prepare(admin_db *db, const char *sql, apr_dbd_prepared_t **stmt);

/* Prepares the module's statement label of a service's table (the one
 * definition both use) into *stmt; 0 or 1. */
int prepare_statement(admin_db *db, const cc_statement *table, const char *label, apr_dbd_prepared_t **stmt);

/* Runs a prepared statement that must change a row; 0 or 1. */
int run_prepared(admin_db *db, apr_dbd_prepared_t *stmt, int nargs, const char **args);

/* Runs a prepared statement that may change any number of rows; 0 or 1. */
int exec_prepared(admin_db *db, apr_dbd_prepared_t *stmt, int nargs, const char **args);

/* The rows of a query, each a const char ** of its columns; NULL on error. */
apr_array_header_t *select_rows(admin_db *db, const char *sql, int nargs, const char **args);

/* Now, in Unix seconds, as text. */
const char *now_text(apr_pool_t *p);

/* Unix seconds (as text) as "YYYY-MM-DD HH:MM:SS" UTC. */
const char *utc_text(const char *seconds, apr_pool_t *p);

#endif
