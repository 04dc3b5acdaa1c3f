/* POST /members/{no}/certificate: issues and stores a member's certificate
 * as their download would (cc_certificate_prepare), without sending it.
 * cicpa-admin issue-certificates calls it for every member of a batch. */
#include "cc_admin.h"
#include "cc_certificate_download.h"
#include "cc_http.h"
#include "cc_member.h"
#include "cc_reply.h"

static json_t *certificate_json(const cc_download *d)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:b}", "id", d->certificate->id, "serial", d->certificate->serial,
                     "sha256", d->pdf.sha256, "size", (json_int_t)d->pdf.len, "issued", d->issued);
}

int cc_admin_issue(cc_admin_ctx *ctx)
{
    apr_table_t *params;
    cc_download d;
    cc_result result = cc_admin_read_change(ctx, &params);
    if (result == CC_DONE) {
        result = cc_member_in_scope(ctx->r, ctx->dbd, ctx->staff, ctx->arg, NULL);
    }
    if (result == CC_DONE) {
        result = cc_certificate_prepare(ctx->r, ctx->dbd, ctx->arg, ctx->staff->actor, &d);
    }
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    return cc_send_json(ctx->r, HTTP_OK,
                        json_pack("{s:s, s:o}", "member_no", ctx->arg, "certificate", certificate_json(&d)));
}
