/* load-demo, set-photo and set-reference-photo: the demo data and photos. */
#include <stdio.h>
#include <string.h>
#include <apr_base64.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "admin_commands.h"
#include "admin_db.h"
#include "cc_photo_sql.h"
#include "cc_crypto.h"
#include "cc_file.h"

typedef struct photo_job {
    const char *member_no; /* whose photo */
    const char *path;      /* the JPEG file */
} photo_job;

/* Stores a member's photo (base64 of the JPEG) and marks it on file. */
static int store_photo(admin_db *db, void *arg)
{
    const photo_job *job = arg;
    apr_size_t len;
    const char *err;
    apr_dbd_prepared_t *del, *ins, *status;
    const char *jpeg = (const char *)cc_file_read(job->path, MAX_PHOTO_FILE, db->pool, &len, &err);
    if (jpeg == NULL) {
        return fail("cannot read photo", err);
    }
    char *b64 = apr_palloc(db->pool, apr_base64_encode_len((int)len));
    apr_base64_encode(b64, jpeg, (int)len);
    const char *now = now_text(db->pool);
    const char *ins_args[] = { job->member_no, b64, cc_sha256_hex(jpeg, len, db->pool), now };
    const char *status_args[] = { now, job->member_no };
    int nrows = 0;
    if (prepare_statement(db, cc_photo_statements, "cc_member_photo_delete", &del) != 0
        || prepare_statement(db, cc_photo_statements, "cc_member_photo_insert", &ins) != 0
        || prepare(db,
                   "UPDATE members SET photo_status = 'on_file', updated_at = CAST(%s AS BIGINT)"
                   " WHERE member_no = %s",
                   &status)
               != 0) {
        return 1;
    }
    if (apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, del, 1, (const char **)&job->member_no)
        != 0) {
        return fail("cannot replace photo", apr_dbd_error(db->driver, db->handle, 0));
    }
    return run_prepared(db, status, 2, status_args) || run_prepared(db, ins, 4, ins_args);
}

int cmd_set_photo(admin_db *db, const char *member_no, const char *path)
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
    apr_size_t len;
    const char *err;
    const char *jpeg = (const char *)cc_file_read(job->path, MAX_PHOTO_FILE, db->pool, &len, &err);
    if (jpeg == NULL) {
        return fail("cannot read photo", err);
    }
    if (prepare(db, "SELECT value FROM member_fields WHERE member_no = %s AND field_key = 'id_number'",
                &lookup)
            != 0
        || prepare(db, "DELETE FROM reference_photos WHERE id_number_sha256 = %s", &del) != 0
        || prepare(db, "INSERT INTO reference_photos (id_number_sha256, jpeg_b64) VALUES (%s, %s)", &ins) != 0
        || apr_dbd_pselect(db->driver, db->pool, db->handle, &res, lookup, 0, 1,
                           (const char **)&job->member_no)
               != 0) {
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

int cmd_set_reference_photo(admin_db *db, const char *member_no, const char *path)
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
int cmd_load_demo(admin_db *db, const char *dir)
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
