/* Shared by the cmocka unit tests: APR, and one pool for the whole group
 * (named pool, as the tests use it). */
#ifndef CC_UNIT_H
#define CC_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <apr_general.h>
#include <apr_pools.h>

static apr_pool_t *pool;

static inline int cc_unit_setup(void **state)
{
    apr_initialize();
    return apr_pool_create(&pool, NULL) == APR_SUCCESS ? 0 : -1;
}

static inline int cc_unit_teardown(void **state)
{
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}

/* A per-test teardown that frees what the test allocated. */
static inline int cc_unit_clear_pool(void **state)
{
    apr_pool_clear(pool);
    return 0;
}

/* Runs the test array with the group's pool around it. */
#define CC_UNIT_RUN(tests) cmocka_run_group_tests(tests, cc_unit_setup, cc_unit_teardown)

#endif
