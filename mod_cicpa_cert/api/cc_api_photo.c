/* POST /photo/check (the free pre-check) and POST /me/photo (the upload and
 * the one paid comparison with the national photo database, cc_photo.h). */
#include <string.h>

#include "cc_api.h"
#include "cc_api_input.h"
#include "cc_api_view.h"
#include "cc_http.h"
#include "cc_photo.h"
#include "cc_reply.h"

#define MSG_MATCH "比对成功，可以信息确认并下载会员证！"
#define MSG_NO_MATCH "照片对比不成功，需要联系注协进行现场审核。"
#define MSG_KEPT "您的证件类型无法与公安部照片库比对，照片已保存，请联系所属注协进行现场审核。"

int cc_api_photo_check(cc_api_ctx *ctx)
{
    cc_upload up;
    cc_result result = cc_api_read_upload(ctx->r, &up);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    apr_array_header_t *problems = cc_api_photo_problems(ctx->r, &up);
    return cc_send_json(
        ctx->r, HTTP_OK,
        json_pack("{s:b, s:o}", "ok", problems->nelts == 0, "problems", cc_view_photo_problems(problems)));
}

static int send_outcome(cc_api_ctx *ctx, const cc_photo_outcome *out)
{
    json_t *institute = cc_view_institute(out->member->institute);
    if (strcmp(out->result, "match") == 0) {
        json_decref(institute);
        return cc_send_json(ctx->r, HTTP_OK,
                            json_pack("{s:s, s:s, s:i, s:s}", "result", "match", "message", MSG_MATCH,
                                      "score", out->score, "next_step", "download"));
    }
    if (strcmp(out->result, "no_match") == 0) {
        return cc_send_json(ctx->r, HTTP_OK,
                            json_pack("{s:s, s:s, s:i, s:s, s:o}", "result", "no_match", "message",
                                      MSG_NO_MATCH, "score", out->score, "next_step", "onsite_review",
                                      "institute", institute));
    }
    return cc_send_json(ctx->r, HTTP_OK,
                        json_pack("{s:s, s:s, s:s, s:o}", "result", "onsite_review", "message", MSG_KEPT,
                                  "next_step", "onsite_review", "institute", institute));
}

static int send_refusal(cc_api_ctx *ctx, cc_result result, const cc_photo_outcome *out)
{
    switch (result) {
    case CC_ONSITE_REVIEW_PENDING:
    case CC_NO_ATTEMPTS_LEFT:
        return cc_reply_with(ctx->r, result,
                             json_pack("{s:o}", "institute", cc_view_institute(out->member->institute)));
    case CC_IDENTITY_INCOMPLETE:
        return cc_reply_contact_institute(ctx->r, result, out->member, out->missing, NULL);
    default:
        return cc_reply(ctx->r, result);
    }
}

int cc_api_me_photo_upload(cc_api_ctx *ctx)
{
    cc_upload up;
    cc_result result = cc_api_read_upload(ctx->r, &up);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    if (!cc_session_csrf_ok(ctx->r, ctx->session, up.fields)) {
        return cc_reply(ctx->r, CC_CSRF);
    }
    apr_array_header_t *problems = cc_api_photo_problems(ctx->r, &up);
    if (problems->nelts > 0) {
        return cc_reply_with(ctx->r, CC_PHOTO_REJECTED,
                             json_pack("{s:o}", "problems", cc_view_photo_problems(problems)));
    }
    cc_photo_outcome out = { 0 };
    result = cc_photo_upload(ctx->r, ctx->dbd, ctx->session->member_no, up.jpeg, up.len, &out);
    return result == CC_DONE ? send_outcome(ctx, &out) : send_refusal(ctx, result, &out);
}
