/* cicpa-admin: database administration for mod_cicpa_cert through apr-util
 * DBD, so the same commands work on SQLite and PostgreSQL. */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <apr_base64.h>
#include <apr_dbd.h>
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_md5.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "cc_crypto.h"
#include "cc_csv.h"
#include "cc_fields.h"
#include "cc_json.h"
#include "cc_password.h"
#include "cc_photo_rules.h"
#include "cc_sql.h"
#include "cc_text.h"

typedef struct admin_db {
    const apr_dbd_driver_t *driver; /* apr-util driver (sqlite3 or pgsql) */
    apr_dbd_t *handle;              /* the open connection */
    const char *driver_name;        /* "sqlite3" or "pgsql" */
    apr_pool_t *pool;               /* lifetime of the command */
} admin_db;

static int fail(const char *what, const char *why)
{
    fprintf(stderr, "cicpa-admin: %s: %s\n", what, why ? why : "unknown error");
    return 1;
}

static int db_open(admin_db *db, const char *driver_name, const char *params)
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
    return 0;
}

static int db_exec(admin_db *db, const char *sql)
{
    int nrows = 0;
    if (apr_dbd_query(db->driver, db->handle, &nrows, sql) != 0) {
        fprintf(stderr, "cicpa-admin: statement failed: %s\n%s\n",
                apr_dbd_error(db->driver, db->handle, 0), sql);
        return 1;
    }
    return 0;
}

/* Runs fn inside one transaction: all of it or nothing. */
static int db_in_transaction(admin_db *db, int (*fn)(admin_db *, void *), void *arg)
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

static int exec_script_file(admin_db *db, const char *path)
{
    char *text = NULL;
    apr_file_t *f;
    apr_finfo_t info;
    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, db->pool) != APR_SUCCESS
        || apr_file_info_get(&info, APR_FINFO_SIZE, f) != APR_SUCCESS) {
        return fail("cannot read", path);
    }
    apr_size_t len = (apr_size_t)info.size;
    text = apr_palloc(db->pool, len + 1);
    if (apr_file_read_full(f, text, len, &len) != APR_SUCCESS) {
        return fail("cannot read", path);
    }
    text[len] = '\0';
    apr_file_close(f);
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

/* The names in dir ending with suffix, sorted. */
static apr_array_header_t *sorted_files(const char *dir, const char *suffix, apr_pool_t *p)
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

static int current_schema_version(admin_db *db, int *version)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    *version = 0;
    if (apr_dbd_select(db->driver, db->pool, db->handle, &res,
                       "SELECT MAX(version) FROM schema_version", 0) != 0) {
        return fail("cannot read schema_version", apr_dbd_error(db->driver, db->handle, 0));
    }
    while (apr_dbd_get_row(db->driver, db->pool, res, &row, -1) == 0) {
        const char *v = apr_dbd_get_entry(db->driver, row, 0);
        *version = v ? atoi(v) : 0;
    }
    return 0;
}

static int prepare(admin_db *db, const char *sql, apr_dbd_prepared_t **stmt);

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

static int prepare(admin_db *db, const char *sql, apr_dbd_prepared_t **stmt)
{
    *stmt = NULL; /* the pgsql driver reuses a non-NULL *stmt */
    if (apr_dbd_prepare(db->driver, db->pool, db->handle, sql, NULL, stmt) != 0) {
        return fail("cannot prepare", apr_dbd_error(db->driver, db->handle, 0));
    }
    return 0;
}

static int run_prepared(admin_db *db, apr_dbd_prepared_t *stmt, int nargs, const char **args)
{
    int nrows = 0;
    if (apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, stmt, nargs, args) != 0) {
        return fail("statement failed", apr_dbd_error(db->driver, db->handle, 0));
    }
    return nrows == 0 ? fail("no row changed for", args[nargs - 1]) : 0;
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
    const char *path;  /* the script */
    const char *name;  /* its file name */
    int version;       /* NNN of NNN_name.sql */
} migration;

static int apply_migration(admin_db *db, void *arg)
{
    const migration *m = arg;
    apr_dbd_prepared_t *record;
    const char *args[] = {
        apr_itoa(db->pool, m->version), m->name,
        apr_psprintf(db->pool, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()))
    };
    if (exec_script_file(db, m->path) != 0
        || prepare(db, "INSERT INTO schema_version (version, name, applied_at)"
                       " VALUES (CAST(%s AS INTEGER), %s, CAST(%s AS BIGINT))", &record) != 0) {
        return 1;
    }
    return run_prepared(db, record, 3, args);
}

/* Applies, in order and each in its own transaction, every NNN_*.sql in dir
 * newer than the database's schema_version. File names are checked by
 * cc_sql_migration_version, so the recorded name holds no quote. */
static int cmd_migrate(admin_db *db, const char *dir)
{
    int have = 0;
    if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                    " name TEXT NOT NULL, applied_at BIGINT NOT NULL)") != 0
        || current_schema_version(db, &have) != 0) {
        return 1;
    }
    /* WAL lets readers in several httpd children proceed during a write. */
    if (strcmp(db->driver_name, "sqlite3") == 0 && set_wal_mode(db) != 0) {
        return 1;
    }
    apr_array_header_t *files = sorted_files(dir, ".sql", db->pool);
    if (files == NULL) {
        return fail("cannot list migrations in", dir);
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

static int read_whole_file(const char *path, apr_size_t max, apr_pool_t *p,
                           char **data, apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t info;
    if (apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p) != APR_SUCCESS
        || apr_file_info_get(&info, APR_FINFO_SIZE, f) != APR_SUCCESS
        || (apr_size_t)info.size > max) {
        return 1;
    }
    *len = (apr_size_t)info.size;
    *data = apr_palloc(p, *len + 1);
    apr_status_t rv = apr_file_read_full(f, *data, *len, len);
    apr_file_close(f);
    return rv != APR_SUCCESS;
}

typedef struct photo_job {
    const char *member_no; /* whose photo */
    const char *path;      /* the JPEG file */
} photo_job;

