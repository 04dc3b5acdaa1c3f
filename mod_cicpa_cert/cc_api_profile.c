/* PUT /me/profile: the member saves the fields they may edit, all or
 * nothing (guide 2.3: 修改信息, then 保存); GET /contacts: the institutes'
 * consultation phone numbers (点击此处查看咨询电话). */
#include <string.h>

#include "cc_admin.h"
#include "cc_api.h"
#include "cc_audit.h"
#include "cc_db.h"
#include "cc_fields.h"
#include "cc_http.h"
#include "cc_json.h"
#include "cc_text.h"

const cc_statement cc_profile_statements[] = {
    /* The first statement of every save. It takes the members row's lock on
     * PostgreSQL (SQLite's BEGIN IMMEDIATE already holds the database's write
     * lock), so two saves of one member run one after the other and each
     * reads what the previous one committed. */
    { "cc_profile_lock",
      "UPDATE members SET updated_at = CAST(%s AS BIGINT) WHERE member_no = %s" },
    /* The same for staff, on a member of their scope only. */
    { "cc_profile_lock_scoped",
      "UPDATE members SET updated_at = CAST(%s AS BIGINT) WHERE member_no = %s"
      " AND " CC_IN_SCOPE("members") },
    { "cc_profile_field_delete",
      "DELETE FROM member_fields WHERE member_no = %s AND field_key = %s" },
    { "cc_profile_field_insert",
      "INSERT INTO member_fields (member_no, field_key, value) VALUES (%s, %s, %s)" },
    { "cc_contacts_list",
      "SELECT code, name, phone FROM institutes ORDER BY sort_order" },
    { NULL, NULL }
};

/* The form field that carries the CSRF token of a cookie session. */
#define CSRF_PARAM "csrf_token"

/* A field the save changes. */
typedef struct field_change {
    const cc_field *field;  /* catalogue entry with the stored value */
    const char *value;      /* normalised new value; "" clears the field */
} field_change;

/* One save, worked out inside its transaction. */
typedef struct profile_save {
    cc_api_ctx *ctx;
    const cc_profile_editor *editor;  /* who saves whose profile */
    apr_table_t *params;          /* field_key -> submitted value */
    const char *today;            /* YYYY-MM-DD, the latest valid date */
    int status;                   /* OK saved, DECLINED nothing to change, 403, 422 or a failure */
    cc_member *member;            /* as stored before the save */
    apr_array_header_t *changes;  /* field_change */
    apr_array_header_t *unknown;  /* const char *: keys not in the catalogue */
    apr_array_header_t *locked;   /* const cc_field *: staff-only fields sent with another value */
    json_t *problems;             /* field_key -> what is wrong with the value */
} profile_save;

static int is_id_number(const cc_field *f)
{
    return strcmp(f->kind, "id_number") == 0;
}

/* A value as it may be shown in the audit trail: ID numbers masked. */
static const char *shown_value(const cc_field *f, const char *value, apr_pool_t *p)
{
    return is_id_number(f) ? cc_mask_middle(value, p) : value;
}

/* True when raw is the stored value as GET /me shows it: a page may send the
 * masked ID number back untouched. */
static int is_masked_copy(const cc_field *f, const char *raw, apr_pool_t *p)
{
    return is_id_number(f) && *f->value && strcmp(raw, cc_mask_middle(f->value, p)) == 0;
}

/* Institute fields hold an institute code: plain text that must name a row
 * of the institutes table. */
static int check_institute(profile_save *s, const cc_field *f, const char *raw,
                           const char **norm, const char **problem)
{
    cc_institute *inst = NULL;
    *problem = cc_field_check("text", raw, f->max_chars, NULL, s->today, s->ctx->r->pool, norm);
    if (*problem != NULL || **norm == '\0') {
        return OK;
    }
    if (cc_institute_find(s->ctx->r, s->ctx->dbd, *norm, &inst) != OK) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (inst == NULL) {
        *problem = "所属注协不正确，请选择咨询电话列表中的注协";
    }
    return OK;
}

/* Checks raw against f's kind: *problem is NULL and *norm the value to store
 * when it is valid. Returns OK, or a failure status of the database. */
static int normalise(profile_save *s, const cc_field *f, const char *raw,
                     const char **norm, const char **problem)
{
    if (strcmp(f->kind, "institute") == 0) {
        return check_institute(s, f, raw, norm, problem);
    }
    *problem = cc_field_check(f->kind, raw, f->max_chars, f->options, s->today,
                              s->ctx->r->pool, norm);
    return OK;
}

static void add_change(profile_save *s, const cc_field *f, const char *value)
{
    field_change *c = apr_array_push(s->changes);
    c->field = f;
    c->value = value;
}

/* A member-editable field: valid, present when required, saved when it
 * differs from the stored value. */
