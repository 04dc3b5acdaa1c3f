/* Member data through mod_dbd: statements prepared at startup by label. */
#ifndef CC_DB_H
#define CC_DB_H

#include "cc_module.h"
#include "cc_result.h"
#include "cc_statement.h"

/* Registers every statement of tables (a NULL-ended list of statement
 * tables, cc_statement.h: the services' own, see service/cc_services.h) with mod_dbd for server s; must run before mod_dbd's
 * post_config, which prepares them. */
void cc_db_register_statements(server_rec *s, const cc_statement *const *tables);

/* 1 when mod_dbd is loaded (its optional functions exist). */
int cc_db_available(void);

/* A connection from mod_dbd's pool, released with the request; NULL (and
 * logged) when the database cannot be reached. */
ap_dbd_t *cc_db_acquire(request_rec *r);

/* Runs the SELECT labelled label with nargs string arguments. Returns the
 * rows, each a const char ** of the statement's columns (NULL for SQL NULL),
 * or NULL on a database error (logged without the arguments). */
apr_array_header_t *cc_db_select(request_rec *r, ap_dbd_t *dbd, const char *label, int nargs,
                                 const char **args);

/* Runs the SELECT labelled label whose first column is a base64 JPEG (how
 * photos are stored). Returns CC_DONE with the decoded bytes, CC_NOT_FOUND
 * when there is no row, or CC_DB_UNAVAILABLE on a database error or a value
 * that is not base64. */
cc_result cc_db_select_jpeg(request_rec *r, ap_dbd_t *dbd, const char *label, int nargs, const char **args,
                            unsigned char **jpeg, apr_size_t *len);

/* Runs the INSERT/UPDATE/DELETE labelled label. Returns the number of rows
 * changed, or -1 on a database error (logged without the arguments). */
int cc_db_exec(request_rec *r, ap_dbd_t *dbd, const char *label, int nargs, const char **args);

/* Runs work(r, dbd, arg) inside one transaction: committed when it returns
 * 0, rolled back otherwise (or when the commit fails). Returns 0 when
 * committed, -1 otherwise (database errors are logged). */
typedef int cc_db_work_fn(request_rec *r, ap_dbd_t *dbd, void *arg);
int cc_db_transaction(request_rec *r, ap_dbd_t *dbd, cc_db_work_fn *work, void *arg);

/* The arguments of a statement as an array, and how many there are: the
 * count comes from the list itself, so it cannot drift from it. */
#define CC_DB_ARGS(...) ((const char *[]){ __VA_ARGS__ })
#define CC_DB_NARGS(...) ((int)(sizeof(CC_DB_ARGS(__VA_ARGS__)) / sizeof(const char *)))

/* cc_db_exec / cc_db_select / cc_db_select_jpeg with the arguments listed. */
#define CC_DB_EXEC(r, dbd, label, ...)                                                                       \
    cc_db_exec((r), (dbd), (label), CC_DB_NARGS(__VA_ARGS__), CC_DB_ARGS(__VA_ARGS__))
#define CC_DB_SELECT(r, dbd, label, ...)                                                                     \
    cc_db_select((r), (dbd), (label), CC_DB_NARGS(__VA_ARGS__), CC_DB_ARGS(__VA_ARGS__))
#define CC_DB_SELECT_JPEG(r, dbd, label, jpeg, len, ...)                                                     \
    cc_db_select_jpeg((r), (dbd), (label), CC_DB_NARGS(__VA_ARGS__), CC_DB_ARGS(__VA_ARGS__), (jpeg), (len))

/* After a failed statement or transaction on dbd: replaces dbd's handle
 * with a fresh one when the database can be opened again (a connection that
 * failed in a way a fresh one would not), at most once per request
 * (cc_db_heal.c). Not inside a transaction. */
int cc_db_heal(request_rec *r, ap_dbd_t *dbd); /* 0 when reopened */

/* Reopens dbd, just acquired, when a heal in this child came after it was
 * opened (cc_db_heal.c). */
void cc_db_refresh(request_rec *r, ap_dbd_t *dbd);

/* Inside a transaction (cc_db_transaction's work), for work a crash may
 * lose without harm: its commit does not wait for the disk (PostgreSQL:
 * SET LOCAL synchronous_commit, which ends with the transaction; nothing
 * on SQLite). 0, or -1 when the setting failed (the transaction is then
 * aborted). Bulk issuance uses it: a certificate it issued and lost is
 * issued again by the member's download, and whatever a member is served
 * is durable first, as the download's own (synchronous) audit commit
 * flushes the write-ahead log up to it. */
int cc_db_defer_commit(request_rec *r, ap_dbd_t *dbd);

/* Unix seconds now, as the decimal string the statements bind. */
const char *cc_db_now(request_rec *r);

/* n as the decimal string the statements bind (CAST(%s AS BIGINT)). */
const char *cc_db_int(request_rec *r, apr_int64_t n);

#endif