/* Stores a member's photo (base64 of the JPEG) and marks it on file. */
static int store_photo(admin_db *db, void *arg)
{
    const photo_job *job = arg;
    char *jpeg;
    apr_size_t len;
    apr_dbd_prepared_t *del, *ins, *status;
    if (read_whole_file(job->path, 1024 * 1024, db->pool, &jpeg, &len) != 0) {
        return fail("cannot read photo", job->path);
    }
    char *b64 = apr_palloc(db->pool, apr_base64_encode_len((int)len));
    apr_base64_encode(b64, jpeg, (int)len);
    const char *now = apr_psprintf(db->pool, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
    const char *ins_args[] = { job->member_no, b64, cc_sha256_hex(jpeg, len, db->pool), now };
    const char *status_args[] = { now, job->member_no };
    int nrows = 0;
    if (prepare(db, "DELETE FROM member_photos WHERE member_no = %s", &del) != 0
        || prepare(db, "INSERT INTO member_photos (member_no, jpeg_b64, sha256, updated_at)"
                       " VALUES (%s, %s, %s, CAST(%s AS BIGINT))", &ins) != 0
        || prepare(db, "UPDATE members SET photo_status = 'on_file', updated_at = CAST(%s AS BIGINT)"
                       " WHERE member_no = %s", &status) != 0) {
        return 1;
    }
    if (apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, del, 1, (const char **)&job->member_no) != 0) {
        return fail("cannot replace photo", apr_dbd_error(db->driver, db->handle, 0));
    }
    return run_prepared(db, status, 2, status_args) || run_prepared(db, ins, 4, ins_args);
}

static int cmd_set_photo(admin_db *db, const char *member_no, const char *path)
{
    photo_job job = { member_no, path };
    if (db_in_transaction(db, store_photo, &job) != 0) {
        return 1;
    }
    printf("photo of %s stored\n", member_no);
    return 0;
}

static int run_demo_scripts(admin_db *db, void *arg)
{
    const char *dir = arg;
    apr_array_header_t *files = sorted_files(dir, ".sql", db->pool);
    if (files == NULL) {
        return fail("cannot list", dir);
    }
    for (int i = 0; i < files->nelts; i++) {
        const char *name = APR_ARRAY_IDX(files, i, const char *);
        if (exec_script_file(db, apr_pstrcat(db->pool, dir, "/", name, NULL)) != 0) {
            return 1;
        }
    }
    return 0;
}

/* The member number of a photo file named <member_no><suffix>, or NULL. */
static const char *member_of_photo_file(const char *name, const char *suffix, apr_pool_t *p)
{
    apr_size_t n = strlen(name), s = strlen(suffix);
    if (n <= s || strcmp(name + n - s, suffix) != 0) {
        return NULL;
    }
    for (apr_size_t i = 0; i + s < n; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return NULL;
        }
    }
    return apr_pstrmemdup(p, name, n - s);
}

/* Stores a reference photo for the built-in reference FaceVerifier, keyed
 * like the provider looks it up: the SHA-256 of the member's ID number. */
static int store_reference_photo(admin_db *db, void *arg)
{
    const photo_job *job = arg;
    apr_dbd_prepared_t *lookup, *del, *ins;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *id_number = NULL;
    char *jpeg;
    apr_size_t len;
    if (read_whole_file(job->path, 1024 * 1024, db->pool, &jpeg, &len) != 0) {
        return fail("cannot read photo", job->path);
    }
    if (prepare(db, "SELECT value FROM member_fields WHERE member_no = %s AND field_key = 'id_number'", &lookup) != 0
        || prepare(db, "DELETE FROM reference_photos WHERE id_number_sha256 = %s", &del) != 0
        || prepare(db, "INSERT INTO reference_photos (id_number_sha256, jpeg_b64) VALUES (%s, %s)", &ins) != 0
        || apr_dbd_pselect(db->driver, db->pool, db->handle, &res, lookup, 0, 1, (const char **)&job->member_no) != 0) {
        return fail("cannot look up the ID number of", job->member_no);
    }
    while (apr_dbd_get_row(db->driver, db->pool, res, &row, -1) == 0) {
        id_number = apr_pstrdup(db->pool, apr_dbd_get_entry(db->driver, row, 0));
    }
    if (id_number == NULL) {
        return fail("no ID number on file for", job->member_no);
    }
    char *b64 = apr_palloc(db->pool, apr_base64_encode_len((int)len));
    apr_base64_encode(b64, jpeg, (int)len);
    const char *key = cc_sha256_hex(id_number, strlen(id_number), db->pool);
    const char *ins_args[] = { key, b64 };
    int nrows = 0;
    if (apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, del, 1, &key) != 0) {
        return fail("cannot replace reference photo", apr_dbd_error(db->driver, db->handle, 0));
    }
    return run_prepared(db, ins, 2, ins_args);
}

static int cmd_set_reference_photo(admin_db *db, const char *member_no, const char *path)
{
    photo_job job = { member_no, path };
    if (db_in_transaction(db, store_reference_photo, &job) != 0) {
        return 1;
    }
    printf("reference photo for %s stored\n", member_no);
    return 0;
}

/* Loads the demo data set: the .sql files of DIR in name order, then the
 * photos DIR/photos/<member_no>.jpg and the reference provider's
 * DIR/photos/<member_no>-reference.jpg. */
static int cmd_load_demo(admin_db *db, const char *dir)
{
    if (db_in_transaction(db, run_demo_scripts, (void *)dir) != 0) {
        return 1;
    }
    const char *photo_dir = apr_pstrcat(db->pool, dir, "/photos", NULL);
    apr_array_header_t *photos = sorted_files(photo_dir, ".jpg", db->pool);
    for (int i = 0; photos && i < photos->nelts; i++) {
        const char *name = APR_ARRAY_IDX(photos, i, const char *);
        const char *path = apr_pstrcat(db->pool, photo_dir, "/", name, NULL);
        const char *member_no = member_of_photo_file(name, ".jpg", db->pool);
        const char *reference_of = member_of_photo_file(name, "-reference.jpg", db->pool);
        if ((member_no && cmd_set_photo(db, member_no, path) != 0)
            || (reference_of && cmd_set_reference_photo(db, reference_of, path) != 0)) {
            return 1;
        }
    }
    return 0;
}

