#include <string.h>

#include "cc_captcha_store.h"
#include "cc_crypto.h"

const cc_statement cc_captcha_statements[] = {
    { "cc_captcha_insert", "INSERT INTO captchas (captcha_id, answer_hash, expires_at)"
                           " VALUES (%s, %s, CAST(%s AS BIGINT))" },
    { "cc_captcha_find", "SELECT answer_hash, expires_at FROM captchas WHERE captcha_id = %s" },
    { "cc_captcha_delete", "DELETE FROM captchas WHERE captcha_id = %s" },
    { "cc_captcha_purge", "DELETE FROM captchas WHERE expires_at <= CAST(%s AS BIGINT)" },
    { NULL, NULL }
};

#define ID_BYTES 18 /* 144 random bits: an id cannot be guessed */
#define MAX_ID 64   /* longer ids are not ours */

/* Salted with the id: the same answer of two captchas hashes apart. */
static const char *answer_hash(request_rec *r, const char *id, const char *answer)
{
    const char *text = apr_pstrcat(r->pool, "captcha:", id, ":", answer, NULL);
    return cc_sha256_hex(text, strlen(text), r->pool);
}

cc_result cc_captcha_store_new(request_rec *r, ap_dbd_t *dbd, int lifetime, cc_captcha *captcha,
                               const char **id)
{
    *id = cc_random_token(ID_BYTES, r->pool);
    if (*id == NULL || cc_captcha_create(captcha, r->pool) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CCLOGNO(00033) "captcha not drawn: random generator or libjpeg failed");
        return CC_INTERNAL;
    }
    apr_int64_t now = apr_time_sec(apr_time_now());
    CC_DB_EXEC(r, dbd, "cc_captcha_purge", cc_db_int(r, now));
    return CC_DB_EXEC(r, dbd, "cc_captcha_insert", *id, answer_hash(r, *id, captcha->answer),
                      cc_db_int(r, now + lifetime))
                   == 1
               ? CC_DONE
               : CC_DB_UNAVAILABLE;
}

/* Deletes the captcha (whatever the outcome: one try per captcha) and says
 * whether answer was its answer and it had not expired. -1: database error. */
static int consume(request_rec *r, ap_dbd_t *dbd, const char *id, const char *answer)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_captcha_find", id);
    int deleted = rows ? CC_DB_EXEC(r, dbd, "cc_captcha_delete", id) : -1;
    if (deleted < 0) {
        return -1;
    }
    if (deleted != 1 || rows->nelts != 1) {
        return 0; /* unknown, or another request took it first */
    }
    const char **row = APR_ARRAY_IDX(rows, 0, const char **);
    return apr_atoi64(row[1]) > apr_time_sec(apr_time_now())
           && cc_str_equal_ct(row[0], answer_hash(r, id, answer));
}

cc_result cc_captcha_store_check(request_rec *r, ap_dbd_t *dbd, const cc_captcha_answer *a)
{
    if (a->id == NULL || *a->id == '\0' || a->typed == NULL || *a->typed == '\0') {
        return CC_CAPTCHA_REQUIRED;
    }
    const char *answer = cc_captcha_normalise(a->typed, r->pool);
    int valid = answer != NULL && strlen(a->id) <= MAX_ID ? consume(r, dbd, a->id, answer) : 0;
    if (valid < 0) {
        return CC_DB_UNAVAILABLE;
    }
    if (!valid) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      CCLOGNO(00034) "captcha refused: wrong, expired or already used");
        return CC_CAPTCHA_INVALID;
    }
    return CC_DONE;
}
