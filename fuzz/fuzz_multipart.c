/* libFuzzer target: cc_multipart_parse.  The input's first line is the
 * Content-Type, the rest the body, which ends exactly where the fuzzer's
 * buffer ends so that AddressSanitizer sees any read past it.  Every part
 * must lie inside the body and be found by its name. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cc_multipart.h"

static apr_pool_t *pool;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_initialize();
    apr_pool_create(&pool, NULL);
    return 0;
}

static void check_parts(const apr_array_header_t *parts, const uint8_t *body, size_t len)
{
    for (int i = 0; i < parts->nelts; i++) {
        const cc_multipart_part *part = &APR_ARRAY_IDX(parts, i, cc_multipart_part);
        const cc_multipart_part *found = cc_multipart_find(parts, part->name);

        if (part->data < body || part->len > len || (size_t)(part->data - body) > len - part->len)
            abort();
        if (found == NULL || found > part || strcmp(found->name, part->name) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *newline = memchr(data, '\n', size);
    size_t line_len = newline ? (size_t)(newline - data) : size;
    const char *content_type = apr_pstrmemdup(pool, (const char *)data, line_len);
    const uint8_t *body = newline ? newline + 1 : data + size;
    size_t len = size - (size_t)(body - data);
    apr_array_header_t *parts;
    const char *err;

    if (cc_multipart_parse(content_type, body, len, pool, &parts, &err) == APR_SUCCESS)
        check_parts(parts, body, len);
    else if (parts != NULL || err == NULL)
        abort();
    apr_pool_clear(pool);
    return 0;
}
