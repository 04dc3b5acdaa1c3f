/* Healing a pooled database connection in place. mod_dbd keeps a connection
 * for as long as apr-util's check of it passes, and that check passes for a
 * connection that can never work again: an SQLite handle opened while the
 * file was read-only stays read-only, and a PostgreSQL connection that
 * libpq reset after a server restart has lost its prepared statements. So
 * after a failure this opens a fresh handle with the same settings; when
 * that works (the database is back) the fresh handle replaces the old one in
 * mod_dbd's record, with the settings' DBDInitSQL run and their statements
 * prepared again, and the old one is closed. While the database is away the
 * old handle stays and the caller answers 503 as before.
 *
 * The other pooled connections of this child are likely as stale: each heal
 * starts a new generation, and a connection of an older one is reopened as
 * it is acquired (cc_db_refresh), so one failure heals the whole child. */
#include <apr_atomic.h>
#include <apr_dbd.h>

#include "cc_db.h"

#define HEALED_NOTE "cicpa-db-healed"
#define GENERATION_KEY "cicpa-db-generation"

/* Heals in this child so far; each connection remembers the generation it
 * was last opened in (pool user data of its own pool). */
static apr_uint32_t generation;

/* mod_dbd's settings of s: the first member of its private per-server record
 * is the public dbd_cfg_t (mod_dbd.h), as in every httpd 2.4. */
static const dbd_cfg_t *dbd_settings(const server_rec *s)
{
    const module *dbd = ap_find_linked_module("mod_dbd.c");
    void *svr = dbd ? ap_get_module_config(s->module_config, dbd) : NULL;
    return svr ? *(dbd_cfg_t **)svr : NULL;
}

/* Runs the DBDInitSQL statements and prepares every labelled statement of
 * cfg on handle, into prepared; 0 when all went well. */
static int prepare_all(request_rec *r, ap_dbd_t *dbd, apr_dbd_t *handle, const dbd_cfg_t *cfg,
                       apr_hash_t *prepared)
{
    for (int i = 0; i < cfg->init_queries->nelts; i++) {
        int nrows = 0;
        if (apr_dbd_query(dbd->driver, handle, &nrows, APR_ARRAY_IDX(cfg->init_queries, i, const char *))
            != 0) {
            return -1;
        }
    }
    for (apr_hash_index_t *hi = apr_hash_first(r->pool, cfg->queries); hi; hi = apr_hash_next(hi)) {
        const char *label, *query;
        apr_dbd_prepared_t *stmt = NULL;
        apr_hash_this(hi, (const void **)&label, NULL, (void **)&query);
        if (apr_dbd_prepare(dbd->driver, dbd->pool, handle, query, label, &stmt) != 0) {
            return -1;
        }
        apr_hash_set(prepared, label, APR_HASH_KEY_STRING, stmt);
    }
    return 0;
}

/* Opens a fresh handle for dbd and swaps it in; 0 when done. */
static int reopen(request_rec *r, ap_dbd_t *dbd, const dbd_cfg_t *cfg)
{
    const char *err = NULL;
    apr_dbd_t *fresh = NULL;
    /* The fresh handle lives in the connection's pool, as the old one does. */
    if (apr_dbd_open_ex(dbd->driver, dbd->pool, cfg->params, &fresh, &err) != APR_SUCCESS || fresh == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      CCLOGNO(00015) "database connection failed and cannot be"
                                     " reopened yet: %s",
                      err ? err : "unknown error");
        return -1;
    }
    apr_hash_t *prepared = apr_hash_make(dbd->pool);
    if (prepare_all(r, dbd, fresh, cfg, prepared) != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      CCLOGNO(00016) "database connection reopened but its"
                                     " statements could not be prepared: %s",
                      apr_dbd_error(dbd->driver, fresh, 0));
        apr_dbd_close(dbd->driver, fresh);
        return -1;
    }
    apr_dbd_close(dbd->driver, dbd->handle);
    dbd->handle = fresh;
    dbd->prepared = prepared;
    return 0;
}

static apr_uint32_t *generation_of(ap_dbd_t *dbd)
{
    void *stored = NULL;
    apr_pool_userdata_get(&stored, GENERATION_KEY, dbd->pool);
    if (stored == NULL) {
        stored = apr_pcalloc(dbd->pool, sizeof(apr_uint32_t));
        apr_pool_userdata_setn(stored, GENERATION_KEY, NULL, dbd->pool);
    }
    return stored;
}

int cc_db_heal(request_rec *r, ap_dbd_t *dbd)
{
    const dbd_cfg_t *cfg = dbd_settings(r->server);
    if (cfg == NULL || apr_table_get(r->notes, HEALED_NOTE) != NULL) {
        return -1;
    }
    apr_table_setn(r->notes, HEALED_NOTE, "1");
    if (reopen(r, dbd, cfg) != 0) {
        return -1;
    }
    *generation_of(dbd) = apr_atomic_inc32(&generation) + 1;
    ap_log_rerror(
        APLOG_MARK, APLOG_WARNING, 0, r,
        CCLOGNO(00017) "database connection failed: replaced it"
                       " with a fresh one, and the child's other connections follow as they are used");
    return 0;
}

void cc_db_refresh(request_rec *r, ap_dbd_t *dbd)
{
    apr_uint32_t now = apr_atomic_read32(&generation), *mine = generation_of(dbd);
    const dbd_cfg_t *cfg = dbd_settings(r->server);
    if (*mine != now && cfg != NULL && reopen(r, dbd, cfg) == 0) {
        *mine = now;
    }
}
