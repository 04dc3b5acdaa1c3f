/* JSON text in APR pools (jansson allocates its text with malloc). */
#ifndef CC_JSON_H
#define CC_JSON_H

#include <apr_pools.h>
#include <jansson.h>

/* The compact text of obj, copied into p; obj is released (it may be NULL,
 * as a failed json_pack gives). NULL when there is nothing to dump. */
const char *cc_json_text(json_t *obj, apr_pool_t *p);

#endif
