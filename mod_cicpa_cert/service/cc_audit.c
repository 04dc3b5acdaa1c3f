#include "cc_audit.h"
#include "cc_json.h"

cc_result cc_audit(request_rec *r, ap_dbd_t *dbd, const char *actor, const char *member_no,
                   const char *action, const char *detail)
{
    return CC_DB_EXEC(r, dbd, "cc_audit_insert", cc_db_now(r), actor, member_no, action, detail,
                      r->useragent_ip ? r->useragent_ip : "")
                   == 1
               ? CC_DONE
               : CC_DB_UNAVAILABLE;
}

cc_result cc_audit_member(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *action,
                          const char *detail)
{
    return cc_audit(r, dbd, apr_pstrcat(r->pool, "member:", member_no, NULL), member_no, action, detail);
}

cc_result cc_audit_staff(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                         const char *action, const char *reason)
{
    const char *detail = reason ? cc_json_text(json_pack("{s:s}", "reason", reason), r->pool) : "";
    return cc_audit(r, dbd, staff->actor, member_no, action, detail ? detail : "");
}

apr_array_header_t *cc_audit_list(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff,
                                  const cc_audit_filter *f)
{
    const char *actor = *f->staff ? apr_pstrcat(r->pool, "staff:", f->staff, NULL) : "";
    return CC_DB_SELECT(r, dbd, "cc_audit_list", f->member_no, f->member_no, actor, actor, f->action,
                        f->action, cc_db_int(r, f->since), cc_db_int(r, f->until), CC_SCOPE_ARGS(staff),
                        staff->institute, cc_db_int(r, f->limit));
}
