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
#include "cc_proxied.h"
#include "cc_services.h"
#include "cc_verify.h"

static int cc_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    int used = 0;
    for (server_rec *sp = s; sp; sp = sp->next) {
        used |= cc_config_mounted(sp);
    }
    if (used) {
        cc_face_client_global_init(pconf);
    }
    return used ? cc_config_start(pconf, s) : OK;
}

/* Only at `apache2 -t`: its output shows the warnings a start would log. */
static void cc_test_config(apr_pool_t *pconf, server_rec *s)
{
    cc_config_warn(pconf, s);
}

static void cc_register_hooks(apr_pool_t *p)
{
    /* Every check runs at check_config, so `apache2 -t` makes them all; the
     * statements are registered there too, before mod_dbd's post_config
     * prepares them. */
    ap_hook_check_config(cc_config_check, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_test_config(cc_test_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(cc_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    static const char *const after_remoteip[] = { "mod_remoteip.c", NULL };
    ap_hook_post_read_request(cc_proxied_check, after_remoteip, NULL, APR_HOOK_LAST);
    ap_hook_handler(cc_api_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(cc_admin_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(cc_face_reference_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(cc_verify_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(cicpa_cert) = {
    STANDARD20_MODULE_STUFF, cc_dir_conf_create, /* per-directory config: who the requester is */
    cc_dir_conf_merge,                           /* merge per-directory */
    cc_server_conf_create,                       /* per-server config */
    cc_server_conf_merge,                        /* merge per-server */
    cc_directives,                               /* directives */
    cc_register_hooks                            /* hooks */
};
