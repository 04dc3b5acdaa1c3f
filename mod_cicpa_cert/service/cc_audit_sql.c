#include "cc_audit_sql.h"
#include "cc_scope.h"

const cc_statement cc_audit_statements[] = {
    { "cc_audit_insert", "INSERT INTO audit_log (at, actor, member_no, action, detail, client_ip)"
                         " VALUES (CAST(%s AS BIGINT), %s, %s, %s, %s, %s)" },
    { "cc_audit_list",
      "SELECT a.id, a.at, a.actor, a.member_no, a.action, a.detail, a.client_ip FROM audit_log a"
      " WHERE (%s = '' OR a.member_no = %s) AND (%s = '' OR a.actor = %s) AND (%s = '' OR a.action = %s)"
      " AND a.at >= CAST(%s AS BIGINT) AND a.at < CAST(%s AS BIGINT)"
      " AND (" CC_IN_SCOPE(
          "a") "   OR a.actor IN (SELECT 'staff:' || st.login FROM staff st WHERE st.institute = %s))"
               " ORDER BY a.at DESC, a.id DESC LIMIT CAST(%s AS BIGINT)" },
    { NULL, NULL }
};
