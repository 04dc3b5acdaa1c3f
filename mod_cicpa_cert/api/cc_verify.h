/* The public verification page (SetHandler cicpa-cert-verify), below its
 * <Location>, e.g. /cert/verify:
 *   GET /{id}         the certificate's status: HTML, or JSON for
 *                     Accept: application/json; 404 for unknown ids
 *   GET /{id}/photo   its photo (CicpaCertVerifyPhoto On)
 *   GET /keys         the QR signing public keys (JSON, by key id)
 *   GET /verify.css   the page's stylesheet (no inline style: strict CSP)
 * Checks are rate-limited per client address (CicpaCertVerifyRate). */
#ifndef CC_VERIFY_H
#define CC_VERIFY_H

#include "cc_module.h"

#define CC_VERIFY_HANDLER "cicpa-cert-verify"

int cc_verify_handler(request_rec *r);

#endif
