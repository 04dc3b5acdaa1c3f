/* POST /photo/check (the free pre-check) and POST /me/photo (the upload and
 * the one paid comparison with the national photo database). */
#include <string.h>
#include <apr_base64.h>

#include "cc_api.h"
#include "cc_audit.h"
#include "cc_crypto.h"
#include "cc_db.h"
#include "cc_face_client.h"
#include "cc_fields.h"
#include "cc_http.h"
#include "cc_member.h"
#include "cc_multipart.h"
#include "cc_photo_rules.h"

const cc_statement cc_upload_statements[] = {
    /* Only one upload holds the claim; it expires in case a child dies. */
    { "cc_compare_claim",
      "UPDATE members SET compare_claim = %s, compare_claim_until = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND photo_status = 'none'"
      " AND compare_attempts_used < CAST(%s AS INTEGER)"
      " AND (compare_claim = '' OR compare_claim_until < CAST(%s AS BIGINT))" },
    { "cc_compare_release",
      "UPDATE members SET compare_claim = '', compare_claim_until = 0"
      " WHERE member_no = %s AND compare_claim = %s" },
    { "cc_compare_settle",
      "UPDATE members SET compare_claim = '', compare_claim_until = 0,"
      " compare_attempts_used = compare_attempts_used + 1, photo_status = %s,"
      " updated_at = CAST(%s AS BIGINT) WHERE member_no = %s AND compare_claim = %s" },
    { "cc_compare_record",
      "INSERT INTO photo_comparisons (member_no, request_id, result, score, at)"
      " VALUES (%s, %s, %s, CAST(%s AS INTEGER), CAST(%s AS BIGINT))" },
    { "cc_review_without_compare",
      "UPDATE members SET photo_status = 'awaiting_review', updated_at = CAST(%s AS BIGINT)"
      " WHERE member_no = %s AND photo_status = 'none' AND compare_claim = ''" },
    { "cc_member_photo_delete",
      "DELETE FROM member_photos WHERE member_no = %s" },
    { "cc_member_photo_insert",
      "INSERT INTO member_photos (member_no, jpeg_b64, sha256, updated_at)"
      " VALUES (%s, %s, %s, CAST(%s AS BIGINT))" },
    { "cc_upload_delete",
      "DELETE FROM photo_uploads WHERE member_no = %s" },
    { "cc_upload_insert",
      "INSERT INTO photo_uploads (member_no, jpeg_b64, sha256, reason, uploaded_at)"
      " VALUES (%s, %s, %s, %s, CAST(%s AS BIGINT))" },
    { NULL, NULL }
};

#define MSG_MATCH "比对成功，可以信息确认并下载会员证！"
#define MSG_NO_MATCH "照片对比不成功，需要联系注协进行现场审核。"
#define MSG_NOT_CHARGED "（本次未消耗比对机会）"

static int upload_read_error(request_rec *r, int status)
{
    if (status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        return cc_send_error(r, status, "body_too_large", "上传内容过大：照片应在10-20K之间");
    }
    return cc_send_error(r, HTTP_BAD_REQUEST, "bad_request", "上传内容无法读取");
}

static int from_multipart(request_rec *r, const unsigned char *body, apr_size_t len, cc_upload *up)
{
    apr_array_header_t *parts;
    const char *err;
    if (cc_multipart_parse(apr_table_get(r->headers_in, "Content-Type"), body, len, r->pool,
                           &parts, &err) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "multipart refused: %s", err);
        return cc_send_error(r, HTTP_BAD_REQUEST, "malformed_multipart", "上传内容格式错误（multipart/form-data）");
    }
    const cc_multipart_part *photo = cc_multipart_find(parts, "photo");
    const cc_multipart_part *csrf = cc_multipart_find(parts, "csrf_token");
    if (photo == NULL) {
        return cc_send_error(r, HTTP_BAD_REQUEST, "photo_missing", "请选择要上传的照片（表单字段 photo）");
    }
    up->jpeg = photo->data;
    up->len = photo->len;
    if (csrf != NULL) {
        apr_table_setn(up->fields, "csrf_token", apr_pstrmemdup(r->pool, (const char *)csrf->data, csrf->len));
    }
    return OK;
}

