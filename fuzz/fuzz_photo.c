/* libFuzzer target: cc_photo_check on arbitrary bytes with the guide's
 * rules.  The sanitizers catch bad memory use; every problem must also
 * carry a code and a message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <apr_general.h>

#include "cc_photo_rules.h"

static apr_pool_t *pool;
static cc_photo_rules rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_initialize();
    apr_pool_create(&pool, NULL);
    cc_photo_rules_default(&rules);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_array_header_t *problems = cc_photo_check(&rules, data, size, pool);

    for (int i = 0; i < problems->nelts; i++) {
        const cc_photo_problem *problem = &APR_ARRAY_IDX(problems, i, cc_photo_problem);

        if (problem->code == NULL || problem->message == NULL)
            abort();
    }
    apr_pool_clear(pool);
    return 0;
}
