#include <string.h>
#include <apr_base64.h>

#include "cc_audit.h"
#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_face_client.h"
#include "cc_fields.h"
#include "cc_photo.h"

/* A photo the member's record says is on file but that cannot be read is
 * 获取照片信息失败, not 没有查询到照片信息, as GET /me says. */
cc_result cc_photo_load(request_rec *r, ap_dbd_t *dbd, const char *member_no, unsigned char **jpeg,
                        apr_size_t *len)
{
    cc_result result = CC_DB_SELECT_JPEG(r, dbd, "cc_photo_get", jpeg, len, member_no);
    if (result != CC_NOT_FOUND) {
        return result == CC_DONE ? CC_DONE : CC_PHOTO_UNAVAILABLE;
    }
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_photo_status", member_no);
    if (rows == NULL
        || (rows->nelts == 1 && strcmp(APR_ARRAY_IDX(rows, 0, const char **)[0], "on_file") == 0)) {
        return CC_PHOTO_UNAVAILABLE;
    }
    return CC_PHOTO_NOT_FOUND;
}

const char *cc_photo_state(request_rec *r, ap_dbd_t *dbd, const cc_member *m)
{
    if (strcmp(m->photo_status, "on_file") != 0) {
        return m->photo_status;
    }
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_photo_present", m->member_no);
    return rows && rows->nelts == 1 ? "on_file" : "unavailable";
}

/* What stops a comparison in the member's state; CC_DONE when none. */
static cc_result refusal_by_state(const cc_member *m)
{
    if (strcmp(m->photo_status, "on_file") == 0) {
        return CC_PHOTO_ON_FILE;
    }
    if (strcmp(m->photo_status, "awaiting_review") == 0) {
        return CC_ONSITE_REVIEW_PENDING;
    }
    return m->attempts_left <= 0 ? CC_NO_ATTEMPTS_LEFT : CC_DONE;
}

typedef struct comparison {
    const char *member_no;     /* whose */
    const unsigned char *jpeg; /* the photo */
    apr_size_t len;
    const char *request_id; /* the claim and the provider request id */
    cc_face_response resp;  /* the provider's answer */
    const char *now;        /* Unix seconds */
    cc_result stopped;      /* what rolled a transaction of it back */
} comparison;

/* Replaces the member's photo (reason NULL) or their upload kept for the
 * review (with its reason) by the photo of c. */
static int store_photo_rows(request_rec *r, ap_dbd_t *dbd, const comparison *c, const char *reason)
{
    char *b64 = apr_palloc(r->pool, apr_base64_encode_len((int)c->len));
    apr_base64_encode_binary(b64, c->jpeg, (int)c->len);
    const char *sha = cc_sha256_hex(c->jpeg, c->len, r->pool);
    if (reason == NULL) {
        return CC_DB_EXEC(r, dbd, "cc_member_photo_delete", c->member_no) < 0
                       || CC_DB_EXEC(r, dbd, "cc_member_photo_insert", c->member_no, b64, sha, c->now) != 1
                   ? -1
                   : 0;
    }
    return CC_DB_EXEC(r, dbd, "cc_upload_delete", c->member_no) < 0
                   || CC_DB_EXEC(r, dbd, "cc_upload_insert", c->member_no, b64, sha, reason, c->now) != 1
               ? -1
               : 0;
}

/* The comparison's audit row (request id, result, score; never the photo). */
static cc_result audit_comparison(request_rec *r, ap_dbd_t *dbd, const comparison *c)
{
    return cc_audit_member(r, dbd, c->member_no, "photo_comparison",
                           apr_psprintf(r->pool, "{\"request_id\":\"%s\",\"result\":\"%s\",\"score\":%d}",
                                        c->request_id, cc_face_result_name(c->resp.result), c->resp.score));
}

/* Settles a definitive answer: attempt used, photo kept, claim cleared,
 * and its audit row: a paid comparison is never left unrecorded. */
static int settle_definitive(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    const comparison *c = arg;
    int match = c->resp.result == CC_FACE_MATCH;
    if (cc_member_settle_comparison(r, dbd, c->member_no, c->request_id,
                                    match ? "on_file" : "awaiting_review")
            != 1
        || CC_DB_EXEC(r, dbd, "cc_compare_record", c->member_no, c->request_id,
                      cc_face_result_name(c->resp.result), apr_itoa(r->pool, c->resp.score), c->now)
               != 1
        || audit_comparison(r, dbd, c) != CC_DONE) {
        return -1;
    }
    return store_photo_rows(r, dbd, c, match ? NULL : "no_match");
}

