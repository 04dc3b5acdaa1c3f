#include "cc_config.h"

enum {
    SET_STAFF_LIFETIME = 1 << 0
};

/* Staff sessions reach every member of an institute: shorter than a
 * member's, and never longer than a working day. */
#define DEFAULT_LIFETIME 1800
#define MAX_LIFETIME (24 * 3600)

void cc_staff_conf_init(cc_staff_conf *conf)
{
    conf->session_lifetime = apr_time_from_sec(DEFAULT_LIFETIME);
}

void cc_staff_conf_merge(cc_staff_conf *conf, const cc_staff_conf *add)
{
    if (add->set_mask & SET_STAFF_LIFETIME) {
        conf->session_lifetime = add->session_lifetime;
    }
    conf->set_mask |= add->set_mask;
}

const char *cc_staff_set_lifetime(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t secs;
    const char *err = cc_config_whole_number(cmd, arg, 60, MAX_LIFETIME, &secs);
    if (err != NULL) {
        return err;
    }
    cc_server_conf *conf = cc_server_conf_get(cmd->server);
    conf->enabled = 1;
    conf->staff.session_lifetime = apr_time_from_sec(secs);
    conf->staff.set_mask |= SET_STAFF_LIFETIME;
    return NULL;
}