/* A staff decision on a certificate, named by its identifier or serial. */
typedef struct status_change {
    const char *cert;        /* id or serial */
    const char *to;          /* the new status */
    const char *from[2];     /* the statuses it may have now */
    const char *reason;      /* shown on the verification page ("" for none) */
    const char *action;      /* audit_log action */
    const char *done;        /* what to print */
} status_change;

static int change_status(admin_db *db, void *arg)
{
    const status_change *c = arg;
    apr_dbd_prepared_t *update, *lookup, *audit;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *member_no = NULL, *serial = NULL;
    const char *now = apr_psprintf(db->pool, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
    const char *update_args[] = { c->to, c->reason, now, c->cert, c->cert, c->from[0], c->from[1] };
    const char *lookup_args[] = { c->cert, c->cert };
    int nrows = 0;
    if (prepare(db, "UPDATE certificates SET status = %s, status_reason = %s, status_at = CAST(%s AS BIGINT)"
                    " WHERE (id = %s OR serial = %s) AND status IN (%s, %s)", &update) != 0
        || prepare(db, "SELECT member_no, serial FROM certificates WHERE id = %s OR serial = %s", &lookup) != 0
        || prepare(db, "INSERT INTO audit_log (at, actor, member_no, action, detail, client_ip)"
                       " VALUES (CAST(%s AS BIGINT), 'staff:cicpa-admin', %s, %s, %s, '')", &audit) != 0) {
        return 1;
    }
    if (apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, update, 7, update_args) != 0) {
        return fail("statement failed", apr_dbd_error(db->driver, db->handle, 0));
    }
    if (nrows != 1) {
        const char *states = strcmp(c->from[0], c->from[1]) == 0
            ? c->from[0] : apr_pstrcat(db->pool, c->from[0], " or ", c->from[1], NULL);
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
        now, member_no, c->action, *c->reason ? apr_pstrcat(db->pool, serial, " ", c->reason, NULL) : serial,
    };
    if (run_prepared(db, audit, 4, audit_args) != 0) {
        return 1;
    }
    printf("certificate %s %s\n", serial, c->done);
    return 0;
}

static int cmd_revoke(admin_db *db, const char *cert, const char *reason)
{
    status_change c = { cert, "revoked", { "valid", "suspended" }, reason, "certificate_revoked", "revoked" };
    if (*reason == '\0') {
        return fail("revoke", "give the reason the verification page shows");
    }
    return db_in_transaction(db, change_status, &c);
}

static int cmd_suspend(admin_db *db, const char *cert)
{
    status_change c = { cert, "suspended", { "valid", "valid" }, "", "certificate_suspended", "suspended" };
    return db_in_transaction(db, change_status, &c);
}

static int cmd_reinstate(admin_db *db, const char *cert)
{
    status_change c = { cert, "valid", { "suspended", "suspended" }, "", "certificate_reinstated",
                        "reinstated (valid again)" };
    return db_in_transaction(db, change_status, &c);
}

/* --- members import and audit export --- */

#define MAX_IMPORT_FILE (64 * 1024 * 1024)
#define MAX_PHOTO_FILE (1024 * 1024)
#define MAX_MEMBER_NO 32
#define ADMIN_ACTOR "staff:cicpa-admin"

/* Runs a prepared statement that may change any number of rows. */
static int exec_prepared(admin_db *db, apr_dbd_prepared_t *stmt, int nargs, const char **args)
{
    int nrows = 0;
    if (apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, stmt, nargs, args) != 0) {
        return fail("statement failed", apr_dbd_error(db->driver, db->handle, 0));
    }
    return 0;
}

/* The rows of a query, each a const char ** of its columns; NULL on error. */
static apr_array_header_t *select_rows(admin_db *db, const char *sql, int nargs, const char **args)
{
    apr_dbd_prepared_t *stmt;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    if (prepare(db, sql, &stmt) != 0
        || apr_dbd_pselect(db->driver, db->pool, db->handle, &res, stmt, 0, nargs, args) != 0) {
        fail("query failed", apr_dbd_error(db->driver, db->handle, 0));
        return NULL;
    }
    apr_array_header_t *rows = apr_array_make(db->pool, 64, sizeof(const char **));
    while (apr_dbd_get_row(db->driver, db->pool, res, &row, -1) == 0) {
        int ncols = apr_dbd_num_cols(db->driver, res);
        const char **values = apr_pcalloc(db->pool, (ncols + 1) * sizeof(const char *));
        for (int c = 0; c < ncols; c++) {
            const char *v = apr_dbd_get_entry(db->driver, row, c);
            values[c] = v ? apr_pstrdup(db->pool, v) : NULL;
        }
        APR_ARRAY_PUSH(rows, const char **) = values;
    }
    return rows;
}

