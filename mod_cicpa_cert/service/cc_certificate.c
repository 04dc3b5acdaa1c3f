#include <string.h>

#include "cc_audit.h"
#include "cc_certificate.h"
#include "cc_crypto.h"
#include "cc_db.h"
#include "cc_text.h"

#define COLUMNS                                                                                              \
    "id, serial, member_no, fingerprint, photo_sha256, name_masked, name_sha256, category,"                  \
    " institute_code, institute, issue_date, issued_at, valid_until, status, status_reason,"                 \
    " superseded_by"

const cc_statement cc_certificate_statements[] = {
    { "cc_cert_current",
      "SELECT " COLUMNS " FROM certificates WHERE member_no = %s AND superseded_by IS NULL" },
    { "cc_cert_by_id", "SELECT " COLUMNS " FROM certificates WHERE id = %s" },
    { "cc_cert_supersede", "UPDATE certificates SET superseded_by = %s, superseded_at = CAST(%s AS BIGINT)"
                           " WHERE id = %s AND superseded_by IS NULL" },
    { "cc_cert_insert",
      "INSERT INTO certificates (id, member_no, fingerprint, photo_sha256, name_masked,"
      " name_sha256, category, institute_code, institute, issue_date, issued_at, valid_until)"
      " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT))" },
    { "cc_cert_seq", "SELECT seq FROM certificates WHERE id = %s" },
    { "cc_cert_set_serial", "UPDATE certificates SET serial = %s WHERE id = %s" },
    { "cc_cert_photo_sha", "SELECT sha256 FROM member_photos WHERE member_no = %s" },
    { "cc_cert_photo", "SELECT jpeg_b64 FROM member_photos WHERE member_no = %s AND sha256 = %s" },
    { NULL, NULL }
};

/* Identifier entropy: 128 bits, 22 base64url characters. */
#define ID_BYTES 16
#define DAY 86400

cc_cert_state cc_certificate_state(const cc_certificate *c, apr_int64_t now)
{
    if (strcmp(c->status, "revoked") == 0) {
        return CC_CERT_REVOKED;
    }
    if (strcmp(c->status, "suspended") == 0) {
        return CC_CERT_SUSPENDED;
    }
    if (c->superseded_by != NULL) {
        return CC_CERT_SUPERSEDED;
    }
    return c->valid_until > 0 && now >= c->valid_until ? CC_CERT_EXPIRED : CC_CERT_VALID;
}

const char *cc_cert_state_name(cc_cert_state state)
{
    static const char *const names[] = { "valid", "suspended", "revoked", "superseded", "expired" };
    return names[state];
}

static cc_certificate *certificate_of_row(const char **row, apr_pool_t *p)
{
    cc_certificate *c = apr_palloc(p, sizeof(*c));
    c->id = row[0];
    c->serial = row[1] ? row[1] : "";
    c->member_no = row[2];
    c->fingerprint = row[3];
    c->photo_sha256 = row[4];
    c->name_masked = row[5];
    c->name_sha256 = row[6];
    c->category = row[7];
    c->institute_code = row[8];
    c->institute = row[9];
    c->issue_date = row[10];
    c->issued_at = apr_atoi64(row[11]);
    c->valid_until = apr_atoi64(row[12]);
    c->status = row[13];
    c->status_reason = row[14] ? row[14] : "";
    /* apr-util's pgsql driver reads SQL NULL as "". */
    c->superseded_by = row[15] && *row[15] ? row[15] : NULL;
    return c;
}

/* The one certificate a statement selects: CC_DONE (*cert NULL when none)
 * or CC_DB_UNAVAILABLE. */
static cc_result select_one(request_rec *r, ap_dbd_t *dbd, const char *label, const char *arg,
                            cc_certificate **cert)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, label, arg);
    *cert = NULL;
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows->nelts > 0) {
        *cert = certificate_of_row(APR_ARRAY_IDX(rows, 0, const char **), r->pool);
    }
    return CC_DONE;
}

