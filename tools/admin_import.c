/* import-members FILE.csv [PHOTO_DIR]: members from UTF-8 CSV, checked
 * with the profile's validators and the photo rules, all or nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_base64.h>
#include <apr_file_info.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "admin_commands.h"
#include "admin_db.h"
#include "cc_audit_sql.h"
#include "cc_crypto.h"
#include "cc_csv.h"
#include "cc_fields.h"
#include "cc_file.h"
#include "cc_photo_rules.h"
#include "cc_photo_sql.h"
#include "cc_profile_sql.h"
#include "cc_text.h"

#define MAX_IMPORT_FILE (64 * 1024 * 1024)
#define MAX_MEMBER_NO 32

/* A profile field of the catalogue, as the import checks it. */
typedef struct catalogue_field {
    const char *key, *kind, *options;
    int max_chars;
} catalogue_field;

/* A valid line of the file, normalised. */
typedef struct import_row {
    int line;
    const char *member_no, *user_type, *password_hash;
    const char **values;   /* per column ("" clears the field) */
    const char *photo_b64; /* the member's photo from PHOTO_DIR, or NULL */
    const char *photo_sha256;
} import_row;

typedef struct import_job {
    const char *file;               /* named in every message */
    const char *photo_dir;          /* NULL: no photos */
    const char *today;              /* YYYY-MM-DD */
    apr_hash_t *catalogue;          /* field_key -> catalogue_field */
    apr_hash_t *institutes;         /* institute codes */
    apr_array_header_t *header;     /* const char *: the column keys */
    const catalogue_field **fields; /* per column, NULL for member_no, user_type, password_hash */
    int col_member_no, col_user_type, col_password; /* -1: absent */
    apr_hash_t *seen;                               /* member_no -> first line (repeats) */
    apr_array_header_t *rows;                       /* import_row */
    int bad_lines;
} import_job;

static void report(import_job *job, int line, const char *what, const char *why)
{
    fprintf(stderr, "%s:%d: %s%s%s\n", job->file, line, what ? what : "", what ? ": " : "", why);
}

static int load_reference_data(admin_db *db, import_job *job)
{
    apr_array_header_t *fields =
        select_rows(db, "SELECT field_key, kind, options, max_chars FROM field_catalogue", 0, NULL);
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
static const char *check_value(import_job *job, const catalogue_field *f, const char *raw, apr_pool_t *p,
                               const char **norm)
{
    int institute = strcmp(f->kind, "institute") == 0;
    const char *problem =
        cc_field_check(institute ? "text" : f->kind, raw, f->max_chars, f->options, job->today, p, norm);
    if (problem == NULL && institute && **norm
        && !apr_hash_get(job->institutes, *norm, APR_HASH_KEY_STRING)) {
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
    apr_size_t len;
    apr_finfo_t info;
    const char *err;
    const char *path = apr_pstrcat(p, job->photo_dir, "/", row->member_no, ".jpg", NULL);
    if (apr_stat(&info, path, APR_FINFO_TYPE, p) != APR_SUCCESS) {
        return 0;
    }
    const char *jpeg = (const char *)cc_file_read(path, MAX_PHOTO_FILE, p, &len, &err);
    if (jpeg == NULL) {
        report(job, row->line, "photo", apr_pstrcat(p, "cannot read ", err, NULL));
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
        report(job, rec->line, "member_no",
               apr_psprintf(p, "%s repeats line %d", row->member_no,
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
        const char *problem =
            job->fields[c] ? check_value(job, job->fields[c], cells[c], p, &row->values[c]) : NULL;
        if (problem != NULL) {
            report(job, rec->line, job->fields[c]->key, problem);
            bad = 1;
        }
    }
    const char *type = value_of(job, row, "id_type"), *number = value_of(job, row, "id_number");
    const char *id_problem = !bad && *type && *number
                                 ? cc_id_number_check(type, number, value_of(job, row, "birth_date"), p)
                                 : NULL;
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
    apr_dbd_prepared_t *member, *field_delete, *field_insert, *photo_delete, *photo_insert, *photo_status,
        *audit;
} import_statements;

static int prepare_import(admin_db *db, import_statements *st)
{
    /* An existing member keeps their password when the file has none. */
    return prepare(db,
                   "INSERT INTO members (member_no, user_type, password_hash, created_at, updated_at)"
                   " VALUES (%s, %s, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT))"
                   " ON CONFLICT (member_no) DO UPDATE SET user_type = excluded.user_type,"
                   " password_hash = CASE WHEN excluded.password_hash = '' THEN members.password_hash"
                   " ELSE excluded.password_hash END, updated_at = excluded.updated_at",
                   &st->member)
           || prepare_statement(db, cc_profile_statements, "cc_profile_field_delete", &st->field_delete)
           || prepare_statement(db, cc_profile_statements, "cc_profile_field_insert", &st->field_insert)
           || prepare_statement(db, cc_photo_statements, "cc_member_photo_delete", &st->photo_delete)
           || prepare_statement(db, cc_photo_statements, "cc_member_photo_insert", &st->photo_insert)
           || prepare(db, "UPDATE members SET photo_status = 'on_file' WHERE member_no = %s",
                      &st->photo_status)
           || prepare_statement(db, cc_audit_statements, "cc_audit_insert", &st->audit);
}

static int store_row(admin_db *db, const import_job *job, const import_statements *st, const import_row *row,
                     const char *now)
{
    const char *member[] = { row->member_no, row->user_type, row->password_hash, now, now };
    const char *audit[] = { now,
                            ADMIN_ACTOR,
                            row->member_no,
                            "member_imported",
                            apr_psprintf(db->pool, "{\"line\":%d,\"photo\":%s}", row->line,
                                         row->photo_b64 ? "true" : "false"),
                            "" };
    if (run_prepared(db, st->member, 5, member) != 0) {
        return 1;
    }
    for (int c = 0; c < job->header->nelts; c++) {
        const char *key[] = { row->member_no, job->fields[c] ? job->fields[c]->key : NULL, row->values[c] };
        if (job->fields[c]
            && (exec_prepared(db, st->field_delete, 2, key) != 0
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
    return run_prepared(db, st->audit, 6, audit);
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
int cmd_import_members(admin_db *db, const char *file, const char *photo_dir)
{
    apr_size_t len;
    apr_array_header_t *records;
    const char *err;
    import_job job = { file, photo_dir, cc_date_ymd(0, db->pool) };
    const char *text = (const char *)cc_file_read(file, MAX_IMPORT_FILE, db->pool, &len, &err);
    if (text == NULL) {
        return fail("cannot read", err);
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
