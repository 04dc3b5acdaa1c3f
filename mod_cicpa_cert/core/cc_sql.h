/* Migration scripts: one schema text for both apr-util drivers. */
#ifndef CC_SQL_H
#define CC_SQL_H

#include <apr_dbd.h>
#include <apr_pools.h>
#include <apr_tables.h>

/* Splits script into statements (a statement ends with ';' at the end of a
 * line; '--' comment lines are dropped) and replaces the dialect tokens for
 * driver ("sqlite3" or "pgsql"):
 *   {{ID}}  an auto-increment integer primary key
 *   {{PGSQL}} at the start of a statement: for pgsql only (e.g. a column's
 *           storage), left out for sqlite3
 * Statements come without their final ';'.
 * Returns an array of const char * statements, or NULL for an unknown driver. */
apr_array_header_t *cc_sql_statements(const char *script, const char *driver, apr_pool_t *p);

/* The version of a migration file named "NNN_words.sql" (NNN > 0), or 0 when
 * the name does not have that form. */
int cc_sql_migration_version(const char *file_name);

/* Every row of res, each a const char ** of its columns (NULL for SQL NULL,
 * then a NULL after the last column), copied into p. */
apr_array_header_t *cc_sql_rows(const apr_dbd_driver_t *driver, apr_dbd_results_t *res, apr_pool_t *p);

#endif
