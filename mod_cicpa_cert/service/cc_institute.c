#include "cc_audit.h"
#include "cc_institute.h"
#include "cc_json.h"
#include "cc_scope.h"

#define SCOPE_OF_CODE "(%s = '" CC_NATIONAL_INSTITUTE "' OR code = %s)"

const cc_statement cc_institute_statements[] = {
    { "cc_institute_get", "SELECT code, name, phone FROM institutes WHERE code = %s" },
    { "cc_institute_list",
      "SELECT code, name, phone FROM institutes WHERE " SCOPE_OF_CODE " ORDER BY sort_order" },
    { "cc_institute_phone", "UPDATE institutes SET phone = %s WHERE code = %s AND " SCOPE_OF_CODE },
    { NULL, NULL }
};

static cc_institute institute_of_row(const char **row)
{
    cc_institute inst = { row[0], row[1], row[2] ? row[2] : "" };
    return inst;
}

cc_result cc_institute_find(request_rec *r, ap_dbd_t *dbd, const char *code, cc_institute **out)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_institute_get", code);
    *out = NULL;
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    if (rows->nelts > 0) {
        *out = apr_palloc(r->pool, sizeof(cc_institute));
        **out = institute_of_row(APR_ARRAY_IDX(rows, 0, const char **));
    }
    return CC_DONE;
}

cc_result cc_institute_list(request_rec *r, ap_dbd_t *dbd, const char *scope, apr_array_header_t **out)
{
    const char *code = scope ? scope : CC_NATIONAL_INSTITUTE;
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_institute_list", code, code);
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    *out = apr_array_make(r->pool, rows->nelts, sizeof(cc_institute));
    for (int i = 0; i < rows->nelts; i++) {
        APR_ARRAY_PUSH(*out, cc_institute) = institute_of_row(APR_ARRAY_IDX(rows, i, const char **));
    }
    return CC_DONE;
}

/* A phone change and its audit row, together. */
typedef struct phone_change {
    const char *actor, *scope, *code, *phone;
    int updated; /* rows changed: 0 when not in scope */
} phone_change;

static int set_phone_work(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    phone_change *c = arg;
    c->updated = CC_DB_EXEC(r, dbd, "cc_institute_phone", c->phone, c->code, c->scope, c->scope);
    if (c->updated != 1) {
        return -1;
    }
    const char *detail =
        cc_json_text(json_pack("{s:s, s:s}", "institute", c->code, "phone", c->phone), r->pool);
    return cc_audit(r, dbd, c->actor, NULL, "institute_phone_update", detail ? detail : "") == CC_DONE ? 0
                                                                                                       : -1;
}

cc_result cc_institute_set_phone(request_rec *r, ap_dbd_t *dbd, const char *actor, const char *scope,
                                 const char *code, const char *phone, cc_institute **stored)
{
    phone_change c = { actor, scope, code, phone, -1 };
    if (cc_db_transaction(r, dbd, set_phone_work, &c) != 0) {
        return c.updated == 0 ? CC_NOT_FOUND : CC_DB_UNAVAILABLE;
    }
    if (cc_institute_find(r, dbd, code, stored) != CC_DONE || *stored == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    return CC_DONE;
}
