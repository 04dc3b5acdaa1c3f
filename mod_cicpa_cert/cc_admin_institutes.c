/* The institutes' consultation phone numbers shown to members: national
 * staff edit every institute's, provincial staff their own. */

#include "cc_admin.h"
#include "cc_audit.h"
#include "cc_db.h"
#include "cc_fields.h"
#include "cc_http.h"
#include "cc_json.h"
#include "cc_text.h"

#define SCOPE_OF_CODE "(%s = '" CC_NATIONAL_INSTITUTE "' OR code = %s)"

const cc_statement cc_admin_institute_statements[] = {
    { "cc_admin_institutes",
      "SELECT code, name, phone FROM institutes WHERE " SCOPE_OF_CODE " ORDER BY sort_order" },
    { "cc_admin_institute_phone",
      "UPDATE institutes SET phone = %s WHERE code = %s AND " SCOPE_OF_CODE },
    { NULL, NULL }
};

/* Several numbers fit, e.g. "010-12345678；010-87654321". */
#define MAX_PHONE_CHARS 100

int cc_admin_institutes(cc_admin_ctx *ctx)
{
    const char *args[] = { CC_SCOPE_ARGS(ctx) };
    apr_array_header_t *rows = cc_db_select(ctx->api.r, ctx->api.dbd, "cc_admin_institutes", 2, args);
    if (rows == NULL) {
        return cc_api_fail(&ctx->api, HTTP_SERVICE_UNAVAILABLE);
    }
    json_t *list = json_array();
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        cc_institute inst = { row[0], row[1], row[2] ? row[2] : "" };
        json_array_append_new(list, cc_api_institute_json(&inst));
    }
    return cc_send_json(ctx->api.r, HTTP_OK, json_pack("{s:o}", "institutes", list));
}

int cc_admin_institute_put(cc_admin_ctx *ctx)
{
    request_rec *r = ctx->api.r;
    apr_table_t *params;
    const char *phone, *raw;
    if (cc_admin_read_change(ctx, &params) != OK) {
        return OK;
    }
    raw = apr_table_get(params, "phone");
    const char *problem = cc_field_check("text", raw ? raw : "", MAX_PHONE_CHARS, NULL,
                                         cc_date_ymd(0, r->pool), r->pool, &phone);
    if (problem != NULL) {
        return cc_send_error_with(r, HTTP_UNPROCESSABLE_ENTITY, "invalid_fields", problem,
                                  json_pack("{s:{s:s}}", "fields", "phone", problem));
    }
    const char *args[] = { phone, ctx->arg, CC_SCOPE_ARGS(ctx) };
    int updated = cc_db_exec(r, ctx->api.dbd, "cc_admin_institute_phone", 4, args);
    if (updated != 1) {
        return cc_api_fail(&ctx->api, updated < 0 ? HTTP_SERVICE_UNAVAILABLE : HTTP_NOT_FOUND);
    }
    const char *detail = cc_json_text(json_pack("{s:s, s:s}", "institute", ctx->arg, "phone", phone), r->pool);
    cc_audit(r, ctx->api.dbd, ctx->staff->actor, NULL, "institute_phone_update", detail ? detail : "");
    cc_institute *stored = NULL;
    if (cc_institute_find(r, ctx->api.dbd, ctx->arg, &stored) != OK || stored == NULL) {
        return cc_api_fail(&ctx->api, HTTP_SERVICE_UNAVAILABLE);
    }
    return cc_send_json(r, HTTP_OK, cc_api_institute_json(stored));
}
