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
    json_t *doc = cc_view_member(ctx->r, ctx->dbd, m, ctx->session->csrf_token);
    /* The pages skip the login and hide their sign-out behind the portal's. */
    int by_portal = cc_dir_conf_get(ctx->r).identity == CC_IDENTITY_HTTPD;
    json_object_set_new(doc, "signed_in_by", json_string(by_portal ? "portal" : "module"));
    return cc_send_json(ctx->r, HTTP_OK, doc);
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
