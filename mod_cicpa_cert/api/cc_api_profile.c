/* PUT /me/profile: the member saves the fields they may edit, all or
 * nothing (guide 2.3: 修改信息, then 保存; cc_profile.h); GET /contacts: the
 * institutes' consultation phone numbers (点击此处查看咨询电话). */
#include "cc_api.h"
#include "cc_api_view.h"
#include "cc_http.h"
#include "cc_institute.h"
#include "cc_profile.h"
#include "cc_reply.h"

int cc_api_profile_put(cc_api_ctx *ctx)
{
    apr_table_t *params;
    cc_result result = cc_read_params(ctx->r, ctx->conf->max_body, &params);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    if (!cc_session_csrf_ok(ctx->r, ctx->session, params)) {
        return cc_reply(ctx->r, CC_CSRF);
    }
    const char *member_no = ctx->session->member_no;
    cc_profile_editor self = { member_no, apr_pstrcat(ctx->r->pool, "member:", member_no, NULL), NULL };
    cc_profile_outcome out;
    result = cc_profile_save(ctx->r, ctx->dbd, &self, params, &out);
    return cc_reply_profile_saved(ctx->r, ctx->dbd, result, &out, ctx->session->csrf_token);
}

int cc_api_contacts(cc_api_ctx *ctx)
{
    apr_array_header_t *institutes;
    cc_result result = cc_institute_list(ctx->r, ctx->dbd, NULL, &institutes);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    return cc_send_json(ctx->r, HTTP_OK, cc_view_institutes(institutes));
}