static const char *now_text(apr_pool_t *p)
{
    return apr_psprintf(p, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
}

/* A profile field of the catalogue, as the import checks it. */
typedef struct catalogue_field {
    const char *key, *kind, *options;
    int max_chars;
} catalogue_field;

/* A valid line of the file, normalised. */
typedef struct import_row {
    int line;
    const char *member_no, *user_type, *password_hash;
    const char **values;       /* per column ("" clears the field) */
    const char *photo_b64;     /* the member's photo from PHOTO_DIR, or NULL */
    const char *photo_sha256;
} import_row;

typedef struct import_job {
    const char *file;              /* named in every message */
    const char *photo_dir;         /* NULL: no photos */
    const char *today;             /* YYYY-MM-DD */
    apr_hash_t *catalogue;         /* field_key -> catalogue_field */
    apr_hash_t *institutes;        /* institute codes */
    apr_array_header_t *header;    /* const char *: the column keys */
    const catalogue_field **fields;/* per column, NULL for member_no, user_type, password_hash */
    int col_member_no, col_user_type, col_password;  /* -1: absent */
    apr_hash_t *seen;              /* member_no -> first line (repeats) */
    apr_array_header_t *rows;      /* import_row */
    int bad_lines;
} import_job;

static void report(import_job *job, int line, const char *what, const char *why)
{
    fprintf(stderr, "%s:%d: %s%s%s\n", job->file, line, what ? what : "", what ? ": " : "", why);
}

static int load_reference_data(admin_db *db, import_job *job)
{
    apr_array_header_t *fields = select_rows(db, "SELECT field_key, kind, options, max_chars FROM field_catalogue", 0, NULL);
    apr_array_header_t *codes = select_rows(db, "SELECT code FROM institutes", 0, NULL);
    if (fields == NULL || codes == NULL) {
        return 1;
    }
    job->catalogue = apr_hash_make(db->pool);
    job->institutes = apr_hash_make(db->pool);
    for (int i = 0; i < fields->nelts; i++) {
        const char **row = APR_ARRAY_IDX(fields, i, const char **);
        catalogue_field *f = apr_palloc(db->pool, sizeof(*f));
        f->key = row[0];
        f->kind = row[1];
        f->options = row[2] ? row[2] : "";
        f->max_chars = row[3] ? atoi(row[3]) : 0;
        apr_hash_set(job->catalogue, f->key, APR_HASH_KEY_STRING, f);
    }
    for (int i = 0; i < codes->nelts; i++) {
        const char *code = APR_ARRAY_IDX(codes, i, const char **)[0];
        apr_hash_set(job->institutes, code, APR_HASH_KEY_STRING, code);
    }
    return 0;
}

/* Maps the header row's keys to the catalogue; every problem is reported. */
static int read_header(import_job *job, const cc_csv_record *rec, apr_pool_t *p)
{
    int bad = 0;
    job->header = rec->fields;
    job->fields = apr_pcalloc(p, rec->fields->nelts * sizeof(*job->fields));
    job->col_member_no = job->col_user_type = job->col_password = -1;
    apr_hash_t *keys = apr_hash_make(p);
    for (int c = 0; c < rec->fields->nelts; c++) {
        const char *key = APR_ARRAY_IDX(rec->fields, c, const char *);
        if (apr_hash_get(keys, key, APR_HASH_KEY_STRING)) {
            report(job, rec->line, key, "column repeated");
            bad = 1;
        }
        apr_hash_set(keys, key, APR_HASH_KEY_STRING, key);
        if (strcmp(key, "member_no") == 0) {
            job->col_member_no = c;
        } else if (strcmp(key, "user_type") == 0) {
            job->col_user_type = c;
        } else if (strcmp(key, "password_hash") == 0) {
            job->col_password = c;
        } else if ((job->fields[c] = apr_hash_get(job->catalogue, key, APR_HASH_KEY_STRING)) == NULL) {
            report(job, rec->line, key, "no such field in field_catalogue");
            bad = 1;
        }
    }
    if (job->col_member_no < 0 || job->col_user_type < 0) {
        report(job, rec->line, NULL, "the header must name member_no and user_type");
        bad = 1;
    }
    return bad;
}

static int member_no_ok(const char *s)
{
    apr_size_t n = strlen(s);
    if (n == 0 || n > MAX_MEMBER_NO) {
        return 0;
    }
    for (; *s; s++) {
        if (!apr_isalnum(*s) && *s != '-') {
            return 0;
        }
    }
    return 1;
}

/* Empty (no password yet: 忘记密码 sets one) or a bcrypt hash. */
static int password_hash_ok(const char *s)
{
    return *s == '\0' || (strlen(s) == 60 && s[0] == '$' && s[1] == '2' && s[3] == '$');
}

/* Checks one value by its field's kind; *norm is what is stored. */
static const char *check_value(import_job *job, const catalogue_field *f, const char *raw,
                               apr_pool_t *p, const char **norm)
{
    int institute = strcmp(f->kind, "institute") == 0;
    const char *problem = cc_field_check(institute ? "text" : f->kind, raw, f->max_chars,
                                         f->options, job->today, p, norm);
    if (problem == NULL && institute && **norm && !apr_hash_get(job->institutes, *norm, APR_HASH_KEY_STRING)) {
        problem = "no institute with this code";
    }
    return problem;
}

static const char *value_of(const import_job *job, const import_row *row, const char *key)
{
    for (int c = 0; c < job->header->nelts; c++) {
        if (job->fields[c] && strcmp(job->fields[c]->key, key) == 0) {
            return row->values[c];
        }
    }
    return "";
}

/* The member's photo from PHOTO_DIR, checked by the photo rules; 0 when
 * absent or good. */
static int read_member_photo(import_job *job, import_row *row, apr_pool_t *p)
{
    char *jpeg;
    apr_size_t len;
    apr_finfo_t info;
    const char *path = apr_pstrcat(p, job->photo_dir, "/", row->member_no, ".jpg", NULL);
    if (apr_stat(&info, path, APR_FINFO_TYPE, p) != APR_SUCCESS) {
        return 0;
    }
    if (read_whole_file(path, MAX_PHOTO_FILE, p, &jpeg, &len) != 0) {
        report(job, row->line, "photo", apr_pstrcat(p, "cannot read ", path, NULL));
        return 1;
    }
    cc_photo_rules rules;
    cc_photo_rules_default(&rules);
    apr_array_header_t *problems = cc_photo_check(&rules, (const unsigned char *)jpeg, len, p);
    for (int i = 0; i < problems->nelts; i++) {
        report(job, row->line, "photo", APR_ARRAY_IDX(problems, i, cc_photo_problem).message);
    }
    row->photo_b64 = apr_palloc(p, apr_base64_encode_len((int)len));
    apr_base64_encode((char *)row->photo_b64, jpeg, (int)len);
    row->photo_sha256 = cc_sha256_hex(jpeg, len, p);
    return problems->nelts > 0;
}

/* Checks a line; every problem is reported. 0 when it is good. */
static int check_row(import_job *job, const cc_csv_record *rec, import_row *row, apr_pool_t *p)
{
    int bad = 0, n = job->header->nelts;
    if (rec->fields->nelts != n) {
        report(job, rec->line, NULL, apr_psprintf(p, "%d fields, the header has %d", rec->fields->nelts, n));
        return 1;
    }
    const char **cells = (const char **)rec->fields->elts;
    row->line = rec->line;
    row->member_no = cells[job->col_member_no];
    row->user_type = cells[job->col_user_type];
    row->password_hash = job->col_password >= 0 ? cells[job->col_password] : "";
    row->values = apr_pcalloc(p, n * sizeof(const char *));
    if (!member_no_ok(row->member_no)) {
        report(job, rec->line, "member_no", "1-32 letters, digits or '-'");
        bad = 1;
    } else if (apr_hash_get(job->seen, row->member_no, APR_HASH_KEY_STRING)) {
        report(job, rec->line, "member_no", apr_psprintf(p, "%s repeats line %d", row->member_no,
               *(int *)apr_hash_get(job->seen, row->member_no, APR_HASH_KEY_STRING)));
        bad = 1;
    } else {
        apr_hash_set(job->seen, row->member_no, APR_HASH_KEY_STRING, apr_pmemdup(p, &row->line, sizeof(int)));
    }
    if (strcmp(row->user_type, "non_practicing") != 0 && strcmp(row->user_type, "practicing") != 0) {
        report(job, rec->line, "user_type", "non_practicing or practicing");
        bad = 1;
    }
    if (!password_hash_ok(row->password_hash)) {
        report(job, rec->line, "password_hash", "empty or a bcrypt hash ($2y$…)");
        bad = 1;
    }
    for (int c = 0; c < n; c++) {
        const char *problem = job->fields[c] ? check_value(job, job->fields[c], cells[c], p, &row->values[c]) : NULL;
        if (problem != NULL) {
            report(job, rec->line, job->fields[c]->key, problem);
            bad = 1;
        }
    }
    const char *type = value_of(job, row, "id_type"), *number = value_of(job, row, "id_number");
    const char *id_problem = !bad && *type && *number
        ? cc_id_number_check(type, number, value_of(job, row, "birth_date"), p) : NULL;
    if (id_problem != NULL) {
        report(job, rec->line, "id_number", id_problem);
        bad = 1;
    }
    if (!bad && job->photo_dir != NULL) {
        bad = read_member_photo(job, row, p);
    }
    return bad;
}

/* The statements of one import, prepared once. */
typedef struct import_statements {
    apr_dbd_prepared_t *member, *field_delete, *field_insert, *photo_delete, *photo_insert,
        *photo_status, *audit;
} import_statements;

static int prepare_import(admin_db *db, import_statements *st)
{
    /* An existing member keeps their password when the file has none. */
    return prepare(db, "INSERT INTO members (member_no, user_type, password_hash, created_at, updated_at)"
                       " VALUES (%s, %s, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT))"
                       " ON CONFLICT (member_no) DO UPDATE SET user_type = excluded.user_type,"
                       " password_hash = CASE WHEN excluded.password_hash = '' THEN members.password_hash"
                       " ELSE excluded.password_hash END, updated_at = excluded.updated_at", &st->member)
        || prepare(db, "DELETE FROM member_fields WHERE member_no = %s AND field_key = %s", &st->field_delete)
        || prepare(db, "INSERT INTO member_fields (member_no, field_key, value) VALUES (%s, %s, %s)",
                   &st->field_insert)
        || prepare(db, "DELETE FROM member_photos WHERE member_no = %s", &st->photo_delete)
        || prepare(db, "INSERT INTO member_photos (member_no, jpeg_b64, sha256, updated_at)"
                       " VALUES (%s, %s, %s, CAST(%s AS BIGINT))", &st->photo_insert)
        || prepare(db, "UPDATE members SET photo_status = 'on_file' WHERE member_no = %s", &st->photo_status)
        || prepare(db, "INSERT INTO audit_log (at, actor, member_no, action, detail, client_ip)"
                       " VALUES (CAST(%s AS BIGINT), '" ADMIN_ACTOR "', %s, 'member_imported', %s, '')",
                   &st->audit);
}

static int store_row(admin_db *db, const import_job *job, const import_statements *st,
                     const import_row *row, const char *now)
{
    const char *member[] = { row->member_no, row->user_type, row->password_hash, now, now };
    const char *audit[] = { now, row->member_no,
                            apr_psprintf(db->pool, "{\"line\":%d,\"photo\":%s}", row->line,
                                         row->photo_b64 ? "true" : "false") };
    if (run_prepared(db, st->member, 5, member) != 0) {
        return 1;
    }
    for (int c = 0; c < job->header->nelts; c++) {
        const char *key[] = { row->member_no, job->fields[c] ? job->fields[c]->key : NULL, row->values[c] };
        if (job->fields[c] && (exec_prepared(db, st->field_delete, 2, key) != 0
                               || (*row->values[c] && run_prepared(db, st->field_insert, 3, key) != 0))) {
            return 1;
        }
    }
    if (row->photo_b64) {
        const char *photo[] = { row->member_no, row->photo_b64, row->photo_sha256, now };
        if (exec_prepared(db, st->photo_delete, 1, photo) != 0
            || run_prepared(db, st->photo_insert, 4, photo) != 0
            || run_prepared(db, st->photo_status, 1, photo) != 0) {
            return 1;
        }
    }
    return run_prepared(db, st->audit, 3, audit);
}

static int store_rows(admin_db *db, void *arg)
{
    const import_job *job = arg;
    import_statements st;
    const char *now = now_text(db->pool);
    if (prepare_import(db, &st) != 0) {
        return 1;
    }
    for (int i = 0; i < job->rows->nelts; i++) {
        const import_row *row = &APR_ARRAY_IDX(job->rows, i, import_row);
        if (store_row(db, job, &st, row, now) != 0) {
            return fail(job->file, apr_psprintf(db->pool, "line %d could not be stored", row->line));
        }
    }
    return 0;
}

/* import-members FILE.csv [PHOTO_DIR]: all or nothing; every bad line is
 * reported on stderr as FILE:LINE: field: problem. */
static int cmd_import_members(admin_db *db, const char *file, const char *photo_dir)
{
    char *text;
    apr_size_t len;
    apr_array_header_t *records;
    const char *err;
    import_job job = { file, photo_dir, cc_date_ymd(0, db->pool) };
    if (read_whole_file(file, MAX_IMPORT_FILE, db->pool, &text, &len) != 0) {
        return fail("cannot read", file);
    }
    if (cc_csv_parse(text, len, db->pool, &records, &err) != APR_SUCCESS) {
        return fail(file, err);
    }
    if (records->nelts == 0 || load_reference_data(db, &job) != 0) {
        return fail(file, records->nelts ? "cannot read the field catalogue" : "empty file");
    }
    job.seen = apr_hash_make(db->pool);
    job.rows = apr_array_make(db->pool, records->nelts, sizeof(import_row));
    if (read_header(&job, APR_ARRAY_IDX(records, 0, const cc_csv_record *), db->pool) != 0) {
        return fail(file, "bad header: nothing imported");
    }
    for (int i = 1; i < records->nelts; i++) {
        import_row *row = apr_array_push(job.rows);
        memset(row, 0, sizeof(*row));
        job.bad_lines += check_row(&job, APR_ARRAY_IDX(records, i, const cc_csv_record *), row, db->pool);
    }
    if (job.bad_lines > 0) {
        fprintf(stderr, "%s: %d bad line(s): nothing imported\n", file, job.bad_lines);
        return 1;
    }
    if (db_in_transaction(db, store_rows, &job) != 0) {
        return fail(file, "nothing imported");
    }
    printf("%d member(s) imported from %s\n", job.rows->nelts, file);
    return 0;
}

/* Unix seconds (as text) as "YYYY-MM-DD HH:MM:SS" UTC. */
static const char *utc_text(const char *seconds, apr_pool_t *p)
{
    char when[32];
    apr_size_t n;
    apr_time_exp_t e;
    apr_time_exp_gmt(&e, apr_time_from_sec(apr_atoi64(seconds)));
    apr_strftime(when, &n, sizeof when, "%Y-%m-%d %H:%M:%S", &e);
    return apr_pstrdup(p, when);
}

/* export-audit [--since YYYY-MM-DD]: the audit trail as CSV (UTC times).
 * Details are written with ID numbers masked (cc_audit's rule). */
static int cmd_export_audit(admin_db *db, const char *since)
{
    apr_time_exp_t t = { 0 };
    apr_time_t at = 0;
    if (since != NULL && (strlen(since) != 10
            || sscanf(since, "%4d-%2d-%2d", &t.tm_year, &t.tm_mon, &t.tm_mday) != 3
            || t.tm_mon < 1 || t.tm_mon > 12 || t.tm_mday < 1 || t.tm_mday > 31)) {
        return fail("export-audit", "--since takes a date YYYY-MM-DD");
    }
    if (since != NULL) {
        t.tm_year -= 1900;
        t.tm_mon -= 1;
        apr_time_exp_gmt_get(&at, &t);
    }
    const char *args[] = { apr_psprintf(db->pool, "%" APR_INT64_T_FMT, (apr_int64_t)apr_time_sec(at)) };
    apr_array_header_t *rows = select_rows(db, "SELECT id, at, actor, member_no, action, detail, client_ip"
                                               " FROM audit_log WHERE at >= CAST(%s AS BIGINT) ORDER BY id",
                                           1, args);
    if (rows == NULL) {
        return 1;
    }
    printf("id,time_utc,actor,member_no,action,detail,client_ip\r\n");
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        printf("%s,%s,%s,%s,%s,%s,%s\r\n", row[0], utc_text(row[1], db->pool), cc_csv_field(row[2], db->pool),
               cc_csv_field(row[3] ? row[3] : "", db->pool), cc_csv_field(row[4], db->pool),
               cc_csv_field(row[5], db->pool), cc_csv_field(row[6], db->pool));
    }
    return 0;
}