/* A non-definitive answer costs nothing. */
static cc_result not_charged(const comparison *c)
{
    switch (c->resp.result) {
    case CC_FACE_POOR_QUALITY:
        return CC_PHOTO_QUALITY;
    case CC_FACE_NO_FACE:
        return CC_NO_FACE;
    case CC_FACE_NOT_FOUND:
        return CC_IDENTITY_NOT_FOUND;
    default:
        return CC_COMPARISON_UNAVAILABLE;
    }
}

/* A non-definitive answer: the claim released and the call audited. */
static int release_uncharged(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    const comparison *c = arg;
    return cc_member_release_comparison(r, dbd, c->member_no, c->request_id) < 0
                   || audit_comparison(r, dbd, c) != CC_DONE
               ? -1
               : 0;
}

static cc_result compare_once(request_rec *r, ap_dbd_t *dbd, const cc_member *m, comparison *c,
                              cc_photo_outcome *out)
{
    const cc_photo_conf *pc = &cc_server_conf_get(r->server)->photo;
    /* Long enough for every try to time out, then some. */
    apr_int64_t hold = (apr_int64_t)pc->verifier_timeout * pc->verifier_tries + 30;
    int claimed = cc_member_claim_comparison(r, dbd, m->member_no, c->request_id,
                                             apr_time_sec(apr_time_now()) + hold, pc->compare_attempts);
    if (claimed <= 0) {
        return claimed < 0 ? CC_DB_UNAVAILABLE : CC_COMPARISON_IN_PROGRESS;
    }
    cc_face_request req = { c->request_id, cc_member_value(m, "name"), cc_member_value(m, "id_number"),
                            c->jpeg, c->len };
    c->resp = cc_face_verify(r, pc, &req);
    if (!cc_face_result_is_definitive(c->resp.result)) {
        /* Unreleased, the claim holds until it expires: nothing is charged
         * either way, but the member is told the database failed. */
        return cc_db_transaction(r, dbd, release_uncharged, c) == 0 ? not_charged(c) : CC_DB_UNAVAILABLE;
    }
    if (cc_db_transaction(r, dbd, settle_definitive, c) != 0) {
        /* Paid for but not recorded: the claim stays until it expires, so
         * no second call is made meanwhile; the request id finds it. */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CCLOGNO(00039) "comparison %s answered %s but could not be saved", c->request_id,
                      cc_face_result_name(c->resp.result));
        return CC_DB_UNAVAILABLE;
    }
    out->result = c->resp.result == CC_FACE_MATCH ? "match" : "no_match";
    out->score = c->resp.score;
    return CC_DONE;
}

/* The photo kept for the review, with its audit row. */
static int keep_for_review(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    comparison *c = arg;
    int awaiting = cc_member_await_review(r, dbd, c->member_no);
    c->stopped = awaiting == 0 ? CC_UPLOAD_IN_PROGRESS : CC_DB_UNAVAILABLE;
    if (awaiting != 1 || store_photo_rows(r, dbd, c, "id_type_not_covered") != 0
        || cc_audit_member(r, dbd, c->member_no, "photo_kept_for_review",
                           "{\"reason\":\"id_type_not_covered\"}")
               != CC_DONE) {
        return -1;
    }
    return 0;
}

/* The national database holds only resident identity cards: other
 * documents go straight to the on-site review, at no cost. */
static cc_result review_without_compare(request_rec *r, ap_dbd_t *dbd, comparison *c, cc_photo_outcome *out)
{
    if (cc_db_transaction(r, dbd, keep_for_review, c) != 0) {
        return c->stopped;
    }
    out->result = "onsite_review";
    return CC_DONE;
}

cc_result cc_photo_upload(request_rec *r, ap_dbd_t *dbd, const char *member_no, const unsigned char *jpeg,
                          apr_size_t len, cc_photo_outcome *out)
{
    cc_result result = cc_member_load(r, dbd, member_no, &out->member);
    if (result != CC_DONE) {
        return result;
    }
    const cc_member *m = out->member;
    if ((result = refusal_by_state(m)) != CC_DONE) {
        return result;
    }
    /* Without the ID document's type or number there is nothing to compare
     * against, and only the institute fills them: nothing is stored and no
     * attempt is used. */
    out->missing = cc_member_missing_identity(m, r->pool);
    if (out->missing->nelts > 0) {
        return CC_IDENTITY_INCOMPLETE;
    }
    comparison c = { m->member_no, jpeg, len, cc_random_token(16, r->pool), { 0 }, cc_db_now(r), CC_DONE };
    if (!cc_id_type_is_mainland(cc_member_value(m, "id_type"))) {
        return review_without_compare(r, dbd, &c, out);
    }
    return compare_once(r, dbd, m, &c, out);
}

