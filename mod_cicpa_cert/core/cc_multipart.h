/* A bounded multipart/form-data parser (RFC 7578) over a buffered body. */
#ifndef CC_MULTIPART_H
#define CC_MULTIPART_H

#include <apr_pools.h>
#include <apr_tables.h>

#define CC_MULTIPART_MAX_BOUNDARY 70       /* characters in a boundary (RFC 2046) */
#define CC_MULTIPART_MAX_PARTS 100         /* parts in one body */
#define CC_MULTIPART_MAX_HEADER_BYTES 8192 /* header lines of one part, blank line excluded */

typedef struct cc_multipart_part {
    const char *name;          /* form field name */
    const char *filename;      /* filename parameter, or NULL */
    const char *content_type;  /* part Content-Type, or NULL */
    const unsigned char *data; /* part body (points into the parsed body) */
    apr_size_t len;            /* its length */
} cc_multipart_part;

/* Parses body (len bytes) using the boundary from the request's content_type.
 * On success *parts is an array of cc_multipart_part and APR_SUCCESS returns;
 * on malformed input APR_EGENERAL returns with *err a short English reason
 * and *parts NULL.  Lines must end in CRLF; filename*= (RFC 5987, UTF-8)
 * wins over filename=. */
apr_status_t cc_multipart_parse(const char *content_type, const unsigned char *body, apr_size_t len,
                                apr_pool_t *p, apr_array_header_t **parts, const char **err);

/* The first part named name, or NULL. */
const cc_multipart_part *cc_multipart_find(const apr_array_header_t *parts, const char *name);

#endif
