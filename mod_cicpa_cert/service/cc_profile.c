#include <string.h>

#include "cc_audit.h"
#include "cc_fields.h"
#include "cc_json.h"
#include "cc_profile.h"
#include "cc_scope.h"
#include "cc_text.h"

/* The form field that carries the CSRF token of a cookie session. */
#define CSRF_PARAM "csrf_token"

/* A field the save changes. */
typedef struct field_change {
    const cc_field *field; /* catalogue entry with the stored value */
    const char *value;     /* normalised new value; "" clears the field */
} field_change;

/* One save, worked out inside its transaction. */
typedef struct profile_save {
    request_rec *r;
    ap_dbd_t *dbd;
    const cc_profile_editor *editor; /* who saves whose profile */
    apr_table_t *params;             /* field_key -> submitted value */
    const char *today;               /* YYYY-MM-DD, the latest valid date */
    cc_result status;                /* CC_DONE saved (or nothing to change), a refusal or a failure */
    cc_member *member;               /* as stored before the save */
    apr_array_header_t *changes;     /* field_change */
    apr_array_header_t *unknown;     /* const char *: keys not in the catalogue */
    apr_array_header_t *locked;      /* const cc_field *: staff-only fields sent with another value */
    json_t *problems;                /* field_key -> what is wrong with the value */
} profile_save;

/* A value as it may be shown in the audit trail: ID numbers masked. */
static const char *shown_value(const cc_field *f, const char *value, apr_pool_t *p)
{
    return cc_field_is_id_number(f) ? cc_mask_middle(value, p) : value;
}

/* True when raw is the stored value as GET /me shows it: a page may send the
 * masked ID number back untouched. */
static int is_masked_copy(const cc_field *f, const char *raw, apr_pool_t *p)
{
    return cc_field_is_id_number(f) && *f->value && strcmp(raw, cc_mask_middle(f->value, p)) == 0;
}

/* Institute fields hold an institute code: plain text that must name a row
 * of the institutes table. */
static cc_result check_institute(profile_save *s, const cc_field *f, const char *raw, const char **norm,
                                 const char **problem)
{
    cc_institute *inst = NULL;
    *problem = cc_field_check("text", raw, f->max_chars, NULL, s->today, s->r->pool, norm);
    if (*problem != NULL || **norm == '\0') {
        return CC_DONE;
    }
    if (cc_institute_find(s->r, s->dbd, *norm, &inst) != CC_DONE) {
        return CC_DB_UNAVAILABLE;
    }
    if (inst == NULL) {
        *problem = "所属注协不正确，请选择咨询电话列表中的注协";
    }
    return CC_DONE;
}

/* Checks raw against f's kind: *problem is NULL and *norm the value to store
 * when it is valid. Returns CC_DONE, or CC_DB_UNAVAILABLE. */
static cc_result normalise(profile_save *s, const cc_field *f, const char *raw, const char **norm,
                           const char **problem)
{
    if (strcmp(f->kind, "institute") == 0) {
        return check_institute(s, f, raw, norm, problem);
    }
    *problem = cc_field_check(f->kind, raw, f->max_chars, f->options, s->today, s->r->pool, norm);
    return CC_DONE;
}

static void add_change(profile_save *s, const cc_field *f, const char *value)
{
    field_change *c = apr_array_push(s->changes);
    c->field = f;
    c->value = value;
}

/* A member-editable field: valid, present when required, saved when it
 * differs from the stored value. */
static cc_result check_editable(profile_save *s, const cc_field *f, const char *raw)
{
    const char *norm, *problem;
    if (is_masked_copy(f, raw, s->r->pool)) {
        return CC_DONE;
    }
    cc_result status = normalise(s, f, raw, &norm, &problem);
    if (status != CC_DONE) {
        return status;
    }
    if (problem == NULL && f->required && *norm == '\0') {
        problem = apr_pstrcat(s->r->pool, f->label, "为必填项，不能为空", NULL);
    }
    if (problem != NULL) {
        json_object_set_new(s->problems, f->key, json_string(problem));
    } else if (strcmp(norm, f->value) != 0) {
        add_change(s, f, norm);
    }
    return CC_DONE;
}

