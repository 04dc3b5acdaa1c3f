/* CSV (RFC 4180) for the members import and the audit export: commas,
 * double-quoted fields with doubled quotes, CRLF or LF line ends, a UTF-8
 * byte order mark at the start. */
#ifndef CC_CSV_H
#define CC_CSV_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct cc_csv_record {
    int line;                   /* the line (1-based) it starts on */
    apr_array_header_t *fields; /* const char *, unquoted */
} cc_csv_record;

/* Splits text (len bytes, no NUL needed) into records (cc_csv_record),
 * skipping empty lines. Returns APR_SUCCESS, or APR_EGENERAL with *err
 * naming the line of an unterminated quoted field or of a quote where none
 * may be. */
apr_status_t cc_csv_parse(const char *text, apr_size_t len, apr_pool_t *p, apr_array_header_t **records,
                          const char **err);

/* field as a CSV field: quoted (quotes doubled) when it holds a comma, a
 * quote, CR or LF, else as it is. A field starting with = + - @, a tab or a
 * CR gets a leading single quote first (OWASP's advice against formula
 * injection): spreadsheets would otherwise run it as a formula, and the
 * audit holds text typed by anonymous visitors. */
const char *cc_csv_field(const char *field, apr_pool_t *p);

#endif
