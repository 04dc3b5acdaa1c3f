/* The per-directory settings: who the requester is (CicpaCertIdentity,
 * CicpaCertIdentityUser, CicpaCertStaffIdentity). */
#include <string.h>

#include "cc_config.h"

void *cc_dir_conf_create(apr_pool_t *p, char *dir)
{
    cc_dir_conf *conf = apr_pcalloc(p, sizeof(*conf));
    conf->identity = CC_UNSET;
    conf->staff_identity = CC_UNSET;
    return conf;
}

void *cc_dir_conf_merge(apr_pool_t *p, void *base_v, void *add_v)
{
    const cc_dir_conf *add = add_v;
    cc_dir_conf *conf = apr_pmemdup(p, base_v, sizeof(*conf));
    if (add->identity != CC_UNSET) {
        conf->identity = add->identity;
    }
    if (add->staff_identity != CC_UNSET) {
        conf->staff_identity = add->staff_identity;
    }
    if (add->member_from != NULL) {
        conf->member_from = add->member_from;
    }
    return conf;
}

cc_dir_conf cc_dir_conf_get(const request_rec *r)
{
    const cc_dir_conf *set = ap_get_module_config(r->per_dir_config, &cicpa_cert_module);
    cc_dir_conf conf = { CC_IDENTITY_MODULE, CC_IDENTITY_MODULE, "user" };
    if (set != NULL && set->identity != CC_UNSET) {
        conf.identity = set->identity;
    }
    if (set != NULL && set->staff_identity != CC_UNSET) {
        conf.staff_identity = set->staff_identity;
    }
    if (set != NULL && set->member_from != NULL) {
        conf.member_from = set->member_from;
    }
    return conf;
}

const char *cc_identity_name(const request_rec *r, const char *from)
{
    /* Nothing without httpd's authentication, whatever the rule names. */
    if (r->user == NULL || *r->user == '\0') {
        return NULL;
    }
    const char *name = r->user;
    if (strncmp(from, "env:", 4) == 0) {
        name = apr_table_get(r->subprocess_env, from + 4);
    } else if (strncmp(from, "note:", 5) == 0) {
        name = apr_table_get(r->notes, from + 5);
    }
    return name != NULL && *name != '\0' ? name : NULL;
}
