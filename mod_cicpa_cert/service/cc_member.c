#include <stdlib.h>
#include <string.h>
#include <apr_lib.h>

#include "cc_config.h"
#include "cc_db.h"
#include "cc_audit.h"
#include "cc_member.h"
#include "cc_scope.h"

const cc_statement cc_member_statements[] = {
    { "cc_member_get",
      "SELECT user_type, photo_status, compare_attempts_used, review_note, registration_valid_until"
      " FROM members WHERE member_no = %s" },
    { "cc_member_fields", "SELECT f.field_key, f.label, f.kind, f.options, f.max_chars, f.required,"
                          " f.member_editable, v.value"
                          " FROM field_catalogue f LEFT JOIN member_fields v"
                          " ON v.field_key = f.field_key AND v.member_no = %s"
                          " ORDER BY f.sort_order" },
    { "cc_member_scope",
      "SELECT m.photo_status FROM members m WHERE m.member_no = %s AND " CC_IN_SCOPE("m") },
    /* Exact match on the member number, the name or the ID number (stored
     * upper-case, so searched upper-case too). */
    { "cc_member_search",
      "SELECT m.member_no, m.user_type, m.photo_status, n.value, i.value, d.value"
      " FROM members m"
      " LEFT JOIN member_fields n ON n.member_no = m.member_no AND n.field_key = 'name'"
      " LEFT JOIN member_fields i ON i.member_no = m.member_no AND i.field_key = 'institute'"
      " LEFT JOIN member_fields d ON d.member_no = m.member_no AND d.field_key = 'id_number'"
      " WHERE (m.member_no = %s OR m.member_no IN (SELECT q.member_no FROM member_fields q"
      "   WHERE (q.field_key = 'name' AND q.value = %s) OR (q.field_key = 'id_number' AND q.value = %s)))"
      " AND " CC_IN_SCOPE("m") " ORDER BY m.member_no LIMIT 100" },
    /* Only one upload holds the claim; it expires in case a child dies. */
    { "cc_compare_claim", "UPDATE members SET compare_claim = %s, compare_claim_until = CAST(%s AS BIGINT)"
                          " WHERE member_no = %s AND photo_status = 'none'"
                          " AND compare_attempts_used < CAST(%s AS INTEGER)"
                          " AND (compare_claim = '' OR compare_claim_until < CAST(%s AS BIGINT))" },
    { "cc_compare_release", "UPDATE members SET compare_claim = '', compare_claim_until = 0"
                            " WHERE member_no = %s AND compare_claim = %s" },
    { "cc_compare_settle", "UPDATE members SET compare_claim = '', compare_claim_until = 0,"
                           " compare_attempts_used = compare_attempts_used + 1, photo_status = %s,"
                           " updated_at = CAST(%s AS BIGINT) WHERE member_no = %s AND compare_claim = %s" },
    { "cc_review_without_compare",
      "UPDATE members SET photo_status = 'awaiting_review', updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND photo_status = 'none' AND compare_claim = ''" },
    /* The first statement of every profile save. It takes the members row's
     * lock on PostgreSQL (SQLite's BEGIN IMMEDIATE already holds the
     * database's write lock), so two saves of one member run one after the
     * other and each reads what the previous one committed. */
    { "cc_profile_lock", "UPDATE members SET updated_at = CAST(%s AS BIGINT) WHERE member_no = %s" },
    /* The same for staff, on a member of their scope only. */
    { "cc_profile_lock_scoped", "UPDATE members SET updated_at = CAST(%s AS BIGINT) WHERE member_no = %s"
                                " AND " CC_IN_SCOPE("members") },
    { "cc_password_set",
      "UPDATE members SET password_hash = %s, updated_at = CAST(%s AS BIGINT) WHERE member_no = %s" },
    { "cc_admin_reset_attempts",
      "UPDATE members SET compare_attempts_used = 0, updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND " CC_IN_SCOPE("members") },
    { "cc_admin_clear_password", "UPDATE members SET password_hash = '', updated_at = CAST(%s AS BIGINT)"
                                 " WHERE member_no = %s AND " CC_IN_SCOPE("members") },
    { "cc_review_approve",
      "UPDATE members SET photo_status = 'on_file', review_note = '', updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND photo_status = 'awaiting_review' AND " CC_IN_SCOPE("members") },
    { "cc_review_on_file",
      "UPDATE members SET photo_status = 'on_file', review_note = '', updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND " CC_IN_SCOPE("members") },
    /* A rejected member may upload once more: the note says why. */
    { "cc_review_reject",
      "UPDATE members SET photo_status = 'none', review_note = %s, compare_attempts_used = 0,"
      " updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND photo_status = 'awaiting_review' AND " CC_IN_SCOPE("members") },
    { NULL, NULL }
};

