/* The services' statements, as one list for the registry: each service
 * owns its statement table (declared in its header) and is named here once,
 * so cc_db.c never names a service. */
#ifndef CC_SERVICES_H
#define CC_SERVICES_H

#include "cc_db.h"

/* Every service's statement table, ended by NULL. */
extern const cc_statement *const cc_service_statements[];

#endif
