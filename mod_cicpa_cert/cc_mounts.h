/* Which servers mount the module, read from httpd's configuration tree at
 * check_config time (before any request): a server mounts it when a
 * SetHandler/AddHandler of a cicpa-cert-* handler applies to it, in its
 * <VirtualHost> or at the top level (which applies to every server). */
#ifndef CC_MOUNTS_H
#define CC_MOUNTS_H

#include "cc_module.h"

typedef struct cc_mounts cc_mounts;

/* Reads the tree of the configuration being checked. */
cc_mounts *cc_mounts_read(apr_pool_t *p);

/* The first cicpa-cert-* handler that applies to s, or NULL. */
const char *cc_mounts_handler(const cc_mounts *mounts, const server_rec *s);

/* 1 when `SSLEngine on` applies to s (for the Secure-cookie warning). */
int cc_mounts_tls(const cc_mounts *mounts, const server_rec *s);

/* How messages name s: "the main server", or "virtual host NAME:PORT
 * (FILE:LINE)". */
const char *cc_server_name(apr_pool_t *p, const server_rec *s);

#endif
