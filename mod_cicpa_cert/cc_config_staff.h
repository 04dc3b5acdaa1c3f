/* Directives of the institute staff's administration (cc_admin*.c). */
#ifndef CC_CONFIG_STAFF_H
#define CC_CONFIG_STAFF_H

#include "cc_module.h"

typedef struct cc_staff_conf {
    apr_time_t session_lifetime;  /* CicpaCertStaffSessionLifetime, in microseconds */
    int set_mask;                 /* which of the above were set (for merging) */
} cc_staff_conf;

void cc_staff_conf_init(cc_staff_conf *conf);
void cc_staff_conf_merge(cc_staff_conf *conf, const cc_staff_conf *add);

const char *cc_staff_set_lifetime(cmd_parms *cmd, void *dc, const char *arg);

/* The entries of the module's directive table. */
#define CC_STAFF_DIRECTIVES \
    AP_INIT_TAKE1("CicpaCertStaffSessionLifetime", cc_staff_set_lifetime, NULL, RSRC_CONF, \
                  "Seconds a staff session lasts (60..86400)")

#endif