/* --- staff accounts --- */

#define BCRYPT_COST 10
#define MAX_LOGIN_CHARS 32
#define NATIONAL_INSTITUTE "00"  /* its staff see every member */

/* Staff logins: letters, digits, '.', '_' and '-'. */
static int login_ok(const char *login)
{
    apr_size_t n = strlen(login);
    if (n == 0 || n > MAX_LOGIN_CHARS) {
        return 0;
    }
    for (const char *c = login; *c; c++) {
        if (!apr_isalnum(*c) && *c != '.' && *c != '_' && *c != '-') {
            return 0;
        }
    }
    return 1;
}

/* The new password: asked twice on a terminal, else the first line of stdin. */
static const char *read_new_password(const char *cmd, apr_pool_t *p)
{
    char first[CC_PASSWORD_MAX_CHARS + 2], second[CC_PASSWORD_MAX_CHARS + 2];
    apr_size_t n1 = sizeof first, n2 = sizeof second;
    if (isatty(0)) {
        if (apr_password_get("新密码: ", first, &n1) != APR_SUCCESS
            || apr_password_get("再次输入新密码: ", second, &n2) != APR_SUCCESS) {
            return NULL;
        }
        if (strcmp(first, second) != 0) {
            fail(cmd, "the two passwords differ");
            return NULL;
        }
        return apr_pstrdup(p, first);
    }
    if (fgets(first, sizeof first, stdin) == NULL) {
        return NULL;
    }
    first[strcspn(first, "\r\n")] = '\0';
    return apr_pstrdup(p, first);
}