/* A staff-only field may be sent back unchanged (as stored, as shown, or
 * differing only in what normalisation removes); any other value is an
 * attempt to change it. */
static cc_result check_locked(profile_save *s, const cc_field *f, const char *raw)
{
    const char *norm, *problem;
    if (strcmp(raw, f->value) == 0 || is_masked_copy(f, raw, s->r->pool)) {
        return CC_DONE;
    }
    cc_result status = normalise(s, f, raw, &norm, &problem);
    if (status == CC_DONE && (problem != NULL || strcmp(norm, f->value) != 0)) {
        APR_ARRAY_PUSH(s->locked, const cc_field *) = f;
    }
    return status;
}

/* The value key will have once saved. */
static const char *value_after(const profile_save *s, const char *key)
{
    for (int i = 0; i < s->changes->nelts; i++) {
        const field_change *c = &APR_ARRAY_IDX(s->changes, i, field_change);
        if (strcmp(c->field->key, key) == 0) {
            return c->value;
        }
    }
    return cc_member_value(s->member, key);
}

/* The ID number must fit its document type and, for GB 11643 numbers, the
 * birth date. Checked when the save changes one of the three; the message
 * goes to the first of them it changes. */
static void check_id_number(profile_save *s)
{
    static const char *const keys[] = { "id_number", "id_type", "birth_date" };
    const char *blame = NULL;
    for (apr_size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && blame == NULL; i++) {
        if (strcmp(value_after(s, keys[i]), cc_member_value(s->member, keys[i])) != 0) {
            blame = keys[i];
        }
    }
    const char *number = value_after(s, "id_number"), *type = value_after(s, "id_type");
    if (blame == NULL || *number == '\0' || *type == '\0') {
        return;
    }
    const char *problem = cc_id_number_check(type, number, value_after(s, "birth_date"), s->r->pool);
    if (problem != NULL) {
        json_object_set_new(s->problems, blame, json_string(problem));
    }
}

/* Members change the fields the catalogue lets them; staff any field, but
 * only national staff move a member to another institute (out of the
 * provincial staff's own scope). */
static int may_edit(const profile_save *s, const cc_field *f)
{
    const char *scope = s->editor->scope;
    if (scope == NULL) {
        return f->editable;
    }
    return strcmp(f->kind, "institute") != 0 || strcmp(scope, CC_NATIONAL_INSTITUTE) == 0;
}

/* Sorts every submitted field into unknown, locked, problems or changes.
 * Returns what the save comes to. */
static cc_result classify(profile_save *s)
{
    const apr_array_header_t *entries = apr_table_elts(s->params);
    for (int i = 0; i < entries->nelts; i++) {
        const apr_table_entry_t *e = &APR_ARRAY_IDX(entries, i, apr_table_entry_t);
        if (strcmp(e->key, CSRF_PARAM) == 0) {
            continue;
        }
        const cc_field *f = cc_member_field(s->member, e->key);
        if (f == NULL) {
            APR_ARRAY_PUSH(s->unknown, const char *) = e->key;
            continue;
        }
        cc_result status = may_edit(s, f) ? check_editable(s, f, e->val) : check_locked(s, f, e->val);
        if (status != CC_DONE) {
            return status;
        }
    }
    if (s->unknown->nelts > 0) {
        return CC_UNKNOWN_FIELD;
    }
    if (s->locked->nelts > 0) {
        return s->editor->scope ? CC_NATIONAL_ONLY_FIELD : CC_STAFF_ONLY_FIELD;
    }
    if (json_object_size(s->problems) == 0) {
        check_id_number(s);
    }
    return json_object_size(s->problems) > 0 ? CC_INVALID_FIELDS : CC_DONE;
}