static int check_editable(profile_save *s, const cc_field *f, const char *raw)
{
    const char *norm, *problem;
    if (is_masked_copy(f, raw, s->ctx->r->pool)) {
        return OK;
    }
    int status = normalise(s, f, raw, &norm, &problem);
    if (status != OK) {
        return status;
    }
    if (problem == NULL && f->required && *norm == '\0') {
        problem = apr_pstrcat(s->ctx->r->pool, f->label, "为必填项，不能为空", NULL);
    }
    if (problem != NULL) {
        json_object_set_new(s->problems, f->key, json_string(problem));
    } else if (strcmp(norm, f->value) != 0) {
        add_change(s, f, norm);
    }
    return OK;
}

/* A staff-only field may be sent back unchanged (as stored, as shown, or
 * differing only in what normalisation removes); any other value is an
 * attempt to change it. */
static int check_locked(profile_save *s, const cc_field *f, const char *raw)
{
    const char *norm, *problem;
    if (strcmp(raw, f->value) == 0 || is_masked_copy(f, raw, s->ctx->r->pool)) {
        return OK;
    }
    int status = normalise(s, f, raw, &norm, &problem);
    if (status == OK && (problem != NULL || strcmp(norm, f->value) != 0)) {
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
    const char *problem = cc_id_number_check(type, number, value_after(s, "birth_date"),
                                             s->ctx->r->pool);
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
static int classify(profile_save *s)
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
        int status = may_edit(s, f) ? check_editable(s, f, e->val) : check_locked(s, f, e->val);
        if (status != OK) {
            return status;
        }
    }
    if (s->unknown->nelts > 0) {
        return HTTP_UNPROCESSABLE_ENTITY;
    }
    if (s->locked->nelts > 0) {
        return HTTP_FORBIDDEN;
    }
    if (json_object_size(s->problems) == 0) {
        check_id_number(s);
    }
    if (json_object_size(s->problems) > 0) {
        return HTTP_UNPROCESSABLE_ENTITY;
    }
    return s->changes->nelts > 0 ? OK : DECLINED;
}

/* {"field":…,"old":…,"new":…} for the audit trail. */
static const char *audit_detail(const field_change *c, apr_pool_t *p)
{
    const char *detail = cc_json_text(json_pack("{s:s, s:s, s:s}", "field", c->field->key,
                                                "old", shown_value(c->field, c->field->value, p),
                                                "new", shown_value(c->field, c->value, p)), p);
    return detail ? detail : "";
}

/* Replaces the member_fields row of one change (none for an empty value)
 * and audits it. */
static int write_change(profile_save *s, const field_change *c, const char *actor)
{
    request_rec *r = s->ctx->r;
    const char *member_no = s->member->member_no;
    const char *key_args[] = { member_no, c->field->key };
    const char *row_args[] = { member_no, c->field->key, c->value };
    if (cc_db_exec(r, s->ctx->dbd, "cc_profile_field_delete", 2, key_args) < 0
        || (*c->value && cc_db_exec(r, s->ctx->dbd, "cc_profile_field_insert", 3, row_args) != 1)
        || cc_audit(r, s->ctx->dbd, actor, member_no, "profile_update", audit_detail(c, r->pool)) != 0) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    return OK;
}

/* Staff lock only a member of their scope: another one is not found. */
static int lock_and_load(profile_save *s)
{
    const char *member_no = s->editor->member_no, *scope = s->editor->scope;
    const char *args[] = { cc_db_now(s->ctx->r), member_no, scope, scope };
    int rows = scope ? cc_db_exec(s->ctx->r, s->ctx->dbd, "cc_profile_lock_scoped", 4, args)
                     : cc_db_exec(s->ctx->r, s->ctx->dbd, "cc_profile_lock", 2, args);
    if (rows < 0) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (rows == 0) {
        return HTTP_NOT_FOUND;
    }
    return cc_member_load(s->ctx->r, s->ctx->dbd, member_no, &s->member);
}

/* cc_db_work_fn: lock, read what is stored, check, write. Validation runs on
 * the values read under the lock, so a concurrent save cannot slip in
 * between the check and the write. */
