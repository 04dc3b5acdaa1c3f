/* Whether this node can serve: what a balancer's health check asks. */
#ifndef CC_HEALTH_H
#define CC_HEALTH_H

#include "cc_db.h"
#include "cc_result.h"

extern const cc_statement cc_health_statements[]; /* reads no table */

/* CC_DONE when dbd answers a trivial prepared query and the server's font,
 * QR key and PDF signer are loaded; CC_DB_UNAVAILABLE or CC_NODE_NOT_READY
 * otherwise. Touches no personal data. */
cc_result cc_health_check(request_rec *r, ap_dbd_t *dbd);

#endif
