#include <apr_base64.h>

#include "cc_certificate_store.h"
#include "cc_crypto.h"

const cc_statement cc_certificate_store_statements[] = {
    { "cc_store_get", "SELECT pdf_b64, sha256, size FROM certificate_pdfs WHERE certificate_id = %s" },
    /* First wins: a later insert for the same certificate changes nothing. */
    { "cc_store_put", "INSERT INTO certificate_pdfs (certificate_id, sha256, size, pdf_b64, stored_at)"
                      " VALUES (%s, %s, CAST(%s AS BIGINT), %s, CAST(%s AS BIGINT))"
                      " ON CONFLICT (certificate_id) DO NOTHING" },
    { NULL, NULL }
};

cc_result cc_certificate_store_find(request_rec *r, ap_dbd_t *dbd, const char *cert_id, cc_stored_pdf *out)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_store_get", cert_id);
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows->nelts == 0) {
        return CC_NOT_FOUND;
    }
    const char **row = APR_ARRAY_IDX(rows, 0, const char **);
    unsigned char *bytes = apr_palloc(r->pool, apr_base64_decode_len(row[0]));
    int n = apr_base64_decode_binary(bytes, row[0]);
    if (n <= 0 || (apr_int64_t)n != apr_atoi64(row[2])) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00049) "stored PDF of certificate %s is damaged",
                      cert_id);
        return CC_DB_UNAVAILABLE;
    }
    out->bytes = bytes;
    out->len = (apr_size_t)n;
    out->sha256 = row[1];
    return CC_DONE;
}

typedef struct store_job {
    const char *cert_id, *sha256, *size, *b64;
    int stored; /* rows the insert added: 1, or 0 when another was first */
} store_job;

static int insert(request_rec *r, ap_dbd_t *dbd, store_job *job)
{
    job->stored =
        CC_DB_EXEC(r, dbd, "cc_store_put", job->cert_id, job->sha256, job->size, job->b64, cc_db_now(r));
    return job->stored < 0 ? -1 : 0;
}

static int insert_deferred(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    return cc_db_defer_commit(r, dbd) == 0 ? insert(r, dbd, arg) : -1;
}

cc_result cc_certificate_store_put(request_rec *r, ap_dbd_t *dbd, const char *cert_id,
                                   const unsigned char *bytes, apr_size_t len, int deferred,
                                   cc_stored_pdf *out)
{
    char *b64 = apr_palloc(r->pool, apr_base64_encode_len((int)len));
    const char *sha256 = cc_sha256_hex(bytes, len, r->pool);
    apr_base64_encode_binary(b64, bytes, (int)len);
    store_job job = { cert_id, sha256, cc_db_int(r, (apr_int64_t)len), b64, 0 };
    if ((deferred ? cc_db_transaction(r, dbd, insert_deferred, &job) : insert(r, dbd, &job)) != 0) {
        return CC_DB_UNAVAILABLE;
    }
    int stored = job.stored;
    if (stored == 1) { /* ours are the stored bytes */
        *out = (cc_stored_pdf){ bytes, len, sha256 };
        return CC_DONE;
    }
    cc_result result = cc_certificate_store_find(r, dbd, cert_id, out);
    return result == CC_DONE ? CC_DONE : CC_DB_UNAVAILABLE;
}
