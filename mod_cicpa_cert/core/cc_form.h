/* application/x-www-form-urlencoded bodies. */
#ifndef CC_FORM_H
#define CC_FORM_H

#include <apr_pools.h>
#include <apr_tables.h>

/* Decodes body (len bytes, '+' as space, %XX escapes) into *out (keys and
 * values copied into p). Returns APR_EGENERAL on a broken %-escape, a NUL
 * byte, or invalid UTF-8, and APR_EEXIST on a key sent twice (refused like
 * a duplicate JSON key: which value was meant is anyone's guess, and layers
 * that pick differently could be played against each other). */
apr_status_t cc_form_parse(const char *body, apr_size_t len, apr_pool_t *p, apr_table_t **out);

#endif
