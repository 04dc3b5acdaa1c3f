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

apr_array_header_t *cc_qr_runs(const cc_qr *qr, apr_pool_t *p)
{
    apr_array_header_t *runs = apr_array_make(p, qr->width * 8, sizeof(cc_qr_run));
    for (int y = 0; y < qr->width; y++) {
        const unsigned char *row = qr->dark + (apr_size_t)y * (apr_size_t)qr->width;
        for (int x = 0; x < qr->width; x++) {
            if (!row[x]) {
                continue;
            }
            cc_qr_run *run = apr_array_push(runs);
            run->x = x;
            run->y = y;
            while (x < qr->width && row[x]) {
                x++;
            }
            run->len = x - run->x;
        }
    }
    return runs;
}
