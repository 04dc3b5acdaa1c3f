/* Why a warning and not a refusal: a request with X-Forwarded-For that
 * mod_remoteip did not use is normal from a client's own proxy on the
 * internet; only when the peer looks like the site's own proxy (loopback or
 * a private network) is the setup probably wrong, and then the admin needs
 * to hear it once, not per request. Startup cannot know: the proxy in front
 * is not in this server's configuration. */
#include <string.h>
#include <apr_atomic.h>
#include <apr_network_io.h>

#include "cc_config.h"
#include "cc_proxied.h"

static volatile apr_uint32_t warned; /* per child */

static int looks_local(request_rec *r, const char *ip)
{
    static const char *const nets[] = { "127.0.0.0/8",    "10.0.0.0/8", "172.16.0.0/12",
                                        "192.168.0.0/16", "::1",        "fc00::/7" };
    for (apr_size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
        apr_ipsubnet_t *net;
        char *slash = strchr(nets[i], '/');
        const char *addr = slash ? apr_pstrmemdup(r->pool, nets[i], (apr_size_t)(slash - nets[i])) : nets[i];
        if (apr_ipsubnet_create(&net, addr, slash ? slash + 1 : NULL, r->pool) == APR_SUCCESS
            && apr_ipsubnet_test(net, r->connection->client_addr)) {
            return 1;
        }
    }
    return 0;
}

int cc_proxied_check(request_rec *r)
{
    if (apr_atomic_read32(&warned) || apr_table_get(r->headers_in, "X-Forwarded-For") == NULL
        || strcmp(r->useragent_ip, r->connection->client_ip) != 0 || !cc_config_mounted(r->server)
        || !looks_local(r, r->connection->client_ip) || apr_atomic_cas32(&warned, 1, 0) != 0) {
        return DECLINED;
    }
    int remoteip = ap_find_linked_module("mod_remoteip.c") != NULL;
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  CCLOGNO(00050) "requests from %s carry X-Forwarded-For, but %s: every client behind that"
                                 " proxy counts as %s for the per-address limits (README: Several nodes)",
                  r->connection->client_ip,
                  remoteip ? "mod_remoteip does not trust that address (RemoteIPInternalProxy)"
                           : "mod_remoteip is not loaded (RemoteIPHeader X-Forwarded-For)",
                  r->connection->client_ip);
    return DECLINED;
}
