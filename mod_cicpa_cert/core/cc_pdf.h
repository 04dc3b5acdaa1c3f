/* The one-page membership certificate, rendered by libharu into memory. */
#ifndef CC_PDF_H
#define CC_PDF_H

#include <apr_pools.h>
#include <apr_time.h>
#include "cc_font.h"

typedef struct cc_cert_style {
    const char *title;   /* heading, e.g. 中国注册会计师协会会员证 */
    const char *issuer;  /* issuing body printed over the issue date */
    unsigned title_rgb;  /* 0xRRGGBB of the heading and the frame */
    unsigned accent_rgb; /* 0xRRGGBB of labels and rules */
} cc_cert_style;

/* A seal image, loaded once (cc_cert_image_load) and shared by threads. */
typedef struct cc_cert_image cc_cert_image;

typedef struct cc_cert_data {
    const char *name;           /* member name, UTF-8 */
    const char *sex;            /* 男 / 女 */
    const char *category;       /* member category, e.g. 非执业会员 */
    const char *member_no;      /* member number (login name) */
    const char *cert_no;        /* certificate number */
    const char *admission_date; /* YYYY-MM-DD */
    const char *institute;      /* provincial institute name */
    const char *issue_date;     /* YYYY-MM-DD */
    const unsigned char *photo; /* the stored JPEG, embedded byte for byte */
    apr_size_t photo_len;       /* its length in bytes */
    /* The certificate's identity; a NULL or empty one is left out. */
    const char *verify_url;              /* text of the QR code (drawn as vector squares) */
    const char *serial;                  /* printed under the QR code */
    const char *valid_until;             /* YYYY-MM-DD, printed as 有效期至 */
    apr_time_t issued_at;                /* the PDF's creation date; 0: none */
    const char *co_issuer;               /* provincial institute printed beside style->issuer */
    const cc_cert_image *issuer_seal;    /* stamped over style->issuer */
    const cc_cert_image *co_issuer_seal; /* stamped over co_issuer */
} cc_cert_data;

typedef struct cc_pdf cc_pdf;

/* Renders the certificate; the document and its buffers are freed with p.
 * Returns NULL and sets *err (no secrets, no ID numbers) on failure. */
cc_pdf *cc_pdf_render(const cc_cert_style *style, const cc_cert_data *data, const cc_font *font,
                      apr_pool_t *p, const char **err);

/* Loads a seal once (at startup) from a PNG with transparency (RGBA or
 * grey with alpha), decoded and deflated now so that each document only
 * copies the compressed planes. NULL and *err naming the file otherwise. */
cc_cert_image *cc_cert_image_load(const char *path, apr_pool_t *p, const char **err);

/* Total size of the rendered PDF in bytes (for Content-Length). */
apr_size_t cc_pdf_size(const cc_pdf *pdf);

/* The document's bytes, and a way to replace them (by the signed document:
 * cc_pdf_sign.h); reading starts again from the first byte. */
const unsigned char *cc_pdf_bytes(const cc_pdf *pdf);
void cc_pdf_set_bytes(cc_pdf *pdf, const unsigned char *bytes, apr_size_t size);

/* Copies the next at most *len bytes into buf and sets *len to the number
 * copied; *len == 0 means the end. Returns APR_SUCCESS or an error. */
apr_status_t cc_pdf_read(cc_pdf *pdf, unsigned char *buf, apr_size_t *len);

#endif