static const char *bcrypt_hash(const char *password, apr_pool_t *p)
{
    unsigned char salt[16];
    char hash[64];
    if (apr_generate_random_bytes(salt, sizeof salt) != APR_SUCCESS
        || apr_bcrypt_encode(password, BCRYPT_COST, salt, sizeof salt, hash, sizeof hash) != APR_SUCCESS) {
        return NULL;
    }
    return apr_pstrdup(p, hash);
}

/* The bcrypt hash of LOGIN's new password, read and held to the members'
 * policy; NULL, once cmd has said why, when there is none. */
static const char *new_password_hash(const char *cmd, const char *login, apr_pool_t *p)
{
    const char *password = read_new_password(cmd, p);
    if (password == NULL) {
        fail(cmd, "no password given");
        return NULL;
    }
    const char *problem = cc_password_problem(password, login, NULL);
    if (problem != NULL) {
        fail(apr_pstrcat(p, cmd, ": weak password", NULL), problem);
        return NULL;
    }
    const char *hash = bcrypt_hash(password, p);
    if (hash == NULL) {
        fail(cmd, "bcrypt hashing failed");
    }
    return hash;
}

typedef struct staff_account {
    const char *login;      /* account name */
    const char *institute;  /* institute code */
    const char *hash;       /* bcrypt of the password */
} staff_account;

