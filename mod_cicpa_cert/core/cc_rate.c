#include "cc_rate.h"

#include <apr_thread_mutex.h>
#include <math.h>
#include <stdint.h>

#define SLOTS 4096 /* clients tracked at once; 96 KB */

typedef struct bucket {
    uint64_t client; /* FNV-1a of the address; 0: unused */
    double tokens;
    apr_time_t updated;
} bucket;

struct cc_rate {
    apr_thread_mutex_t *lock;
    double per_second;
    double burst;
    bucket slots[SLOTS];
};

static uint64_t hash_of(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h ? h : 1;
}

cc_rate *cc_rate_create(int per_minute, apr_pool_t *p)
{
    cc_rate *rate = apr_pcalloc(p, sizeof(*rate));
    if (apr_thread_mutex_create(&rate->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS) {
        return NULL;
    }
    rate->per_second = per_minute / 60.0;
    rate->burst = per_minute;
    return rate;
}

int cc_rate_take(cc_rate *rate, const char *client, apr_time_t now, int *retry_after)
{
    const uint64_t h = hash_of(client);
    int allowed;
    apr_thread_mutex_lock(rate->lock);
    bucket *b = &rate->slots[h % SLOTS];
    if (b->client != h) {
        b->client = h;
        b->tokens = rate->burst;
        b->updated = now;
    } else if (now > b->updated) {
        b->tokens += apr_time_as_msec(now - b->updated) / 1000.0 * rate->per_second;
        if (b->tokens > rate->burst) {
            b->tokens = rate->burst;
        }
        b->updated = now;
    }
    allowed = b->tokens >= 1.0;
    if (allowed) {
        b->tokens -= 1.0;
    } else {
        double wait = ceil((1.0 - b->tokens) / rate->per_second);
        *retry_after = wait < 1 ? 1 : (int)wait;
    }
    apr_thread_mutex_unlock(rate->lock);
    return allowed;
}
