#include <string.h>

#include "cc_statement.h"

const char *cc_statement_sql(const cc_statement *table, const char *label)
{
    for (const cc_statement *st = table; st->label; st++) {
        if (strcmp(st->label, label) == 0) {
            return st->sql;
        }
    }
    return NULL;
}