/* SHA-256 over everything printed about the member (fields separated by
 * 0x1F, which no field holds; a missing one counts as empty) and the
 * photo's SHA-256. */
static const char *fingerprint_of(const cc_cert_request *req, apr_pool_t *p)
{
    const cc_cert_data *d = req->data;
    const char *fields[] = {
        "cicpa-fingerprint/1", d->name,      d->sex,
        d->category,           d->member_no, d->cert_no,
        d->admission_date,     d->institute, req->institute_code,
        req->photo_sha256,
    };
    apr_array_header_t *parts =
        apr_array_make(p, 2 * (int)(sizeof(fields) / sizeof(fields[0])), sizeof(const char *));
    for (apr_size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        APR_ARRAY_PUSH(parts, const char *) = i ? "\x1f" : "";
        APR_ARRAY_PUSH(parts, const char *) = fields[i] ? fields[i] : "";
    }
    const char *text = apr_array_pstrcat(p, parts, 0);
    return cc_sha256_hex(text, strlen(text), p);
}

typedef struct issue_job {
    const cc_cert_request *req;
    const char *fingerprint;
    cc_certificate *cert; /* the result */
    int blocked;          /* the current one is suspended or revoked */
    int issued;           /* cert is new */
} issue_job;

/* The earlier of the two ends that are set (0: neither is). */
static apr_int64_t valid_until(const cc_cert_request *req, apr_int64_t issued_at)
{
    apr_int64_t by_days = req->validity_days ? issued_at + (apr_int64_t)req->validity_days * DAY : 0;
    if (req->registration_until == 0 || (by_days != 0 && by_days < req->registration_until)) {
        return by_days;
    }
    return req->registration_until;
}

static cc_certificate *new_certificate(request_rec *r, const issue_job *job)
{
    const cc_cert_data *d = job->req->data;
    apr_time_t now = apr_time_now();
    cc_certificate *c = apr_pcalloc(r->pool, sizeof(*c));
    c->id = cc_random_token(ID_BYTES, r->pool);
    c->member_no = d->member_no;
    c->fingerprint = job->fingerprint;
    c->photo_sha256 = job->req->photo_sha256;
    c->name_masked = cc_mask_name(d->name, r->pool);
    c->name_sha256 = cc_sha256_hex(d->name, strlen(d->name), r->pool);
    c->category = d->category;
    c->institute_code = job->req->institute_code;
    c->institute = d->institute;
    c->issue_date = cc_date_ymd(now, r->pool);
    c->issued_at = apr_time_sec(now);
    c->valid_until = valid_until(job->req, c->issued_at);
    c->status = "valid";
    c->status_reason = "";
    return c;
}

static int insert_certificate(request_rec *r, ap_dbd_t *dbd, cc_certificate *c)
{
    if (c->id == NULL
        || CC_DB_EXEC(r, dbd, "cc_cert_insert", c->id, c->member_no, c->fingerprint, c->photo_sha256,
                      c->name_masked, c->name_sha256, c->category, c->institute_code, c->institute,
                      c->issue_date, cc_db_int(r, c->issued_at), cc_db_int(r, c->valid_until))
               != 1) {
        return -1;
    }
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_cert_seq", c->id);
    if (rows == NULL || rows->nelts != 1) {
        return -1;
    }
    /* The serial numbers the issue in order: CICPA-11-2026-000123. */
    c->serial = apr_psprintf(r->pool, "CICPA-%s-%.4s-%06" APR_INT64_T_FMT,
                             *c->institute_code ? c->institute_code : "00", c->issue_date,
                             apr_atoi64(APR_ARRAY_IDX(rows, 0, const char **)[0]));
    return CC_DB_EXEC(r, dbd, "cc_cert_set_serial", c->serial, c->id) == 1 ? 0 : -1;
}

/* The new certificate in the audit trail: issued by actor (staff issuing
 * ahead), or by the member's own download when actor is NULL. */