int cc_api_read_upload(cc_api_ctx *ctx, cc_upload *up)
{
    request_rec *r = ctx->r;
    const unsigned char *body;
    apr_size_t len;
    int multipart = cc_media_type_is(r, "multipart/form-data");
    memset(up, 0, sizeof(*up));
    up->fields = apr_table_make(r->pool, 1);
    if (!multipart && !cc_media_type_is(r, "image/jpeg")) {
        cc_send_error(r, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                      "请以 multipart/form-data（字段 photo）或 image/jpeg 上传照片");
        return HTTP_UNSUPPORTED_MEDIA_TYPE;
    }
    int status = cc_read_body(r, (apr_size_t)ctx->conf->photo.max_upload, &body, &len);
    if (status != OK) {
        upload_read_error(r, status);
        return status;
    }
    if (!multipart) {
        up->jpeg = body;
        up->len = len;
        return OK;
    }
    status = from_multipart(r, body, len, up);
    return status == OK && up->jpeg ? OK : HTTP_BAD_REQUEST;
}

static json_t *problems_json(const apr_array_header_t *problems)
{
    json_t *list = json_array();
    for (int i = 0; i < problems->nelts; i++) {
        const cc_photo_problem *pr = &APR_ARRAY_IDX(problems, i, cc_photo_problem);
        json_array_append_new(list, json_pack("{s:s, s:s}", "code", pr->code, "message", pr->message));
    }
    return list;
}

static apr_array_header_t *check_photo(const cc_upload *up, apr_pool_t *p)
{
    cc_photo_rules rules;
    cc_photo_rules_default(&rules);
    return cc_photo_check(&rules, up->jpeg, up->len, p);
}

int cc_api_photo_check(cc_api_ctx *ctx)
{
    cc_upload up;
    if (cc_api_read_upload(ctx, &up) != OK) {
        return OK;
    }
    apr_array_header_t *problems = check_photo(&up, ctx->r->pool);
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:b, s:o}", "ok", problems->nelts == 0,
                                                   "problems", problems_json(problems)));
}

int cc_api_refuse_bad_photo(cc_api_ctx *ctx, const cc_upload *up, const char *message)
{
    apr_array_header_t *problems = check_photo(up, ctx->r->pool);
    if (problems->nelts == 0) {
        return OK;
    }
    cc_send_error_with(ctx->r, HTTP_UNPROCESSABLE_ENTITY, "photo_rejected", message,
                       json_pack("{s:o}", "problems", problems_json(problems)));
    return HTTP_UNPROCESSABLE_ENTITY;
}

/* 409 when the member's state leaves no comparison to make; DECLINED otherwise. */
static int refuse_by_state(cc_api_ctx *ctx, const cc_member *m)
{
    if (strcmp(m->photo_status, "on_file") == 0) {
        return cc_send_error(ctx->r, HTTP_CONFLICT, "photo_on_file", "系统中已有您的照片，无需上传");
    }
    if (strcmp(m->photo_status, "awaiting_review") == 0) {
        return cc_send_error_with(ctx->r, HTTP_CONFLICT, "onsite_review_pending",
                                  "照片对比不成功，需要联系注协进行现场审核。",
                                  json_pack("{s:o}", "institute", cc_api_institute_json(m->institute)));
    }
    if (m->attempts_left <= 0) {
        return cc_send_error_with(ctx->r, HTTP_CONFLICT, "no_attempts_left",
                                  "您的照片比对机会已用完，请联系所属注协进行现场审核",
                                  json_pack("{s:o}", "institute", cc_api_institute_json(m->institute)));
    }
    return DECLINED;
}

/* 409 contact_institute when the ID document type or number is missing:
 * there is nothing to compare against, and only the institute fills them.
 * Nothing is stored and no attempt is used. DECLINED otherwise. */
static int refuse_without_identity(cc_api_ctx *ctx, const cc_member *m)
{
    apr_array_header_t *missing = cc_member_missing_identity(m, ctx->r->pool);
    if (missing->nelts == 0) {
        return DECLINED;
    }
    return cc_api_send_contact_institute(ctx, HTTP_CONFLICT, "contact_institute",
                                         "您的证件信息不完整，照片无法比对（本次未消耗比对机会），以下信息需由所属注协补充",
                                         m, missing, NULL);
}

typedef struct comparison {
    const char *member_no;       /* whose */
    const cc_upload *up;            /* the photo */
    const char *request_id;      /* the claim and the provider request id */
    cc_face_response resp;       /* the provider's answer */
    const char *now;             /* Unix seconds */
} comparison;