static int insert_staff(admin_db *db, void *arg)
{
    const staff_account *a = arg;
    apr_dbd_prepared_t *ins, *audit;
    const char *now = apr_psprintf(db->pool, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
    const char *args[] = { a->login, a->hash, now, now, a->institute };
    const char *audit_args[] = { now, cc_json_text(json_pack("{s:s, s:s}", "login", a->login,
                                                             "institute", a->institute), db->pool) };
    if (prepare(db, "INSERT INTO staff (login, institute, password_hash, created_at, updated_at)"
                    " SELECT %s, code, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT)"
                    " FROM institutes WHERE code = %s", &ins) != 0
        || prepare(db, "INSERT INTO audit_log (at, actor, member_no, action, detail, client_ip)"
                       " VALUES (CAST(%s AS BIGINT), 'staff:cicpa-admin', NULL, 'staff_created', %s, '')",
                   &audit) != 0) {
        return 1;
    }
    if (run_prepared(db, ins, 5, args) != 0) {
        return fail("no institute with code", a->institute);
    }
    return run_prepared(db, audit, 2, audit_args);
}

/* create-staff LOGIN INSTITUTE_CODE: a staff account of that institute
 * ('00': national, sees every member); the password comes from stdin. */
static int cmd_create_staff(admin_db *db, const char *login, const char *institute)
{
    if (!login_ok(login)) {
        return fail("create-staff", "LOGIN is 1-32 letters, digits, '.', '_' or '-'");
    }
    staff_account a = { login, institute, new_password_hash("create-staff", login, db->pool) };
    if (a.hash == NULL || db_in_transaction(db, insert_staff, &a) != 0) {
        return 1;
    }
    printf("staff account %s of institute %s created\n", login, institute);
    return 0;
}

/* list-staff: every account, tab-separated under a header line. */
static int cmd_list_staff(admin_db *db)
{
    apr_array_header_t *rows = select_rows(db, "SELECT login, institute, disabled, created_at"
                                               " FROM staff ORDER BY institute, login", 0, NULL);
    if (rows == NULL) {
        return 1;
    }
    printf("login\tinstitute\trole\tdisabled\tcreated_utc\n");
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        printf("%s\t%s\t%s\t%s\t%s\n", row[0], row[1],
               strcmp(row[1], NATIONAL_INSTITUTE) == 0 ? "national" : "provincial",
               strcmp(row[2], "0") == 0 ? "no" : "yes", utc_text(row[3], db->pool));
    }
    return 0;
}

/* A change to an existing account: one column, perhaps the end of its
 * sessions (so the change holds at once), and its audit entry. */
typedef struct staff_change {
    const char *login;         /* the account */
    const char *set;           /* "column = <expression of one %s>" */
    const char *value;         /* for that %s */
    int end_sessions;          /* 1: every session of the account ends */
    const char *action;        /* audit_log action */
    const char *done;          /* what to print */
} staff_change;

static int change_staff(admin_db *db, void *arg)
{
    const staff_change *c = arg;
    apr_dbd_prepared_t *update, *end, *audit;
    const char *now = now_text(db->pool);
    const char *update_args[] = { c->value, now, c->login }, *end_args[] = { c->login };
    const char *audit_args[] = { now, c->action, cc_json_text(json_pack("{s:s}", "login", c->login), db->pool) };
    if (prepare(db, apr_pstrcat(db->pool, "UPDATE staff SET ", c->set, ", updated_at = CAST(%s AS BIGINT)"
                                          " WHERE login = %s", NULL), &update) != 0
        || prepare(db, "DELETE FROM staff_sessions WHERE login = %s", &end) != 0
        || prepare(db, "INSERT INTO audit_log (at, actor, member_no, action, detail, client_ip)"
                       " VALUES (CAST(%s AS BIGINT), '" ADMIN_ACTOR "', NULL, %s, %s, '')", &audit) != 0) {
        return 1;
    }
    if (run_prepared(db, update, 3, update_args) != 0) {
        return fail("no staff account", c->login);
    }
    if (c->end_sessions && exec_prepared(db, end, 1, end_args) != 0) {
        return 1;
    }
    return run_prepared(db, audit, 3, audit_args);
}

static int cmd_change_staff(admin_db *db, const staff_change *c)
{
    if (db_in_transaction(db, change_staff, (void *)c) != 0) {
        return 1;
    }
    printf("staff account %s %s\n", c->login, c->done);
    return 0;
}

static int cmd_disable_staff(admin_db *db, const char *login)
{
    staff_change c = { login, "disabled = CAST(%s AS INTEGER)", "1", 1, "staff_disabled",
                       "disabled (its sessions ended)" };
    return cmd_change_staff(db, &c);
}

static int cmd_enable_staff(admin_db *db, const char *login)
{
    staff_change c = { login, "disabled = CAST(%s AS INTEGER)", "0", 0, "staff_enabled", "enabled" };
    return cmd_change_staff(db, &c);
}

static int staff_exists(admin_db *db, const char *login)
{
    apr_array_header_t *rows = select_rows(db, "SELECT login FROM staff WHERE login = %s", 1, &login);
    return rows != NULL && rows->nelts > 0;
}

/* staff-password LOGIN: the account is checked first, so nobody types a
 * password for a login that does not exist. */
