#include "cc_staff_session_sql.h"

const cc_statement cc_staff_session_statements[] = {
    { "cc_staff_session_insert", "INSERT INTO staff_sessions (token_hash, login, created_at, expires_at)"
                                 " VALUES (%s, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT))" },
    { "cc_staff_session_find",
      /* A disabled account's session ends even if it was opened while the
       * account was being disabled. */
      "SELECT s.login, st.institute FROM staff_sessions s JOIN staff st ON st.login = s.login"
      " WHERE s.token_hash = %s AND s.expires_at > CAST(%s AS BIGINT) AND st.disabled = 0" },
    { "cc_staff_session_account", "SELECT institute FROM staff WHERE login = %s AND disabled = 0" },
    { "cc_staff_session_delete", "DELETE FROM staff_sessions WHERE token_hash = %s" },
    { "cc_staff_session_purge_expired", "DELETE FROM staff_sessions WHERE expires_at <= CAST(%s AS BIGINT)" },
    { NULL, NULL }
};
