#include "cc_profile_sql.h"

const cc_statement cc_profile_statements[] = {
    { "cc_profile_field_delete", "DELETE FROM member_fields WHERE member_no = %s AND field_key = %s" },
    { "cc_profile_field_insert",
      "INSERT INTO member_fields (member_no, field_key, value) VALUES (%s, %s, %s)" },
    { NULL, NULL }
};
