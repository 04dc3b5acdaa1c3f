#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "cc_db.h"
#include "cc_member.h"

const cc_statement cc_member_statements[] = {
    { "cc_member_get",
      "SELECT user_type, photo_status, compare_attempts_used, review_note, registration_valid_until"
      " FROM members WHERE member_no = %s" },
    { "cc_member_fields",
      "SELECT f.field_key, f.label, f.kind, f.options, f.max_chars, f.required,"
      " f.member_editable, v.value"
      " FROM field_catalogue f LEFT JOIN member_fields v"
      " ON v.field_key = f.field_key AND v.member_no = %s"
      " ORDER BY f.sort_order" },
    { "cc_institute_get",
      "SELECT code, name, phone FROM institutes WHERE code = %s" },
    { NULL, NULL }
};

static const struct {
    const char *code;   /* stored in members.user_type */
    const char *label;  /* shown on the login page and the certificate */
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
        if (param && (strcmp(param, user_types[i].code) == 0
                      || strcmp(param, user_types[i].label) == 0)) {
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

static int load_fields(request_rec *r, ap_dbd_t *dbd, cc_member *m)
{
    const char *args[] = { m->member_no };
    apr_array_header_t *rows = cc_db_select(r, dbd, "cc_member_fields", 1, args);
    if (rows == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    m->fields = apr_array_make(r->pool, rows->nelts, sizeof(cc_field));
    for (int i = 0; i < rows->nelts; i++) {
        APR_ARRAY_PUSH(m->fields, cc_field) = field_of_row(APR_ARRAY_IDX(rows, i, const char **));
    }
    return OK;
}

int cc_institute_find(request_rec *r, ap_dbd_t *dbd, const char *code, cc_institute **out)
{
    const char *args[] = { code };
    apr_array_header_t *rows = cc_db_select(r, dbd, "cc_institute_get", 1, args);
    *out = NULL;
    if (rows == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (rows->nelts > 0) {
        const char **row = APR_ARRAY_IDX(rows, 0, const char **);
        *out = apr_palloc(r->pool, sizeof(cc_institute));
        (*out)->code = row[0];
        (*out)->name = row[1];
        (*out)->phone = row[2] ? row[2] : "";
    }
    return OK;
}

int cc_member_load(request_rec *r, ap_dbd_t *dbd, const char *member_no, cc_member **out)
{
    const char *args[] = { member_no };
    apr_array_header_t *rows = cc_db_select(r, dbd, "cc_member_get", 1, args);
    if (rows == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (rows->nelts == 0) {
        return HTTP_NOT_FOUND;
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
    int status = load_fields(r, dbd, m);
    if (status == OK) {
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
