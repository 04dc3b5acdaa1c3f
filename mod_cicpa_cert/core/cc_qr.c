/* QR codes through libqrencode, copied into pool memory so that the caller
 * never has to free libqrencode's allocation. */
#include "cc_qr.h"

#include <errno.h>
#include <string.h>
#include <apr_strings.h>
#include <qrencode.h>

cc_qr *cc_qr_encode(const char *text, apr_pool_t *p, const char **err)
{
    QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (code == NULL) {
        *err = errno == ERANGE ? "the QR code text is too long"
                               : apr_psprintf(p, "libqrencode failed: %s", strerror(errno));
        return NULL;
    }
    cc_qr *qr = apr_palloc(p, sizeof(*qr));
    apr_size_t n = (apr_size_t)code->width * (apr_size_t)code->width;
    qr->width = code->width;
    qr->version = code->version;
    qr->dark = apr_palloc(p, n);
    for (apr_size_t i = 0; i < n; i++) {
        qr->dark[i] = code->data[i] & 1; /* the other bits say what a module is for */
    }
    QRcode_free(code);
    return qr;
}

unsigned char *cc_qr_bitmap(const cc_qr *qr, apr_size_t *row_bytes, apr_pool_t *p)
{
    *row_bytes = ((apr_size_t)qr->width + 7) / 8;
    unsigned char *bits = apr_pcalloc(p, *row_bytes * (apr_size_t)qr->width);
    for (int y = 0; y < qr->width; y++) {
        const unsigned char *row = qr->dark + (apr_size_t)y * (apr_size_t)qr->width;
        for (int x = 0; x < qr->width; x++) {
            bits[(apr_size_t)y * *row_bytes + (apr_size_t)x / 8] |= (unsigned char)(row[x] << (7 - x % 8));
        }
    }
    return bits;
}
