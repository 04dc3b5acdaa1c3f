/* A request rate limit per client address: a token bucket per address in a
 * fixed-size table of this process (no allocation per client, no sweeping).
 * With several httpd children each keeps its own table, so a client can
 * reach at most the limit times the number of children. */
#ifndef CC_RATE_H
#define CC_RATE_H

#include <apr_pools.h>
#include <apr_time.h>

typedef struct cc_rate cc_rate;

/* per_minute requests a minute per client, in bursts of up to per_minute.
 * NULL when the mutex cannot be created. Thread-safe. */
cc_rate *cc_rate_create(int per_minute, apr_pool_t *p);

/* Takes one token of client's bucket at time now: 1 when the request may
 * go ahead, else 0 with *retry_after set to the whole seconds until the
 * next token. Clients whose slots collide share nothing: the newcomer takes
 * the slot over with a full bucket. */
int cc_rate_take(cc_rate *rate, const char *client, apr_time_t now, int *retry_after);

#endif
