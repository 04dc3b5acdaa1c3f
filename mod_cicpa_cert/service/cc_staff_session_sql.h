/* The staff session service's statements (table staff_sessions). Plain C:
 * cicpa-admin prepares them too (issue-certificates opens a session). */
#ifndef CC_STAFF_SESSION_SQL_H
#define CC_STAFF_SESSION_SQL_H

#include "cc_statement.h"

extern const cc_statement cc_staff_session_statements[];

#endif