apr_array_header_t *cc_photo_review_queue(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff)
{
    return CC_DB_SELECT(r, dbd, "cc_review_queue", CC_SCOPE_ARGS(staff));
}

cc_result cc_photo_review_upload(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                                 unsigned char **jpeg, apr_size_t *len)
{
    return CC_DB_SELECT_JPEG(r, dbd, "cc_review_upload", jpeg, len, member_no, CC_SCOPE_ARGS(staff));
}

const char **cc_photo_upload_info(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_admin_upload_info", member_no, CC_SCOPE_ARGS(staff));
    return rows && rows->nelts ? APR_ARRAY_IDX(rows, 0, const char **) : NULL;
}

apr_array_header_t *cc_photo_comparisons(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff,
                                         const char *member_no)
{
    return CC_DB_SELECT(r, dbd, "cc_admin_comparisons", member_no, CC_SCOPE_ARGS(staff));
}

/* One decision on a member's photo, run in a transaction. */
typedef struct decision {
    const cc_staff *staff;
    const char *member_no;
    const char *reason;        /* rejection: shown to the member */
    const unsigned char *jpeg; /* replacement: the photo taken on site */
    apr_size_t len;
    int conflict; /* the member was not awaiting review */
} decision;

/* The uploaded photo becomes the member's photo. */
static int approve_work(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    decision *d = arg;
    int updated = cc_member_review_approve(r, dbd, d->staff, d->member_no);
    d->conflict = updated == 0;
    if (updated != 1 || CC_DB_EXEC(r, dbd, "cc_member_photo_delete", d->member_no) < 0
        || CC_DB_EXEC(r, dbd, "cc_review_take_upload", cc_db_now(r), d->member_no) != 1
        || CC_DB_EXEC(r, dbd, "cc_upload_delete", d->member_no) < 0) {
        return -1;
    }
    return cc_audit_staff(r, dbd, d->staff, d->member_no, "photo_review_approved", NULL);
}

/* The photo taken on site replaces whatever the member had or uploaded. */
static int replace_work(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    decision *d = arg;
    comparison photo = { d->member_no, d->jpeg, d->len, NULL, { 0 }, cc_db_now(r) };
    if (cc_member_photo_on_file(r, dbd, d->staff, d->member_no) != 1
        || store_photo_rows(r, dbd, &photo, NULL) != 0
        || CC_DB_EXEC(r, dbd, "cc_upload_delete", d->member_no) < 0) {
        return -1;
    }
    return cc_audit_staff(r, dbd, d->staff, d->member_no, "photo_review_replaced", NULL);
}

static int reject_work(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    decision *d = arg;
    int updated = cc_member_review_reject(r, dbd, d->staff, d->member_no, d->reason);
    d->conflict = updated == 0;
    if (updated != 1 || CC_DB_EXEC(r, dbd, "cc_upload_delete", d->member_no) < 0) {
        return -1;
    }
    return cc_audit_staff(r, dbd, d->staff, d->member_no, "photo_review_rejected", d->reason);
}

/* Runs work on a member of the staff's scope. */
static cc_result decide(request_rec *r, ap_dbd_t *dbd, decision *d, cc_db_work_fn *work)
{
    cc_result result = cc_member_in_scope(r, dbd, d->staff, d->member_no, NULL);
    if (result != CC_DONE) {
        return result;
    }
    if (cc_db_transaction(r, dbd, work, d) != 0) {
        return d->conflict ? CC_NOT_AWAITING_REVIEW : CC_DB_UNAVAILABLE;
    }
    return CC_DONE;
}

cc_result cc_photo_review_approve(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no)
{
    decision d = { staff, member_no, NULL, NULL, 0, 0 };
    return decide(r, dbd, &d, approve_work);
}

cc_result cc_photo_review_replace(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                                  const unsigned char *jpeg, apr_size_t len)
{
    decision d = { staff, member_no, NULL, jpeg, len, 0 };
    return decide(r, dbd, &d, replace_work);
}

cc_result cc_photo_review_reject(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                                 const char *reason)
{
    decision d = { staff, member_no, reason, NULL, 0, 0 };
    return decide(r, dbd, &d, reject_work);
}
