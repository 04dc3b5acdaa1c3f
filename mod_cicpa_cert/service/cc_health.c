#include "cc_config.h"
#include "cc_health.h"

const cc_statement cc_health_statements[] = {
    /* A round trip through a prepared statement, as every request makes. */
    { "cc_health_ping", "SELECT CAST(%s AS BIGINT)" },
    { NULL, NULL }
};

cc_result cc_health_check(request_rec *r, ap_dbd_t *dbd)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    if (conf->font == NULL || conf->cert.qr_key == NULL || conf->cert.signer == NULL) {
        return CC_NODE_NOT_READY;
    }
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_health_ping", "1");
    return rows != NULL && rows->nelts == 1 ? CC_DONE : CC_DB_UNAVAILABLE;
}
