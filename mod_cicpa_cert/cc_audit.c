#include "cc_audit.h"
#include "cc_db.h"

const cc_statement cc_audit_statements[] = {
    { "cc_audit_insert",
      "INSERT INTO audit_log (at, actor, member_no, action, detail, client_ip)"
      " VALUES (CAST(%s AS BIGINT), %s, %s, %s, %s, %s)" },
    { NULL, NULL }
};

int cc_audit(request_rec *r, ap_dbd_t *dbd, const char *actor,
             const char *member_no, const char *action, const char *detail)
{
    const char *args[] = { cc_db_now(r), actor, member_no, action, detail,
                           r->useragent_ip ? r->useragent_ip : "" };
    return cc_db_exec(r, dbd, "cc_audit_insert", 6, args) == 1 ? 0 : -1;
}
