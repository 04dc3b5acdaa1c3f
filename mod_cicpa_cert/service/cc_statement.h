/* A statement a service owns, as the module (through mod_dbd) and
 * cicpa-admin (through apr-util DBD) both prepare it: one definition of
 * each. Plain C, no httpd. */
#ifndef CC_STATEMENT_H
#define CC_STATEMENT_H

#include <stddef.h>

/* Parameters are %s strings as apr-util DBD binds them; numbers are written
 * CAST(%s AS BIGINT) so sqlite3 and pgsql compare integers alike. A
 * service's table of them ends with { NULL, NULL }. */
typedef struct cc_statement {
    const char *label; /* mod_dbd label, prefixed cc_ */
    const char *sql;   /* the query */
} cc_statement;

/* The SQL of label in table, or NULL when the table has no such label. */
const char *cc_statement_sql(const cc_statement *table, const char *label);

#endif
