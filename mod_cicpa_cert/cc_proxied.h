/* Behind a reverse proxy without mod_remoteip every client is the proxy's
 * address, and the per-address limits (failed logins, captchas,
 * verification checks) count all clients as one: a few failures lock
 * everybody out. This warns about it once per child. */
#ifndef CC_PROXIED_H
#define CC_PROXIED_H

#include "cc_module.h"

/* post_read_request hook (after mod_remoteip's): warns (APLOG_WARNING,
 * once per child) at the first request to a server mounting the module
 * that comes from a loopback or private address with an X-Forwarded-For
 * header that nothing used, because mod_remoteip is not loaded or does not
 * trust that address (RemoteIPInternalProxy / RemoteIPTrustedProxy).
 * Always DECLINED. */
int cc_proxied_check(request_rec *r);

#endif
