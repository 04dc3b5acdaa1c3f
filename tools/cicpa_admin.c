/* cicpa-admin: database administration for mod_cicpa_cert through apr-util
 * DBD, so the same commands work on SQLite and PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_base64.h>
#include <apr_dbd.h>
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "cc_crypto.h"
#include "cc_sql.h"

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
        if (m.version == 0 || m.version <= have) {
            continue;
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
          "  revoke CERT REASON        revoke a certificate (CERT: its id or serial) for good; the\n"
          "                            verification page shows REASON, and the member gets no new one\n"
          "  suspend CERT              suspend a valid certificate (downloads stop until reinstated)\n"
          "  reinstate CERT            make a suspended certificate valid again\n", stderr);
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
    if (argc == 3 && strcmp(argv[0], "revoke") == 0) {
        return cmd_revoke(db, argv[1], argv[2]);
    }
    if (argc == 2 && strcmp(argv[0], "suspend") == 0) {
        return cmd_suspend(db, argv[1]);
    }
    if (argc == 2 && strcmp(argv[0], "reinstate") == 0) {
        return cmd_reinstate(db, argv[1]);
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
