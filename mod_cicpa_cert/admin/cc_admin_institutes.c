/* The institutes' consultation phone numbers shown to members: national
 * staff edit every institute's, provincial staff their own
 * (cc_institute.h). */
#include "cc_admin.h"
#include "cc_api_view.h"
#include "cc_fields.h"
#include "cc_http.h"
#include "cc_institute.h"
#include "cc_reply.h"
#include "cc_text.h"

/* Several numbers fit, e.g. "010-12345678；010-87654321". */
#define MAX_PHONE_CHARS 100

int cc_admin_institutes(cc_admin_ctx *ctx)
{
    apr_array_header_t *institutes;
    cc_result result = cc_institute_list(ctx->r, ctx->dbd, ctx->staff->institute, &institutes);
    if (result != CC_DONE) {
        return cc_reply(ctx->r, result);
    }
    return cc_send_json(ctx->r, HTTP_OK, cc_view_institutes(institutes));
}

int cc_admin_institute_put(cc_admin_ctx *ctx)
{
    request_rec *r = ctx->r;
    apr_table_t *params;
    const char *phone;
    cc_result result = cc_admin_read_change(ctx, &params);
    if (result != CC_DONE) {
        return cc_reply(r, result);
    }
    const char *raw = apr_table_get(params, "phone");
    const char *problem = cc_field_check("text", raw ? raw : "", MAX_PHONE_CHARS, NULL,
                                         cc_date_ymd(0, r->pool), r->pool, &phone);
    if (problem != NULL) {
        return cc_reply_field_problem(r, CC_INVALID_FIELDS, "phone", problem);
    }
    cc_institute *stored;
    result = cc_institute_set_phone(r, ctx->dbd, ctx->staff->actor, ctx->staff->institute, ctx->arg, phone,
                                    &stored);
    if (result != CC_DONE) {
        return cc_reply(r, result);
    }
    return cc_send_json(r, HTTP_OK, cc_view_institute(stored));
}