static const struct {
    const char *code;  /* stored in members.user_type */
    const char *label; /* shown on the login page and the certificate */
} user_types[] = {
    { "non_practicing", "非执业会员" },
    { "practicing", "执业会员" },
};

const char *cc_user_type_label(const char *user_type)
{
    for (apr_size_t i = 0; i < sizeof(user_types) / sizeof(user_types[0]); i++) {
        if (user_type && strcmp(user_type, user_types[i].code) == 0) {
            return user_types[i].label;
        }
    }
    return NULL;
}

const char *cc_user_type_parse(const char *param)
{
    for (apr_size_t i = 0; i < sizeof(user_types) / sizeof(user_types[0]); i++) {
        if (param && (strcmp(param, user_types[i].code) == 0 || strcmp(param, user_types[i].label) == 0)) {
            return user_types[i].code;
        }
    }
    return NULL;
}

static cc_field field_of_row(const char **row)
{
    cc_field f;
    f.key = row[0];
    f.label = row[1];
    f.kind = row[2];
    f.options = row[3] ? row[3] : "";
    f.max_chars = row[4] ? atoi(row[4]) : 0;
    f.required = row[5] && atoi(row[5]) != 0;
    f.editable = row[6] && atoi(row[6]) != 0;
    f.value = row[7] ? row[7] : "";
    return f;
}

static cc_result load_fields(request_rec *r, ap_dbd_t *dbd, cc_member *m)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_member_fields", m->member_no);
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    m->fields = apr_array_make(r->pool, rows->nelts, sizeof(cc_field));
    for (int i = 0; i < rows->nelts; i++) {
        APR_ARRAY_PUSH(m->fields, cc_field) = field_of_row(APR_ARRAY_IDX(rows, i, const char **));
    }
    return CC_DONE;
}

cc_result cc_member_load(request_rec *r, ap_dbd_t *dbd, const char *member_no, cc_member **out)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_member_get", member_no);
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows->nelts == 0) {
        return CC_NOT_FOUND;
    }
    const char **row = APR_ARRAY_IDX(rows, 0, const char **);
    cc_member *m = apr_pcalloc(r->pool, sizeof(*m));
    m->member_no = member_no;
    m->user_type = row[0];
    m->photo_status = row[1] ? row[1] : "none";
    m->attempts_left = cc_server_conf_get(r->server)->photo.compare_attempts - (row[2] ? atoi(row[2]) : 0);
    if (m->attempts_left < 0) {
        m->attempts_left = 0;
    }
    m->review_note = row[3] ? row[3] : "";
    m->registration_until = row[4] ? apr_atoi64(row[4]) : 0;
    cc_result status = load_fields(r, dbd, m);
    if (status == CC_DONE) {
        status = cc_institute_find(r, dbd, cc_member_value(m, "institute"), &m->institute);
    }
    *out = m;
    return status;
}

const cc_field *cc_member_field(const cc_member *m, const char *key)
{
    for (int i = 0; i < m->fields->nelts; i++) {
        const cc_field *f = &APR_ARRAY_IDX(m->fields, i, cc_field);
        if (strcmp(f->key, key) == 0) {
            return f;
        }
    }
    return NULL;
}

const char *cc_member_value(const cc_member *m, const char *key)
{
    const cc_field *f = cc_member_field(m, key);
    return f ? f->value : "";
}

apr_array_header_t *cc_member_missing(const cc_member *m, apr_pool_t *p)
{
    apr_array_header_t *missing = apr_array_make(p, 4, sizeof(const cc_field *));
    for (int i = 0; i < m->fields->nelts; i++) {
        const cc_field *f = &APR_ARRAY_IDX(m->fields, i, cc_field);
        if (f->required && *f->value == '\0') {
            APR_ARRAY_PUSH(missing, const cc_field *) = f;
        }
    }
    return missing;
}

apr_array_header_t *cc_member_missing_identity(const cc_member *m, apr_pool_t *p)
{
    static const char *const identity[] = { "id_type", "id_number" };
    apr_array_header_t *missing = apr_array_make(p, 2, sizeof(const cc_field *));
    for (apr_size_t i = 0; i < sizeof(identity) / sizeof(identity[0]); i++) {
        const cc_field *f = cc_member_field(m, identity[i]);
        if (f != NULL && *f->value == '\0') {
            APR_ARRAY_PUSH(missing, const cc_field *) = f;
        }
    }
    return missing;
}

