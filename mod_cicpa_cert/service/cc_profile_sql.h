/* The profile service's statements (table member_fields). Plain C: cicpa-admin prepares them too. */
#ifndef CC_PROFILE_SQL_H
#define CC_PROFILE_SQL_H

#include "cc_statement.h"

extern const cc_statement cc_profile_statements[];

#endif