static cc_result audit_issue(request_rec *r, ap_dbd_t *dbd, const char *actor, const cc_certificate *c)
{
    return actor ? cc_audit(r, dbd, actor, c->member_no, "certificate_issued", c->serial)
                 : cc_audit_member(r, dbd, c->member_no, "certificate_issued", c->serial);
}

static int issue_in_transaction(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    issue_job *job = arg;
    cc_certificate *current;
    job->issued = 0; /* a second try starts afresh */
    /* Issued ahead by staff (bulk issuance): nothing is handed out yet. */
    if (job->req->actor != NULL && cc_db_defer_commit(r, dbd) != 0) {
        return -1;
    }
    if (select_one(r, dbd, "cc_cert_current", job->req->data->member_no, &current) != CC_DONE) {
        return -1;
    }
    job->cert = current;
    if (current != NULL && strcmp(current->status, "valid") != 0) {
        job->blocked = 1;
        return 0;
    }
    /* Reused while it prints what is true: the same data and photo, and the
     * end its issue date gives now (a renewed registration issues anew). */
    if (current != NULL && strcmp(current->fingerprint, job->fingerprint) == 0
        && current->valid_until == valid_until(job->req, current->issued_at)
        && cc_certificate_state(current, apr_time_sec(apr_time_now())) == CC_CERT_VALID) {
        return 0;
    }
    cc_certificate *fresh = new_certificate(r, job);
    if (current != NULL) {
        if (CC_DB_EXEC(r, dbd, "cc_cert_supersede", fresh->id, cc_db_now(r), current->id) != 1) {
            return -1;
        }
    }
    if (insert_certificate(r, dbd, fresh) != 0 || audit_issue(r, dbd, job->req->actor, fresh) != CC_DONE) {
        return -1;
    }
    job->cert = fresh;
    job->issued = 1;
    return 0;
}

cc_result cc_certificate_issue(request_rec *r, ap_dbd_t *dbd, const cc_cert_request *req,
                               cc_certificate **cert, int *issued)
{
    issue_job job = { req, fingerprint_of(req, r->pool), NULL, 0, 0 };
    /* A second try covers a concurrent download that issued first: the
     * unique index on the current certificate made ours fail. */
    if (cc_db_transaction(r, dbd, issue_in_transaction, &job) != 0
        && cc_db_transaction(r, dbd, issue_in_transaction, &job) != 0) {
        return CC_DB_UNAVAILABLE;
    }
    *cert = job.cert;
    *issued = job.issued;
    if (!job.blocked) {
        return CC_DONE;
    }
    return strcmp(job.cert->status, "suspended") == 0 ? CC_CERTIFICATE_SUSPENDED : CC_CERTIFICATE_REVOKED;
}

cc_result cc_certificate_find(request_rec *r, ap_dbd_t *dbd, const char *id, cc_certificate **cert)
{
    if (select_one(r, dbd, "cc_cert_by_id", id, cert) != CC_DONE) {
        return CC_DB_UNAVAILABLE;
    }
    return *cert ? CC_DONE : CC_CERTIFICATE_UNKNOWN;
}

cc_result cc_certificate_photo(request_rec *r, ap_dbd_t *dbd, const cc_certificate *cert,
                               unsigned char **jpeg, apr_size_t *len)
{
    cc_result result =
        CC_DB_SELECT_JPEG(r, dbd, "cc_cert_photo", jpeg, len, cert->member_no, cert->photo_sha256);
    return result == CC_NOT_FOUND ? CC_CERTIFICATE_UNKNOWN : result;
}

cc_result cc_certificate_photo_sha256(request_rec *r, ap_dbd_t *dbd, const char *member_no,
                                      const char **sha256)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_cert_photo_sha", member_no);
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows->nelts == 0) {
        return CC_NOT_FOUND;
    }
    *sha256 = APR_ARRAY_IDX(rows, 0, const char **)[0];
    return CC_DONE;
}
