/* The audit service's statements (table audit_log). Plain C: cicpa-admin prepares them too. */
#ifndef CC_AUDIT_SQL_H
#define CC_AUDIT_SQL_H

#include "cc_statement.h"

extern const cc_statement cc_audit_statements[];

#endif
