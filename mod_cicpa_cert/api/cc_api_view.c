#include <string.h>

#include "cc_api_view.h"
#include "cc_http.h"
#include "cc_photo.h"
#include "cc_photo_rules.h"
#include "cc_text.h"

static json_t *field_json(const cc_field *f, apr_pool_t *p)
{
    const char *value = cc_field_is_id_number(f) ? cc_mask_middle(f->value, p) : f->value;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:i}", "key", f->key, "label", f->label, "kind",
                          f->kind, "value", value, "required", f->required, "editable", f->editable,
                          "max_chars", f->max_chars);
    if (*f->options) {
        json_t *options = json_array();
        char *state, *copy = apr_pstrdup(p, f->options);
        for (char *opt = apr_strtok(copy, "|", &state); opt; opt = apr_strtok(NULL, "|", &state)) {
            json_array_append_new(options, json_string(opt));
        }
        json_object_set_new(o, "options", options);
    }
    return o;
}

json_t *cc_view_institute(const cc_institute *inst)
{
    if (inst == NULL) {
        return json_null();
    }
    return json_pack("{s:s, s:s, s:s}", "code", inst->code, "name", inst->name, "phone", inst->phone);
}

json_t *cc_view_institutes(const apr_array_header_t *institutes)
{
    json_t *list = json_array();
    for (int i = 0; i < institutes->nelts; i++) {
        json_array_append_new(list, cc_view_institute(&APR_ARRAY_IDX(institutes, i, cc_institute)));
    }
    return json_pack("{s:o}", "institutes", list);
}

static json_t *photo_json(request_rec *r, ap_dbd_t *dbd, const cc_member *m)
{
    const char *state = cc_photo_state(r, dbd, m);
    json_t *o = json_pack("{s:s, s:b}", "status", state, "on_file", strcmp(state, "on_file") == 0);
    if (strcmp(state, "none") == 0) {
        json_object_set_new(o, "message", json_string(cc_reply_text(CC_PHOTO_NOT_FOUND)));
        /* The institute's reason for rejecting the last uploaded photo. */
        if (*m->review_note) {
            json_object_set_new(o, "review_note", json_string(m->review_note));
        }
    } else if (strcmp(state, "unavailable") == 0) {
        json_object_set_new(o, "message", json_string(cc_reply_text(CC_PHOTO_UNAVAILABLE)));
    }
    return o;
}

json_t *cc_view_member(request_rec *r, ap_dbd_t *dbd, const cc_member *m, const char *csrf_token)
{
    apr_pool_t *p = r->pool;
    json_t *fields = json_array();
    for (int i = 0; i < m->fields->nelts; i++) {
        json_array_append_new(fields, field_json(&APR_ARRAY_IDX(m->fields, i, cc_field), p));
    }
    json_t *registration = m->registration_until
                               ? json_string(cc_date_ymd(apr_time_from_sec(m->registration_until), p))
                               : json_null();
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:i, s:o, s:o, s:s, s:s}", "member_no", m->member_no,
                     "user_type", m->user_type, "user_type_label", cc_user_type_label(m->user_type), "fields",
                     fields, "missing_required", cc_view_field_keys(cc_member_missing(m, p)), "photo",
                     photo_json(r, dbd, m), "compare_attempts_left", m->attempts_left, "institute",
                     cc_view_institute(m->institute), "registration_valid_until", registration, "next_step",
                     cc_member_next_step(m, p), "csrf_token", csrf_token);
}

json_t *cc_view_field_keys(const apr_array_header_t *fields)
{
    json_t *keys = json_array();
    for (int i = 0; i < fields->nelts; i++) {
        json_array_append_new(keys, json_string(APR_ARRAY_IDX(fields, i, const cc_field *)->key));
    }
    return keys;
}

json_t *cc_view_strings(const apr_array_header_t *strings)
{
    json_t *a = json_array();
    for (int i = 0; i < strings->nelts; i++) {
        json_array_append_new(a, json_string(APR_ARRAY_IDX(strings, i, const char *)));
    }
    return a;
}

json_t *cc_view_photo_problems(const apr_array_header_t *problems)
{
    json_t *list = json_array();
    for (int i = 0; i < problems->nelts; i++) {
        const cc_photo_problem *pr = &APR_ARRAY_IDX(problems, i, cc_photo_problem);
        json_array_append_new(list, json_pack("{s:s, s:s}", "code", pr->code, "message", pr->message));
    }
    return list;
}

static const char *joined_labels(const apr_array_header_t *fields, apr_pool_t *p)
{
    const char *labels = "";
    for (int i = 0; i < fields->nelts; i++) {
        const cc_field *f = APR_ARRAY_IDX(fields, i, const cc_field *);
        labels = apr_pstrcat(p, labels, i ? "、" : "", f->label, NULL);
    }
    return labels;
}

/* Whom to call: the institute's name and phone, or a pointer to the list. */
static const char *institute_contact(const cc_institute *inst, apr_pool_t *p)
{
    if (inst == NULL) {
        return "所属注协（联系方式见咨询电话列表）";
    }
    if (*inst->phone == '\0') {
        return inst->name;
    }
    return apr_pstrcat(p, inst->name, "（咨询电话：", inst->phone, "）", NULL);
}

int cc_reply_contact_institute(request_rec *r, cc_result result, const cc_member *m,
                               const apr_array_header_t *fields, json_t *extra)
{
    apr_pool_t *p = r->pool;
    if (extra == NULL) {
        extra = json_object();
    }
    json_object_set_new(extra, "fields", cc_view_field_keys(fields));
    json_object_set_new(extra, "institute", cc_view_institute(m->institute));
    const char *message = apr_pstrcat(p, cc_reply_text(result), "：", joined_labels(fields, p), "。请联系",
                                      institute_contact(m->institute, p), "。", NULL);
    return cc_reply_message(r, result, message, extra);
}

int cc_reply_profile_saved(request_rec *r, ap_dbd_t *dbd, cc_result result, cc_profile_outcome *out,
                           const char *csrf_token)
{
    json_t *problems = out->problems;
    int sent;
    switch (result) {
    case CC_DONE: {
        json_t *doc = cc_view_member(r, dbd, out->member, csrf_token);
        json_object_set_new(doc, "changed", cc_view_strings(out->changed));
        sent = cc_send_json(r, HTTP_OK, doc);
        break;
    }
    case CC_NATIONAL_ONLY_FIELD:
        sent = cc_reply_with(r, result, json_pack("{s:o}", "fields", cc_view_field_keys(out->locked)));
        break;
    case CC_STAFF_ONLY_FIELD:
        sent = cc_reply_contact_institute(r, result, out->member, out->locked, NULL);
        break;
    case CC_UNKNOWN_FIELD:
        sent = cc_reply_with(r, result, json_pack("{s:o}", "fields", cc_view_strings(out->unknown)));
        break;
    case CC_INVALID_FIELDS:
        sent = cc_reply_with(r, result, json_pack("{s:O}", "fields", problems));
        break;
    default:
        sent = cc_reply(r, result);
    }
    json_decref(problems);
    return sent;
}
