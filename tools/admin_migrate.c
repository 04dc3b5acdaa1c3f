/* migrate DIR: the ordered schema migrations (NNN_*.sql), each in a
 * transaction of its own and recorded in schema_version. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "admin_commands.h"
#include "admin_db.h"
#include "cc_sql.h"

static int current_schema_version(admin_db *db, int *version)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    *version = 0;
    if (apr_dbd_select(db->driver, db->pool, db->handle, &res, "SELECT MAX(version) FROM schema_version", 0)
        != 0) {
        return fail("cannot read schema_version", apr_dbd_error(db->driver, db->handle, 0));
    }
    while (apr_dbd_get_row(db->driver, db->pool, res, &row, -1) == 0) {
        const char *v = apr_dbd_get_entry(db->driver, row, 0);
        *version = v ? atoi(v) : 0;
    }
    return 0;
}

/* Whether schema_version records version (a gap below the newest is not). */
static int applied_already(admin_db *db, int version)
{
    apr_dbd_prepared_t *stmt;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *args[] = { apr_itoa(db->pool, version) };
    int found = 0;
    if (prepare(db, "SELECT version FROM schema_version WHERE version = CAST(%s AS INTEGER)", &stmt) != 0
        || apr_dbd_pselect(db->driver, db->pool, db->handle, &res, stmt, 0, 1, args) != 0) {
        return 0;
    }
    while (apr_dbd_get_row(db->driver, db->pool, res, &row, -1) == 0) {
        found = 1;
    }
    return found;
}

/* PRAGMA journal_mode answers with a row, so it is a select for apr-util. */
static int set_wal_mode(admin_db *db)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    if (apr_dbd_select(db->driver, db->pool, db->handle, &res, "PRAGMA journal_mode=WAL", 0) != 0) {
        return fail("cannot enable WAL", apr_dbd_error(db->driver, db->handle, 0));
    }
    while (apr_dbd_get_row(db->driver, db->pool, res, &row, -1) == 0) {
    }
    return 0;
}

typedef struct migration {
    const char *path; /* the script */
    const char *name; /* its file name */
    int version;      /* NNN of NNN_name.sql */
} migration;

static int apply_migration(admin_db *db, void *arg)
{
    const migration *m = arg;
    apr_dbd_prepared_t *record;
    const char *args[] = { apr_itoa(db->pool, m->version), m->name, now_text(db->pool) };
    if (exec_script_file(db, m->path) != 0
        || prepare(db,
                   "INSERT INTO schema_version (version, name, applied_at)"
                   " VALUES (CAST(%s AS INTEGER), %s, CAST(%s AS BIGINT))",
                   &record)
               != 0) {
        return 1;
    }
    return run_prepared(db, record, 3, args);
}

/* Applies, in order and each in its own transaction, every NNN_*.sql in dir
 * newer than the database's schema_version. File names are checked by
 * cc_sql_migration_version, so the recorded name holds no quote. */
int cmd_migrate(admin_db *db, const char *dir)
{
    int have = 0;
    if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                    " name TEXT NOT NULL, applied_at BIGINT NOT NULL)")
            != 0
        || current_schema_version(db, &have) != 0) {
        return 1;
    }
    /* WAL lets readers in several httpd children proceed during a write. */
    if (strcmp(db->driver_name, "sqlite3") == 0 && set_wal_mode(db) != 0) {
        return 1;
    }
    apr_array_header_t *files = sorted_files(dir, ".sql", db->pool);
    if (files == NULL) {
        /* sorted_files stops at opendir, which set errno */
        return fail(apr_pstrcat(db->pool, "cannot list migrations in ", dir, NULL), strerror(errno));
    }
    for (int i = 0; i < files->nelts; i++) {
        migration m = { NULL, APR_ARRAY_IDX(files, i, const char *), 0 };
        m.version = cc_sql_migration_version(m.name);
        if (m.version == 0 || applied_already(db, m.version)) {
            continue;
        }
        if (m.version < have) {
            /* Applying it now would run it after newer ones it predates. */
            return fail("migration is older than the schema version and was never applied", m.name);
        }
        m.path = apr_pstrcat(db->pool, dir, "/", m.name, NULL);
        if (db_in_transaction(db, apply_migration, &m) != 0) {
            return fail("migration failed", m.name);
        }
        printf("applied %s\n", m.name);
        have = m.version;
    }
    printf("schema version %d\n", have);
    return 0;
}
