/* QR codes (libqrencode) as a module matrix and as the horizontal runs of
 * dark modules that the PDF draws as rectangles. */
#ifndef CC_QR_H
#define CC_QR_H

#include <apr_pools.h>
#include <apr_tables.h>

/* The quiet zone the QR specification asks for, in modules on each side. */
#define CC_QR_QUIET_ZONE 4

typedef struct cc_qr {
    int width;           /* modules per side (21 + 4 * (version - 1)) */
    int version;         /* 1..40 */
    unsigned char *dark; /* width * width, row-major from the top; 1 = dark */
} cc_qr;

/* A run of dark modules in one row: columns x .. x + len - 1 of row y. */
typedef struct cc_qr_run {
    int x, y, len;
} cc_qr_run;

/* Encodes text (byte mode where needed, error correction level M). Returns
 * NULL and sets *err when it does not fit or libqrencode fails. */
cc_qr *cc_qr_encode(const char *text, apr_pool_t *p, const char **err);

/* The dark modules as maximal horizontal runs, top row first (cc_qr_run). */
apr_array_header_t *cc_qr_runs(const cc_qr *qr, apr_pool_t *p);

#endif
