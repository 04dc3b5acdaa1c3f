/* mod_cicpa_cert: electronic membership certificates for the members of a
 * CPA association. This file is the module record and its hooks; the work is
 * in cc_*.c (httpd glue) over core/ (plain C, no httpd). */
#define CC_MODULE_RECORD
#include "cc_admin.h"
#include "cc_api.h"
#include "cc_config.h"
#include "cc_db.h"
#include "cc_face_client.h"
#include "cc_face_reference.h"
#include "cc_services.h"
#include "cc_verify.h"

static int cc_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                          server_rec *s)
{
    int used = 0;
    for (server_rec *sp = s; sp; sp = sp->next) {
        used |= cc_server_conf_get(sp)->enabled;
    }
    if (!used) {
        return OK;
    }
    if (!cc_db_available()) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "mod_cicpa_cert needs mod_dbd: add LoadModule dbd_module and DBDriver/DBDParams");
        return !OK;
    }
    for (server_rec *sp = s; sp; sp = sp->next) {
        cc_db_register_statements(sp, cc_service_statements);
    }
    cc_face_client_global_init(pconf);
    return cc_config_validate(pconf, s);
}

static void cc_register_hooks(apr_pool_t *p)
{
    /* Our statements must be registered before mod_dbd prepares them. */
    static const char *const before_dbd[] = { "mod_dbd.c", NULL };
    ap_hook_post_config(cc_post_config, NULL, before_dbd, APR_HOOK_MIDDLE);
    ap_hook_handler(cc_api_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(cc_admin_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(cc_face_reference_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(cc_verify_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(cicpa_cert) = {
    STANDARD20_MODULE_STUFF,
    NULL,                    /* per-directory config: none */
    NULL,                    /* merge per-directory */
    cc_server_conf_create,   /* per-server config */
    cc_server_conf_merge,    /* merge per-server */
    cc_directives,           /* directives */
    cc_register_hooks        /* hooks */
};