static int cmd_staff_password(admin_db *db, const char *login)
{
    if (!staff_exists(db, login)) {
        return fail("no staff account", login);
    }
    staff_change c = { login, "password_hash = %s", new_password_hash("staff-password", login, db->pool), 1,
                       "staff_password_set", "has a new password (its sessions ended)" };
    return c.value == NULL ? 1 : cmd_change_staff(db, &c);
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
    const char *member_no;  /* whose */
    apr_int64_t until;      /* last second of the registration; 0: none on file */
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
    if (prepare(db, "UPDATE members SET registration_valid_until = CAST(%s AS BIGINT)"
                    " WHERE member_no = %s", &member) != 0
        || run_prepared(db, member, 2, member_args) != 0) {
        return 1;
    }
    if (reg->until == 0) {
        return 0;
    }
    return prepare(db, "UPDATE certificates SET valid_until = CAST(%s AS BIGINT)"
                       " WHERE member_no = %s AND status = 'valid'"
                       " AND (valid_until = 0 OR valid_until > CAST(%s AS BIGINT))", &certs) != 0
           || exec_prepared(db, certs, 3, cert_args) != 0;
}

static int cmd_set_registration(admin_db *db, const char *member_no, const char *date)
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

static int usage(void)
{
    fputs("usage: cicpa-admin -d DRIVER -p PARAMS COMMAND [ARGS]\n"
          "  DRIVER  sqlite3 or pgsql (as in mod_dbd's DBDriver)\n"
          "  PARAMS  as in mod_dbd's DBDParams\n"
          "commands:\n"
          "  migrate DIR               apply DIR/NNN_*.sql newer than the schema version\n"
          "  load-demo DIR             run DIR/*.sql, then store DIR/photos/<member_no>.jpg\n"
          "  set-photo MEMBER FILE     store FILE as MEMBER's photo\n"
          "  set-reference-photo MEMBER FILE\n"
          "                            store FILE as the reference provider's photo of MEMBER's ID number\n"
          "  set-registration MEMBER YYYY-MM-DD|none\n"
          "                            the last day of MEMBER's annual registration: certificates end\n"
          "                            then at the latest, and none is issued after it\n"
          "  revoke CERT REASON        revoke a certificate (CERT: its id or serial) for good; the\n"
          "                            verification page shows REASON, and the member gets no new one\n"
          "  suspend CERT              suspend a valid certificate (downloads stop until reinstated)\n"
          "  reinstate CERT            make a suspended certificate valid again\n"
          "  create-staff LOGIN CODE   a staff account of institute CODE ('00': national, sees\n"
          "                            every member); the password from stdin (asked twice on a tty)\n"
          "  list-staff                every staff account, tab-separated: login, institute, role,\n"
          "                            disabled, created (UTC)\n"
          "  disable-staff LOGIN       LOGIN can no longer log in; its sessions end\n"
          "  enable-staff LOGIN        LOGIN can log in again\n"
          "  staff-password LOGIN      a new password for LOGIN, as for create-staff; its sessions end\n"
          "  import-members FILE.csv [PHOTO_DIR]\n"
          "                            add or update members from UTF-8 CSV (header: field keys with\n"
          "                            member_no and user_type, optional password_hash), photos from\n"
          "                            PHOTO_DIR/<member_no>.jpg; all or nothing, bad lines on stderr\n"
          "  export-audit [--since YYYY-MM-DD]\n"
          "                            the audit trail as CSV on stdout (UTC times)\n", stderr);
    return 2;
}

static int dispatch(admin_db *db, int argc, const char *const *argv)
{
    if (argc == 2 && strcmp(argv[0], "migrate") == 0) {
        return cmd_migrate(db, argv[1]);
    }
    if (argc == 2 && strcmp(argv[0], "load-demo") == 0) {
        return cmd_load_demo(db, argv[1]);
    }
    if (argc == 3 && strcmp(argv[0], "set-photo") == 0) {
        return cmd_set_photo(db, argv[1], argv[2]);
    }
    if (argc == 3 && strcmp(argv[0], "set-reference-photo") == 0) {
        return cmd_set_reference_photo(db, argv[1], argv[2]);
    }
    if (argc == 3 && strcmp(argv[0], "set-registration") == 0) {
        return cmd_set_registration(db, argv[1], argv[2]);
    }
    if (argc == 3 && strcmp(argv[0], "revoke") == 0) {
        return cmd_revoke(db, argv[1], argv[2]);
    }
    if (argc == 2 && strcmp(argv[0], "suspend") == 0) {
        return cmd_suspend(db, argv[1]);
    }
    if (argc == 2 && strcmp(argv[0], "reinstate") == 0) {
        return cmd_reinstate(db, argv[1]);
    }
    if (argc == 3 && strcmp(argv[0], "create-staff") == 0) {
        return cmd_create_staff(db, argv[1], argv[2]);
    }
    if (argc == 1 && strcmp(argv[0], "list-staff") == 0) {
        return cmd_list_staff(db);
    }
    if (argc == 2 && strcmp(argv[0], "disable-staff") == 0) {
        return cmd_disable_staff(db, argv[1]);
    }
    if (argc == 2 && strcmp(argv[0], "enable-staff") == 0) {
        return cmd_enable_staff(db, argv[1]);
    }
    if (argc == 2 && strcmp(argv[0], "staff-password") == 0) {
        return cmd_staff_password(db, argv[1]);
    }
    if ((argc == 2 || argc == 3) && strcmp(argv[0], "import-members") == 0) {
        return cmd_import_members(db, argv[1], argc == 3 ? argv[2] : NULL);
    }
    if (argc == 1 && strcmp(argv[0], "export-audit") == 0) {
        return cmd_export_audit(db, NULL);
    }
    if (argc == 3 && strcmp(argv[0], "export-audit") == 0 && strcmp(argv[1], "--since") == 0) {
        return cmd_export_audit(db, argv[2]);
    }
    return usage();
}

int main(int argc, const char *const *argv)
{
    admin_db db = { 0 };
    if (argc < 6 || strcmp(argv[1], "-d") != 0 || strcmp(argv[3], "-p") != 0) {
        return usage();
    }
    apr_app_initialize(&argc, &argv, NULL);
    atexit(apr_terminate);
    apr_pool_create(&db.pool, NULL);
    apr_dbd_init(db.pool);
    if (db_open(&db, argv[2], argv[4]) != 0) {
        return 1;
    }
    int rc = dispatch(&db, argc - 5, argv + 5);
    apr_dbd_close(db.driver, db.handle);
    return rc;
}