static int save_in_transaction(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    profile_save *s = arg;
    s->status = lock_and_load(s);
    if (s->status == OK) {
        s->status = classify(s);
    }
    for (int i = 0; s->status == OK && i < s->changes->nelts; i++) {
        s->status = write_change(s, &APR_ARRAY_IDX(s->changes, i, field_change), s->editor->actor);
    }
    return s->status == OK ? 0 : -1;
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

int cc_api_send_contact_institute(cc_api_ctx *ctx, int status, const char *code, const char *lead,
                                  const cc_member *m, const apr_array_header_t *fields,
                                  json_t *extra)
{
    apr_pool_t *p = ctx->r->pool;
    json_t *keys = json_array();
    for (int i = 0; i < fields->nelts; i++) {
        json_array_append_new(keys, json_string(APR_ARRAY_IDX(fields, i, const cc_field *)->key));
    }
    if (extra == NULL) {
        extra = json_object();
    }
    json_object_set_new(extra, "fields", keys);
    json_object_set_new(extra, "institute", cc_api_institute_json(m->institute));
    const char *message = apr_pstrcat(p, lead, "：", joined_labels(fields, p), "。请联系",
                                      institute_contact(m->institute, p), "。", NULL);
    return cc_send_error_with(ctx->r, status, code, message, extra);
}

static json_t *string_array(const apr_array_header_t *strings)
{
    json_t *a = json_array();
    for (int i = 0; i < strings->nelts; i++) {
        json_array_append_new(a, json_string(APR_ARRAY_IDX(strings, i, const char *)));
    }
    return a;
}

static json_t *changed_keys(const profile_save *s)
{
    json_t *a = json_array();
    for (int i = 0; i < s->changes->nelts; i++) {
        json_array_append_new(a, json_string(APR_ARRAY_IDX(s->changes, i, field_change).field->key));
    }
    return a;
}

/* 200 with the member as GET /me shows them after the save, and the keys
 * it changed. */
static int send_saved(profile_save *s)
{
    cc_member *m;
    int status = cc_member_load(s->ctx->r, s->ctx->dbd, s->editor->member_no, &m);
    if (status != OK) {
        return cc_api_fail(s->ctx, status);
    }
    json_t *doc = cc_api_member_json(s->ctx, m);
    json_object_set_new(doc, "changed", s->status == OK ? changed_keys(s) : json_array());
    return cc_send_json(s->ctx->r, HTTP_OK, doc);
}

static json_t *locked_keys(const profile_save *s)
{
    json_t *a = json_array();
    for (int i = 0; i < s->locked->nelts; i++) {
        json_array_append_new(a, json_string(APR_ARRAY_IDX(s->locked, i, const cc_field *)->key));
    }
    return a;
}

static int send_outcome(profile_save *s)
{
    request_rec *r = s->ctx->r;
    switch (s->status) {
    case OK:
    case DECLINED:
        return send_saved(s);
    case HTTP_FORBIDDEN:
        if (s->editor->scope != NULL) {
            return cc_send_error_with(r, HTTP_FORBIDDEN, "national_only_field",
                                      "所属注协只能由中注协工作人员修改，未保存任何修改",
                                      json_pack("{s:o}", "fields", locked_keys(s)));
        }
        return cc_api_send_contact_institute(s->ctx, HTTP_FORBIDDEN, "staff_only_field",
                                             "以下信息您无法修改，需由所属注协修改",
                                             s->member, s->locked, NULL);
    case HTTP_UNPROCESSABLE_ENTITY:
        if (s->unknown->nelts > 0) {
            return cc_send_error_with(r, HTTP_UNPROCESSABLE_ENTITY, "unknown_field",
                                      "提交了不存在的信息项，未保存任何修改",
                                      json_pack("{s:o}", "fields", string_array(s->unknown)));
        }
        return cc_send_error_with(r, HTTP_UNPROCESSABLE_ENTITY, "invalid_fields",
                                  "信息填写有误，未保存任何修改，请按提示修改后再保存",
                                  json_pack("{s:O}", "fields", s->problems));
    default:
        return cc_api_fail(s->ctx, s->status);
    }
}

int cc_profile_save(cc_api_ctx *ctx, const cc_profile_editor *editor, apr_table_t *params)
{
    apr_pool_t *p = ctx->r->pool;
    profile_save s = {
        .ctx = ctx, .editor = editor, .params = params, .today = cc_date_ymd(0, p),
        .status = HTTP_SERVICE_UNAVAILABLE,  /* stays so when BEGIN fails */
        .changes = apr_array_make(p, 8, sizeof(field_change)),
        .unknown = apr_array_make(p, 2, sizeof(const char *)),
        .locked = apr_array_make(p, 2, sizeof(const cc_field *)),
        .problems = json_object(),
    };
    /* A COMMIT that fails turns a good save into a failure. */
    if (cc_db_transaction(ctx->r, ctx->dbd, save_in_transaction, &s) != 0 && s.status == OK) {
        s.status = HTTP_SERVICE_UNAVAILABLE;
    }
    int sent = send_outcome(&s);
    json_decref(s.problems);
    return sent;
}

int cc_api_profile_put(cc_api_ctx *ctx)
{
    apr_table_t *params;
    if (cc_read_params(ctx->r, ctx->conf->max_body, &params) != OK) {
        return OK;
    }
    if (!cc_session_csrf_ok(ctx->r, ctx->session, params)) {
        return cc_api_csrf_error(ctx);
    }
    const char *member_no = ctx->session->member_no;
    cc_profile_editor self = { member_no, apr_pstrcat(ctx->r->pool, "member:", member_no, NULL), NULL };
    return cc_profile_save(ctx, &self, params);
}

int cc_api_contacts(cc_api_ctx *ctx)
{
    apr_array_header_t *rows = cc_db_select(ctx->r, ctx->dbd, "cc_contacts_list", 0, NULL);
    if (rows == NULL) {
        return cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
    }
    json_t *list = json_array();
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        cc_institute inst = { row[0], row[1], row[2] ? row[2] : "" };
        json_array_append_new(list, cc_api_institute_json(&inst));
    }
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:o}", "institutes", list));
}
