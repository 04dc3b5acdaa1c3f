#include "cc_json.h"

#include <apr_strings.h>
#include <stdlib.h>

const char *cc_json_text(json_t *obj, apr_pool_t *p)
{
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    const char *copy = text ? apr_pstrdup(p, text) : NULL;
    free(text);
    json_decref(obj);
    return copy;
}
