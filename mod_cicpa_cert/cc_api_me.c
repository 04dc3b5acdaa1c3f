/* GET /me and GET /me/photo. */
#include <string.h>

#include "cc_api.h"
#include "cc_db.h"
#include "cc_http.h"
#include "cc_member.h"
#include "cc_text.h"

const cc_statement cc_photo_statements[] = {
    { "cc_photo_get",
      "SELECT jpeg_b64 FROM member_photos WHERE member_no = %s" },
    { "cc_photo_present",
      "SELECT sha256 FROM member_photos WHERE member_no = %s" },
    { "cc_photo_status",
      "SELECT photo_status FROM members WHERE member_no = %s" },
    { NULL, NULL }
};

/* The guide's two photo messages, told apart. */
#define MSG_NO_PHOTO "没有查询到照片信息"
#define MSG_PHOTO_FAILED "获取照片信息失败"

static int is_id_number(const cc_field *f)
{
    return strcmp(f->kind, "id_number") == 0;
}

static json_t *field_json(const cc_field *f, apr_pool_t *p)
{
    const char *value = is_id_number(f) ? cc_mask_middle(f->value, p) : f->value;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:i}",
                          "key", f->key, "label", f->label, "kind", f->kind,
                          "value", value, "required", f->required,
                          "editable", f->editable, "max_chars", f->max_chars);
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

json_t *cc_api_institute_json(const cc_institute *inst)
{
    if (inst == NULL) {
        return json_null();
    }
    return json_pack("{s:s, s:s, s:s}", "code", inst->code, "name", inst->name,
                     "phone", inst->phone);
}

/* "on_file" is only believed when the photo row can be read: otherwise the
 * member sees the guide's 获取照片信息失败, not a photo that will not load. */
static const char *photo_state(cc_api_ctx *ctx, const cc_member *m)
{
    if (strcmp(m->photo_status, "on_file") != 0) {
        return m->photo_status;
    }
    const char *args[] = { m->member_no };
    apr_array_header_t *rows = cc_db_select(ctx->r, ctx->dbd, "cc_photo_present", 1, args);
    return rows && rows->nelts == 1 ? "on_file" : "unavailable";
}

static json_t *photo_json(cc_api_ctx *ctx, const cc_member *m)
{
    const char *state = photo_state(ctx, m);
    json_t *o = json_pack("{s:s, s:b}", "status", state, "on_file", strcmp(state, "on_file") == 0);
    if (strcmp(state, "none") == 0) {
        json_object_set_new(o, "message", json_string(MSG_NO_PHOTO));
        /* The institute's reason for rejecting the last uploaded photo. */
        if (*m->review_note) {
            json_object_set_new(o, "review_note", json_string(m->review_note));
        }
    } else if (strcmp(state, "unavailable") == 0) {
        json_object_set_new(o, "message", json_string(MSG_PHOTO_FAILED));
    }
    return o;
}

json_t *cc_api_member_json(cc_api_ctx *ctx, const cc_member *m)
{
    apr_pool_t *p = ctx->r->pool;
    json_t *fields = json_array(), *missing = json_array();
    for (int i = 0; i < m->fields->nelts; i++) {
        json_array_append_new(fields, field_json(&APR_ARRAY_IDX(m->fields, i, cc_field), p));
    }
    apr_array_header_t *absent = cc_member_missing(m, p);
    for (int i = 0; i < absent->nelts; i++) {
        json_array_append_new(missing, json_string(APR_ARRAY_IDX(absent, i, const cc_field *)->key));
    }
    json_t *registration = m->registration_until
        ? json_string(cc_date_ymd(apr_time_from_sec(m->registration_until), p)) : json_null();
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:i, s:o, s:o, s:s, s:s}",
                     "member_no", m->member_no, "user_type", m->user_type,
                     "user_type_label", cc_user_type_label(m->user_type),
                     "fields", fields, "missing_required", missing,
                     "photo", photo_json(ctx, m), "compare_attempts_left", m->attempts_left,
                     "institute", cc_api_institute_json(m->institute),
                     "registration_valid_until", registration,
                     "next_step", cc_member_next_step(m, p),
                     "csrf_token", ctx->session->csrf_token);
}

int cc_api_me(cc_api_ctx *ctx)
{
    cc_member *m;
    int status = cc_member_load(ctx->r, ctx->dbd, ctx->session->member_no, &m);
    if (status != OK) {
        return cc_api_fail(ctx, status);
    }
    return cc_send_json(ctx->r, HTTP_OK, cc_api_member_json(ctx, m));
}

/* A photo the member's record says is on file but that cannot be read is
 * 获取照片信息失败 (503), not 没有查询到照片信息 (404), as GET /me says. */
int cc_api_load_photo(cc_api_ctx *ctx, unsigned char **jpeg, apr_size_t *len)
{
    const char *args[] = { ctx->session->member_no };
    int status = cc_db_select_jpeg(ctx->r, ctx->dbd, "cc_photo_get", 1, args, jpeg, len);
    if (status != HTTP_NOT_FOUND) {
        return status;
    }
    apr_array_header_t *rows = cc_db_select(ctx->r, ctx->dbd, "cc_photo_status", 1, args);
    if (rows == NULL || (rows->nelts == 1 && strcmp(APR_ARRAY_IDX(rows, 0, const char **)[0], "on_file") == 0)) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    return HTTP_NOT_FOUND;
}

int cc_api_photo_error(cc_api_ctx *ctx, int status)
{
    if (status == HTTP_NOT_FOUND) {
        return cc_send_error(ctx->r, HTTP_NOT_FOUND, "photo_not_found", MSG_NO_PHOTO);
    }
    return cc_send_error(ctx->r, HTTP_SERVICE_UNAVAILABLE, "photo_unavailable", MSG_PHOTO_FAILED);
}

int cc_api_me_photo(cc_api_ctx *ctx)
{
    if (ctx->r->method_number == M_POST) {
        return cc_api_me_photo_upload(ctx);
    }
    unsigned char *jpeg;
    apr_size_t len;
    int status = cc_api_load_photo(ctx, &jpeg, &len);
    if (status != OK) {
        return cc_api_photo_error(ctx, status);
    }
    return cc_send_jpeg(ctx->r, jpeg, len, "private, max-age=0");
}