static int store_photo_rows(request_rec *r, ap_dbd_t *dbd, const comparison *c,
                            const char *delete_label, const char *insert_label, const char *reason)
{
    char *b64 = apr_palloc(r->pool, apr_base64_encode_len((int)c->up->len));
    apr_base64_encode_binary(b64, c->up->jpeg, (int)c->up->len);
    const char *sha = cc_sha256_hex(c->up->jpeg, c->up->len, r->pool);
    const char *del[] = { c->member_no };
    const char *ins_photo[] = { c->member_no, b64, sha, c->now };
    const char *ins_upload[] = { c->member_no, b64, sha, reason, c->now };
    if (cc_db_exec(r, dbd, delete_label, 1, del) < 0) {
        return -1;
    }
    return reason ? (cc_db_exec(r, dbd, insert_label, 5, ins_upload) == 1 ? 0 : -1)
                  : (cc_db_exec(r, dbd, insert_label, 4, ins_photo) == 1 ? 0 : -1);
}

/* The comparison's audit row (request id, result, score; never the photo). */
static int audit_comparison(request_rec *r, ap_dbd_t *dbd, const comparison *c)
{
    return cc_audit(r, dbd, apr_pstrcat(r->pool, "member:", c->member_no, NULL),
                    c->member_no, "photo_comparison",
                    apr_psprintf(r->pool, "{\"request_id\":\"%s\",\"result\":\"%s\",\"score\":%d}",
                                 c->request_id, cc_face_result_name(c->resp.result), c->resp.score));
}

/* Settles a definitive answer: attempt used, photo kept, claim cleared,
 * and its audit row: a paid comparison is never left unrecorded. */
static int settle_definitive(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    const comparison *c = arg;
    int match = c->resp.result == CC_FACE_MATCH;
    const char *settle[] = { match ? "on_file" : "awaiting_review", c->now, c->member_no, c->request_id };
    const char *record[] = { c->member_no, c->request_id, cc_face_result_name(c->resp.result),
                             apr_itoa(r->pool, c->resp.score), c->now };
    if (cc_db_exec(r, dbd, "cc_compare_settle", 4, settle) != 1
        || cc_db_exec(r, dbd, "cc_compare_record", 5, record) != 1
        || audit_comparison(r, dbd, c) != 0) {
        return -1;
    }
    return match ? store_photo_rows(r, dbd, c, "cc_member_photo_delete", "cc_member_photo_insert", NULL)
                 : store_photo_rows(r, dbd, c, "cc_upload_delete", "cc_upload_insert", "no_match");
}

static int answer_definitive(cc_api_ctx *ctx, const cc_member *m, const comparison *c)
{
    if (c->resp.result == CC_FACE_MATCH) {
        return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:s, s:s, s:i, s:s}", "result", "match",
                            "message", MSG_MATCH, "score", c->resp.score, "next_step", "download"));
    }
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:s, s:s, s:i, s:s, s:o}", "result", "no_match",
                        "message", MSG_NO_MATCH, "score", c->resp.score, "next_step", "onsite_review",
                        "institute", cc_api_institute_json(m->institute)));
}

/* A non-definitive answer costs nothing: say what to do next. */
static int answer_not_charged(cc_api_ctx *ctx, const comparison *c)
{
    switch (c->resp.result) {
    case CC_FACE_POOR_QUALITY:
        return cc_send_error(ctx->r, HTTP_UNPROCESSABLE_ENTITY, "photo_quality",
                             "照片质量不满足比对要求，请更换清晰的证件照后重试" MSG_NOT_CHARGED);
    case CC_FACE_NO_FACE:
        return cc_send_error(ctx->r, HTTP_UNPROCESSABLE_ENTITY, "no_face",
                             "照片中未检测到人脸，请上传本人免冠证件照" MSG_NOT_CHARGED);
    case CC_FACE_NOT_FOUND:
        return cc_send_error(ctx->r, HTTP_UNPROCESSABLE_ENTITY, "identity_not_found",
                             "公安部照片库中未查询到您的身份信息，请联系所属注协" MSG_NOT_CHARGED);
    default:
        apr_table_setn(ctx->r->err_headers_out, "Retry-After", "60");
        return cc_send_error(ctx->r, HTTP_SERVICE_UNAVAILABLE, "comparison_unavailable",
                             "照片比对服务暂时不可用，请稍后再试" MSG_NOT_CHARGED);
    }
}

