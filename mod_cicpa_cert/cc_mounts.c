#include <strings.h>

#include "http_main.h"

#include "cc_mounts.h"

#define HANDLER_PREFIX "cicpa-cert-"

/* What applies to one <VirtualHost> (or, under the key "", to every server). */
typedef struct scope {
    const char *handler; /* the first cicpa-cert-* handler mounted, or NULL */
    int tls;             /* SSLEngine on */
} scope;

struct cc_mounts {
    apr_hash_t *scopes; /* "FILE:LINE" of a <VirtualHost>, or "" -> scope */
    apr_pool_t *pool;
};

static const char *scope_key(apr_pool_t *p, const ap_directive_t *node)
{
    for (; node; node = node->parent) {
        if (strcasecmp(node->directive, "<VirtualHost") == 0) {
            return apr_psprintf(p, "%s:%d", node->filename, node->line_num);
        }
    }
    return "";
}

static scope *scope_of(cc_mounts *m, const ap_directive_t *node)
{
    const char *key = scope_key(m->pool, node);
    scope *sc = apr_hash_get(m->scopes, key, APR_HASH_KEY_STRING);
    if (sc == NULL) {
        sc = apr_pcalloc(m->pool, sizeof(*sc));
        apr_hash_set(m->scopes, key, APR_HASH_KEY_STRING, sc);
    }
    return sc;
}

static void note(cc_mounts *m, const ap_directive_t *node)
{
    const char *args = node->args ? node->args : "";
    const char *first = ap_getword_conf(m->pool, &args);
    if (strcasecmp(node->directive, "SetHandler") == 0 || strcasecmp(node->directive, "AddHandler") == 0) {
        scope *sc = scope_of(m, node);
        if (strncasecmp(first, HANDLER_PREFIX, strlen(HANDLER_PREFIX)) == 0 && sc->handler == NULL) {
            sc->handler = first;
        }
    } else if (strcasecmp(node->directive, "SSLEngine") == 0 && strcasecmp(first, "on") == 0) {
        scope_of(m, node)->tls = 1;
    }
}

static void walk(cc_mounts *m, const ap_directive_t *node)
{
    for (; node; node = node->next) {
        note(m, node);
        walk(m, node->first_child);
    }
}

cc_mounts *cc_mounts_read(apr_pool_t *p)
{
    cc_mounts *m = apr_pcalloc(p, sizeof(*m));
    m->pool = p;
    m->scopes = apr_hash_make(p);
    walk(m, ap_conftree);
    return m;
}

static const scope *server_scope(const cc_mounts *m, const server_rec *s)
{
    if (!s->is_virtual || s->defn_name == NULL) {
        return NULL;
    }
    const char *key = apr_psprintf(m->pool, "%s:%u", s->defn_name, s->defn_line_number);
    return apr_hash_get(m->scopes, key, APR_HASH_KEY_STRING);
}

static const scope *top_scope(const cc_mounts *m)
{
    return apr_hash_get(m->scopes, "", APR_HASH_KEY_STRING);
}

const char *cc_mounts_handler(const cc_mounts *m, const server_rec *s)
{
    const scope *own = server_scope(m, s), *top = top_scope(m);
    if (own && own->handler) {
        return own->handler;
    }
    return top ? top->handler : NULL;
}

int cc_mounts_tls(const cc_mounts *m, const server_rec *s)
{
    const scope *own = server_scope(m, s), *top = top_scope(m);
    return (own && own->tls) || (top && top->tls);
}

const char *cc_server_name(apr_pool_t *p, const server_rec *s)
{
    if (!s->is_virtual) {
        return "the main server";
    }
    return apr_psprintf(p, "virtual host %s:%u (%s:%u)", s->server_hostname ? s->server_hostname : "*",
                        s->addrs ? s->addrs->host_port : s->port, s->defn_name, s->defn_line_number);
}
