/* The check of CicpaCertIdentity/CicpaCertStaffIdentity httpd at
 * check_config: a section that takes the requester from httpd's
 * authentication must have that authentication (AuthType and a Require that
 * does not let everyone in), in itself or a section enclosing it, so a
 * misconfiguration can never make every visitor a member. */
#include <strings.h>

#include "http_main.h"

#include "cc_config.h"
#include "cc_mounts.h"

/* What a section (and those enclosing it) says about authentication. */
typedef struct auth_seen {
    int auth_type; /* AuthType other than None */
    int require;   /* a Require other than "all granted" */
} auth_seen;

static int is_directive(const ap_directive_t *node, const char *name)
{
    return strcasecmp(node->directive, name) == 0;
}

/* Notes the AuthType and Require of the section whose first entry is
 * first; Require inside <RequireAll>/<RequireAny>/<RequireNone> counts. */
static void note_auth(const ap_directive_t *first, auth_seen *seen, apr_pool_t *p)
{
    for (const ap_directive_t *node = first; node; node = node->next) {
        const char *args = node->args ? node->args : "";
        if (is_directive(node, "AuthType")) {
            seen->auth_type |= strcasecmp(ap_getword_conf(p, &args), "None") != 0;
        } else if (is_directive(node, "Require")) {
            const char *what = ap_getword_conf(p, &args), *value = ap_getword_conf(p, &args);
            seen->require |= !(strcasecmp(what, "all") == 0 && strcasecmp(value, "granted") == 0);
        } else if (strncasecmp(node->directive, "<Require", 8) == 0) {
            note_auth(node->first_child, seen, p);
        }
    }
}

/* The server whose <VirtualHost> holds node ("the main server" outside any). */
static const char *server_of(apr_pool_t *p, const ap_directive_t *node, server_rec *s)
{
    for (const ap_directive_t *n = node; n; n = n->parent) {
        if (!is_directive(n, "<VirtualHost")) {
            continue;
        }
        for (server_rec *sp = s; sp; sp = sp->next) {
            if (sp->is_virtual && sp->defn_name && strcmp(sp->defn_name, n->filename) == 0
                && sp->defn_line_number == (unsigned)n->line_num) {
                return cc_server_name(p, sp);
            }
        }
        return apr_psprintf(p, "the virtual host at %s:%d", n->filename, n->line_num);
    }
    return "the main server";
}

/* Logs a CicpaCert*Identity httpd at node without authentication: 1 if so. */
static int lacks_auth(apr_pool_t *p, const ap_directive_t *node, server_rec *s)
{
    const char *args = node->args ? node->args : "";
    if (strcasecmp(ap_getword_conf(p, &args), "httpd") != 0) {
        return 0;
    }
    auth_seen seen = { 0, 0 };
    note_auth(node->parent ? node->parent->first_child : ap_conftree, &seen, p);
    for (const ap_directive_t *up = node->parent; up; up = up->parent) {
        note_auth(up->parent ? up->parent->first_child : ap_conftree, &seen, p);
    }
    if (seen.auth_type && seen.require) {
        return 0;
    }
    const char *section = node->parent
                              ? apr_pstrcat(p, node->parent->directive, " ", node->parent->args, NULL)
                              : "the server's top level";
    ap_log_error(
        APLOG_MARK, APLOG_CRIT, 0, s,
        CCLOGNO(00048) "%s httpd (%s:%d, in %s of %s) needs httpd's authentication in the same section or one"
                       " enclosing it: %s. Without it every visitor would be let in unauthenticated",
        node->directive, node->filename, node->line_num, section, server_of(p, node, s),
        seen.auth_type ? "a Require (valid-user, user, group, ...) other than \"all granted\""
                       : "an AuthType (form, Basic, openid-connect, ...)");
    return 1;
}

static int walk(apr_pool_t *p, const ap_directive_t *node, server_rec *s)
{
    int problems = 0;
    for (; node; node = node->next) {
        if (is_directive(node, "CicpaCertIdentity") || is_directive(node, "CicpaCertStaffIdentity")) {
            problems += lacks_auth(p, node, s);
        }
        problems += walk(p, node->first_child, s);
    }
    return problems;
}

int cc_config_check_identity(apr_pool_t *ptemp, server_rec *s)
{
    return walk(ptemp, ap_conftree, s) ? !OK : OK;
}