static int claim(cc_api_ctx *ctx, const cc_member *m, comparison *c)
{
    const cc_photo_conf *pc = &ctx->conf->photo;
    /* Long enough for every try to time out, then some. */
    apr_int64_t hold = (apr_int64_t)pc->verifier_timeout * pc->verifier_tries + 30;
    const char *args[] = { c->request_id,
        apr_psprintf(ctx->r->pool, "%" APR_INT64_T_FMT, apr_time_sec(apr_time_now()) + hold),
        m->member_no, apr_itoa(ctx->r->pool, pc->compare_attempts), c->now };
    return cc_db_exec(ctx->r, ctx->dbd, "cc_compare_claim", 5, args);
}

static int compare_once(cc_api_ctx *ctx, const cc_member *m, comparison *c)
{
    int claimed = claim(ctx, m, c);
    if (claimed < 0) {
        return cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
    }
    if (claimed == 0) {
        return cc_send_error(ctx->r, HTTP_CONFLICT, "comparison_in_progress",
                             "您的照片正在比对中或比对机会已用完，请稍后刷新查看结果");
    }
    cc_face_request req = { c->request_id, cc_member_value(m, "name"),
                            cc_member_value(m, "id_number"), c->up->jpeg, c->up->len };
    c->resp = cc_face_verify(ctx->r, &ctx->conf->photo, &req);
    if (!cc_face_result_is_definitive(c->resp.result)) {
        const char *release[] = { m->member_no, c->request_id };
        cc_db_exec(ctx->r, ctx->dbd, "cc_compare_release", 2, release);
        audit_comparison(ctx->r, ctx->dbd, c);
        return answer_not_charged(ctx, c);
    }
    if (cc_db_transaction(ctx->r, ctx->dbd, settle_definitive, c) != 0) {
        /* Paid for but not recorded: the claim stays until it expires, so
         * no second call is made meanwhile; the request id finds it. */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, ctx->r, "comparison %s answered %s but could not be saved",
                      c->request_id, cc_face_result_name(c->resp.result));
        return cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
    }
    return answer_definitive(ctx, m, c);
}

static int keep_for_review(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    const comparison *c = arg;
    const char *args[] = { c->now, c->member_no };
    if (cc_db_exec(r, dbd, "cc_review_without_compare", 2, args) != 1) {
        return -1;
    }
    return store_photo_rows(r, dbd, c, "cc_upload_delete", "cc_upload_insert", "id_type_not_covered");
}

/* The national database holds only resident identity cards: other
 * documents go straight to the on-site review, at no cost. */
static int review_without_compare(cc_api_ctx *ctx, const cc_member *m, comparison *c)
{
    if (cc_db_transaction(ctx->r, ctx->dbd, keep_for_review, c) != 0) {
        return cc_send_error(ctx->r, HTTP_CONFLICT, "comparison_in_progress",
                             "您的照片正在处理中，请稍后刷新查看结果");
    }
    cc_audit(ctx->r, ctx->dbd, apr_pstrcat(ctx->r->pool, "member:", m->member_no, NULL),
             m->member_no, "photo_kept_for_review", "{\"reason\":\"id_type_not_covered\"}");
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:s, s:s, s:s, s:o}", "result", "onsite_review",
                        "message", "您的证件类型无法与公安部照片库比对，照片已保存，请联系所属注协进行现场审核。",
                        "next_step", "onsite_review", "institute", cc_api_institute_json(m->institute)));
}

int cc_api_me_photo_upload(cc_api_ctx *ctx)
{
    cc_upload up;
    cc_member *m;
    if (cc_api_read_upload(ctx, &up) != OK) {
        return OK;
    }
    if (!cc_session_csrf_ok(ctx->r, ctx->session, up.fields)) {
        return cc_api_csrf_error(ctx);
    }
    if (cc_api_refuse_bad_photo(ctx, &up, "照片不符合要求，请按要求修改后重新上传（本次未消耗比对机会）") != OK) {
        return OK;
    }
    int status = cc_member_load(ctx->r, ctx->dbd, ctx->session->member_no, &m);
    if (status != OK) {
        return cc_api_fail(ctx, status);
    }
    if (refuse_by_state(ctx, m) != DECLINED) {
        return OK;
    }
    if (refuse_without_identity(ctx, m) != DECLINED) {
        return OK;
    }
    comparison c = { m->member_no, &up, cc_random_token(16, ctx->r->pool), { 0 }, cc_db_now(ctx->r) };
    if (!cc_id_type_is_mainland(cc_member_value(m, "id_type"))) {
        return review_without_compare(ctx, m, &c);
    }
    return compare_once(ctx, m, &c);
}