/* {"field":…,"old":…,"new":…} for the audit trail. */
static const char *audit_detail(const field_change *c, apr_pool_t *p)
{
    const char *detail = cc_json_text(json_pack("{s:s, s:s, s:s}", "field", c->field->key, "old",
                                                shown_value(c->field, c->field->value, p), "new",
                                                shown_value(c->field, c->value, p)),
                                      p);
    return detail ? detail : "";
}

/* Replaces the member_fields row of one change (none for an empty value)
 * and audits it. */
static cc_result write_change(profile_save *s, const field_change *c, const char *actor)
{
    request_rec *r = s->r;
    const char *member_no = s->member->member_no;
    if (CC_DB_EXEC(r, s->dbd, "cc_profile_field_delete", member_no, c->field->key) < 0
        || (*c->value
            && CC_DB_EXEC(r, s->dbd, "cc_profile_field_insert", member_no, c->field->key, c->value) != 1)
        || cc_audit(r, s->dbd, actor, member_no, "profile_update", audit_detail(c, r->pool)) != CC_DONE) {
        return CC_DB_UNAVAILABLE;
    }
    return CC_DONE;
}

/* Staff lock only a member of their scope: another one is not found. */
static cc_result lock_and_load(profile_save *s)
{
    int rows = cc_member_lock(s->r, s->dbd, s->editor->member_no, s->editor->scope);
    if (rows < 0) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows == 0) {
        return CC_NOT_FOUND;
    }
    return cc_member_load(s->r, s->dbd, s->editor->member_no, &s->member);
}

/* cc_db_work_fn: lock, read what is stored, check, write. Validation runs on
 * the values read under the lock, so a concurrent save cannot slip in
 * between the check and the write. Nothing to change rolls back too. */
static int save_in_transaction(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    profile_save *s = arg;
    s->status = lock_and_load(s);
    if (s->status == CC_DONE) {
        s->status = classify(s);
    }
    for (int i = 0; s->status == CC_DONE && i < s->changes->nelts; i++) {
        s->status = write_change(s, &APR_ARRAY_IDX(s->changes, i, field_change), s->editor->actor);
    }
    return s->status == CC_DONE && s->changes->nelts > 0 ? 0 : -1;
}

static apr_array_header_t *changed_keys(const profile_save *s)
{
    apr_array_header_t *keys = apr_array_make(s->r->pool, s->changes->nelts, sizeof(const char *));
    for (int i = 0; i < s->changes->nelts; i++) {
        APR_ARRAY_PUSH(keys, const char *) = APR_ARRAY_IDX(s->changes, i, field_change).field->key;
    }
    return keys;
}

cc_result cc_profile_save(request_rec *r, ap_dbd_t *dbd, const cc_profile_editor *editor, apr_table_t *params,
                          cc_profile_outcome *out)
{
    apr_pool_t *p = r->pool;
    profile_save s = {
        .r = r,
        .dbd = dbd,
        .editor = editor,
        .params = params,
        .today = cc_date_ymd(0, p),
        .status = CC_DB_UNAVAILABLE, /* stays so when BEGIN fails */
        .changes = apr_array_make(p, 8, sizeof(field_change)),
        .unknown = apr_array_make(p, 2, sizeof(const char *)),
        .locked = apr_array_make(p, 2, sizeof(const cc_field *)),
        .problems = json_object(),
    };
    /* A COMMIT that fails turns a good save into a failure. */
    if (cc_db_transaction(r, dbd, save_in_transaction, &s) != 0 && s.status == CC_DONE
        && s.changes->nelts > 0) {
        s.status = CC_DB_UNAVAILABLE;
    }
    out->member = s.member;
    out->unknown = s.unknown;
    out->locked = s.locked;
    out->problems = s.problems;
    out->changed = s.status == CC_DONE ? changed_keys(&s) : apr_array_make(p, 1, sizeof(const char *));
    if (s.status == CC_DONE) {
        /* The member as stored after the save. */
        return cc_member_load(r, dbd, editor->member_no, &out->member);
    }
    return s.status;
}
