/* GET /health: 200 {"status":"ok"} while this node can serve, for
 * balancers (mod_proxy_hcheck) and monitors; no session, no personal data. */
#include "cc_api.h"
#include "cc_health.h"
#include "cc_http.h"
#include "cc_reply.h"

int cc_api_health(cc_api_ctx *ctx)
{
    apr_table_setn(ctx->r->headers_out, "Cache-Control", "no-store");
    cc_result result = cc_health_check(ctx->r, ctx->dbd);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    return cc_send_json(ctx->r, HTTP_OK, json_pack("{s:s}", "status", "ok"));
}
