/* A file outbox for demos: CicpaCertSmtpUrl / CicpaCertSmsUrl
 * file:///FOLDER write each recovery message into FOLDER instead of
 * sending it (an e-mail as its RFC 5322 text, an SMS as the gateway's JSON
 * request), the way web frameworks offer a file-based mail backend. */
#ifndef CC_OUTBOX_H
#define CC_OUTBOX_H

#include <apr_errno.h>
#include <apr_pools.h>

/* The longest folder path accepted, so every file name stays bounded. */
#define CC_OUTBOX_MAX_DIR 512

/* 1 when url is a file: URL (an outbox rather than a server); 0 for NULL. */
int cc_outbox_url(const char *url);

/* NULL when url is file:///FOLDER naming an existing folder (absolute, at
 * most CC_OUTBOX_MAX_DIR bytes, no host); otherwise the reason, starting
 * with directive. */
const char *cc_outbox_problem(const char *directive, const char *url, apr_pool_t *p);

/* Writes len bytes of data as a new file of the outbox at url, named
 * "<UTC YYYYMMDDTHHMMSSZ>-<16 random characters>.<suffix>" (suffix: a few
 * letters such as "eml"), mode 0600. Atomic: written under a hidden
 * temporary name in the same folder, then renamed, so a reader never sees
 * a partial message. *name is the file's name (without the folder). */
apr_status_t cc_outbox_write(const char *url, const char *suffix, const char *data, apr_size_t len,
                             apr_pool_t *p, const char **name);

#endif
