/* QR codes (libqrencode) as a module matrix and as the 1-bit image that the
 * PDF draws. */
#ifndef CC_QR_H
#define CC_QR_H

#include <apr_pools.h>

/* The quiet zone the QR specification asks for, in modules on each side. */
#define CC_QR_QUIET_ZONE 4

typedef struct cc_qr {
    int width;           /* modules per side (21 + 4 * (version - 1)) */
    int version;         /* 1..40 */
    unsigned char *dark; /* width * width, row-major from the top; 1 = dark */
} cc_qr;

/* Encodes text (byte mode where needed, error correction level M). Returns
 * NULL and sets *err when it does not fit or libqrencode fails. */
cc_qr *cc_qr_encode(const char *text, apr_pool_t *p, const char **err);

/* The modules as a 1-bit image: rows from the top, each *row_bytes long,
 * the leftmost module in the highest bit, 1 = dark, padding bits 0. */
unsigned char *cc_qr_bitmap(const cc_qr *qr, apr_size_t *row_bytes, apr_pool_t *p);

#endif