const char *cc_member_next_step(const cc_member *m, apr_pool_t *p)
{
    if (strcmp(m->photo_status, "awaiting_review") == 0) {
        return "onsite_review";
    }
    if (strcmp(m->photo_status, "on_file") != 0) {
        return cc_member_missing_identity(m, p)->nelts > 0 ? "contact_institute" : "upload_photo";
    }
    apr_array_header_t *missing = cc_member_missing(m, p);
    for (int i = 0; i < missing->nelts; i++) {
        if (!APR_ARRAY_IDX(missing, i, const cc_field *)->editable) {
            return "contact_institute";
        }
    }
    return missing->nelts > 0 ? "complete_profile" : "download";
}

int cc_field_is_id_number(const cc_field *f)
{
    return strcmp(f->kind, "id_number") == 0;
}

cc_result cc_member_in_scope(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                             const char **photo_status)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_member_scope", member_no, CC_SCOPE_ARGS(staff));
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows->nelts == 0) {
        return CC_NOT_FOUND;
    }
    if (photo_status != NULL) {
        *photo_status = APR_ARRAY_IDX(rows, 0, const char **)[0];
    }
    return CC_DONE;
}

apr_array_header_t *cc_member_search(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *q)
{
    char *upper = apr_pstrdup(r->pool, q);
    for (char *c = upper; *c; c++) {
        *c = (char)apr_toupper(*c);
    }
    return CC_DB_SELECT(r, dbd, "cc_member_search", q, q, upper, CC_SCOPE_ARGS(staff));
}

int cc_member_claim_comparison(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *claim,
                               apr_int64_t until, int max_attempts)
{
    return CC_DB_EXEC(r, dbd, "cc_compare_claim", claim, cc_db_int(r, until), member_no,
                      apr_itoa(r->pool, max_attempts), cc_db_now(r));
}

int cc_member_release_comparison(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *claim)
{
    return CC_DB_EXEC(r, dbd, "cc_compare_release", member_no, claim);
}

int cc_member_settle_comparison(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *claim,
                                const char *photo_status)
{
    return CC_DB_EXEC(r, dbd, "cc_compare_settle", photo_status, cc_db_now(r), member_no, claim);
}

int cc_member_await_review(request_rec *r, ap_dbd_t *dbd, const char *member_no)
{
    return CC_DB_EXEC(r, dbd, "cc_review_without_compare", cc_db_now(r), member_no);
}

int cc_member_lock(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *scope)
{
    return scope ? CC_DB_EXEC(r, dbd, "cc_profile_lock_scoped", cc_db_now(r), member_no, scope, scope)
                 : CC_DB_EXEC(r, dbd, "cc_profile_lock", cc_db_now(r), member_no);
}

int cc_member_set_password(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *hash)
{
    return CC_DB_EXEC(r, dbd, "cc_password_set", hash, cc_db_now(r), member_no);
}

/* A staff reset, run in a transaction. */
typedef struct staff_reset {
    const cc_staff *staff;
    const char *member_no;
    cc_member_reset what;
    const char *reason;
} staff_reset;

static int staff_reset_work(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    const staff_reset *c = arg;
    int clear = c->what == CC_CLEAR_PASSWORD;
    int changed = CC_DB_EXEC(r, dbd, clear ? "cc_admin_clear_password" : "cc_admin_reset_attempts",
                             cc_db_now(r), c->member_no, CC_SCOPE_ARGS(c->staff));
    if (changed != 1 || (clear && cc_session_end_all(r, dbd, c->member_no) != CC_DONE)) {
        return -1;
    }
    return cc_audit_staff(r, dbd, c->staff, c->member_no,
                          clear ? "password_cleared" : "compare_attempts_reset", c->reason);
}

cc_result cc_member_staff_reset(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                                cc_member_reset what, const char *reason)
{
    staff_reset c = { staff, member_no, what, reason };
    return cc_db_transaction(r, dbd, staff_reset_work, &c) == 0 ? CC_DONE : CC_DB_UNAVAILABLE;
}

int cc_member_review_approve(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no)
{
    return CC_DB_EXEC(r, dbd, "cc_review_approve", cc_db_now(r), member_no, CC_SCOPE_ARGS(staff));
}

int cc_member_photo_on_file(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no)
{
    return CC_DB_EXEC(r, dbd, "cc_review_on_file", cc_db_now(r), member_no, CC_SCOPE_ARGS(staff));
}

int cc_member_review_reject(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                            const char *note)
{
    return CC_DB_EXEC(r, dbd, "cc_review_reject", note, cc_db_now(r), member_no, CC_SCOPE_ARGS(staff));
}
