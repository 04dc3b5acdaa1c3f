/* GET /me and GET /me/photo. */
#include "cc_api.h"
#include "cc_api_view.h"
#include "cc_http.h"
#include "cc_photo.h"
#include "cc_reply.h"

int cc_api_me(cc_api_ctx *ctx)
{
    cc_member *m;
    cc_result result = cc_member_load(ctx->r, ctx->dbd, ctx->session->member_no, &m);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    return cc_send_json(ctx->r, HTTP_OK, cc_view_member(ctx->r, ctx->dbd, m, ctx->session->csrf_token));
}

int cc_api_me_photo(cc_api_ctx *ctx)
{
    unsigned char *jpeg;
    apr_size_t len;
    cc_result result = cc_photo_load(ctx->r, ctx->dbd, ctx->session->member_no, &jpeg, &len);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    return cc_send_jpeg(ctx->r, jpeg, len, "private, max-age=0");
}
