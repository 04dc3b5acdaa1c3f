/* make-members N PHOTO [--institute CODE]: synthetic members for benchmarks,
 * each able to download at once: a valid GB 11643 ID number, PHOTO on file,
 * every required field filled, password Demo@2026 (as the demo members). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_base64.h>
#include <apr_strings.h>

#include "admin_commands.h"
#include "admin_db.h"
#include "cc_crypto.h"
#include "cc_file.h"
#include "cc_photo_sql.h"
#include "cc_profile_sql.h"

/* bcrypt of Demo@2026, the demo members' password (sql/demo/02_members.sql). */
#define DEMO_PASSWORD_HASH "$2y$10$4BCzqqs.PSDr/PRQ8Mb4/uRe8QMdOwD6xoeO9AJ7uFxwxABNyaBnq"

typedef struct make_job {
    long count;
    const char *institute; /* GB/T 2260 province code */
    const char *photo_b64, *photo_sha256;
    long first; /* the first sequence number free under the prefix */
    apr_dbd_prepared_t *member, *field, *photo;
} make_job;

/* The 18-character ID number of a person born on birth (YYYYMMDD) in
 * province code, with sequence seq (0-999, odd for men): GB 11643's ISO
 * 7064 MOD 11-2 check character last. */
static const char *id_number(const char *code, const char *birth, int seq, apr_pool_t *p)
{
    static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    char *id = apr_psprintf(p, "%.2s0101%.8s%03d?", code, birth, seq);
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        sum += (id[i] - '0') * weights[i];
    }
    id[17] = "10X98765432"[sum % 11];
    return id;
}

/* Birth date of the i-th member: 500 members a day from 1970-01-01. */
static const char *birth_of(long i, apr_pool_t *p)
{
    apr_time_exp_t t;
    apr_time_exp_gmt(&t, apr_time_from_sec((apr_time_t)(i / 500) * 86400));
    return apr_psprintf(p, "%04d%02d%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday);
}

static const char *name_of(long i, apr_pool_t *p)
{
    static const char *const family[] = { "张", "王", "李", "赵", "刘", "陈", "杨", "黄" };
    static const char *const given[] = { "明", "远", "晓", "雯", "建", "国",
                                         "华", "伟", "芳", "丽", "强", "军" };
    return apr_pstrcat(p, family[i % 8], given[(i / 8) % 12], given[(i / 96) % 12], NULL);
}

static int insert_field(admin_db *db, make_job *job, const char *member_no, const char *key,
                        const char *value)
{
    const char *args[] = { member_no, key, value };
    return run_prepared(db, job->field, 3, args);
}

static int make_one(admin_db *db, make_job *job, long i, const char *now, apr_pool_t *p)
{
    long seq = job->first + i;
    const char *no = apr_psprintf(p, "%.2s8%09ld", job->institute, seq);
    const char *birth = birth_of(seq, p);
    int sex = (int)(seq % 2);
    const char *member[] = { no, DEMO_PASSWORD_HASH, now, now };
    const char *photo[] = { no, job->photo_b64, job->photo_sha256, now };
    const char *fields[][2] = {
        { "name", name_of(seq, p) },
        { "sex", sex ? "男" : "女" },
        { "ethnicity", "汉族" },
        { "birth_date", apr_psprintf(p, "%.4s-%.2s-%.2s", birth, birth + 4, birth + 6) },
        { "id_type", "居民身份证" },
        { "id_number", id_number(job->institute, birth, (int)((seq % 500) * 2 + sex), p) },
        { "education", "大学本科" },
        { "work_unit", "示例会计师事务所" },
        { "mobile", apr_psprintf(p, "139%08ld", seq % 100000000) },
        { "email", apr_psprintf(p, "member%s@example.com", no) },
        { "institute", job->institute },
        { "admission_date", "2015-06-30" },
        { "category", "非执业会员" },
        { "cert_no", apr_psprintf(p, "%.2s9%09ld", job->institute, seq) },
    };
    if (run_prepared(db, job->member, 4, member) != 0 || run_prepared(db, job->photo, 4, photo) != 0) {
        return 1;
    }
    for (apr_size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
        if (insert_field(db, job, no, fields[f][0], fields[f][1]) != 0) {
            return 1;
        }
    }
    return 0;
}

static int make_all(admin_db *db, void *arg)
{
    make_job *job = arg;
    const char *prefix = apr_pstrcat(db->pool, job->institute, "8%", NULL);
    apr_array_header_t *rows =
        select_rows(db, "SELECT COUNT(*) FROM members WHERE member_no LIKE %s", 1, &prefix);
    if (rows == NULL
        || prepare(db,
                   "INSERT INTO members (member_no, user_type, password_hash, photo_status,"
                   " compare_attempts_used, created_at, updated_at)"
                   " VALUES (%s, 'non_practicing', %s, 'on_file', 0, CAST(%s AS BIGINT), CAST(%s AS BIGINT))",
                   &job->member)
               != 0
        || prepare_statement(db, cc_profile_statements, "cc_profile_field_insert", &job->field) != 0
        || prepare_statement(db, cc_photo_statements, "cc_member_photo_insert", &job->photo) != 0) {
        return 1;
    }
    job->first = atol(APR_ARRAY_IDX(rows, 0, const char **)[0]) + 1;
    const char *now = now_text(db->pool);
    apr_pool_t *p;
    apr_pool_create(&p, db->pool);
    for (long i = 0; i < job->count; i++) {
        if (make_one(db, job, i, now, p) != 0) {
            return 1;
        }
        apr_pool_clear(p);
    }
    return 0;
}

int cmd_make_members(admin_db *db, const char *count, const char *photo_path, const char *institute)
{
    make_job job = { 0 };
    char *end;
    apr_size_t len;
    const char *err;
    job.count = strtol(count, &end, 10);
    job.institute = institute ? institute : "11";
    if (*end || job.count < 1 || job.count > 9999999) {
        return fail("make-members: N must be 1 to 9999999, not", count);
    }
    if (strlen(job.institute) != 2 || strspn(job.institute, "0123456789") != 2) {
        return fail("make-members: CODE must be a two-digit institute code, not", job.institute);
    }
    const char *jpeg = (const char *)cc_file_read(photo_path, MAX_PHOTO_FILE, db->pool, &len, &err);
    if (jpeg == NULL) {
        return fail("cannot read photo", err);
    }
    char *b64 = apr_palloc(db->pool, apr_base64_encode_len((int)len));
    apr_base64_encode(b64, jpeg, (int)len);
    job.photo_b64 = b64;
    job.photo_sha256 = cc_sha256_hex(jpeg, len, db->pool);
    if (db_in_transaction(db, make_all, &job) != 0) {
        return 1;
    }
    printf("%ld members made (%.2s8%09ld to %.2s8%09ld), password Demo@2026\n", job.count, job.institute,
           job.first, job.institute, job.first + job.count - 1);
    return 0;
}
