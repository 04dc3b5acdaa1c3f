/* The one-page membership certificate, rendered by libharu into memory. */
#ifndef CC_CERT_PDF_H
#define CC_CERT_PDF_H

#include <apr_pools.h>
#include "cc_font.h"

typedef struct cc_cert_style {
    const char *title;       /* heading, e.g. 中国注册会计师协会会员证 */
    const char *issuer;      /* issuing body printed over the issue date */
    unsigned title_rgb;      /* 0xRRGGBB of the heading and the frame */
    unsigned accent_rgb;     /* 0xRRGGBB of labels and rules */
} cc_cert_style;

typedef struct cc_cert_data {
    const char *name;            /* member name, UTF-8 */
    const char *sex;             /* 男 / 女 */
    const char *category;        /* member category, e.g. 非执业会员 */
    const char *member_no;       /* member number (login name) */
    const char *cert_no;         /* certificate number */
    const char *admission_date;  /* YYYY-MM-DD */
    const char *institute;       /* provincial institute name */
    const char *issue_date;      /* YYYY-MM-DD */
    const unsigned char *photo;  /* the stored JPEG, embedded byte for byte */
    apr_size_t photo_len;        /* its length in bytes */
} cc_cert_data;

typedef struct cc_pdf cc_pdf;

/* Renders the certificate; the document and its buffers are freed with p.
 * Returns NULL and sets *err (no secrets, no ID numbers) on failure. */
cc_pdf *cc_cert_pdf_render(const cc_cert_style *style, const cc_cert_data *data,
                           const cc_font *font, apr_pool_t *p, const char **err);

/* Total size of the rendered PDF in bytes (for Content-Length). */
apr_size_t cc_pdf_size(const cc_pdf *pdf);

/* Copies the next at most *len bytes into buf and sets *len to the number
 * copied; *len == 0 means the end. Returns APR_SUCCESS or an error. */
apr_status_t cc_pdf_read(cc_pdf *pdf, unsigned char *buf, apr_size_t *len);

#endif
