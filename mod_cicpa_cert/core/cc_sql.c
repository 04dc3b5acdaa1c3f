#include <ctype.h>
#include <string.h>
#include <apr_strings.h>

#include "cc_sql.h"

static const char *id_column_for(const char *driver)
{
    if (strcmp(driver, "sqlite3") == 0) {
        return "INTEGER PRIMARY KEY AUTOINCREMENT";
    }
    if (strcmp(driver, "pgsql") == 0) {
        return "BIGSERIAL PRIMARY KEY";
    }
    return NULL;
}

static const char *replace_all(const char *s, const char *from, const char *to, apr_pool_t *p)
{
    const char *hit;
    const char *out = "";
    while ((hit = strstr(s, from)) != NULL) {
        out = apr_pstrcat(p, out, apr_pstrmemdup(p, s, hit - s), to, NULL);
        s = hit + strlen(from);
    }
    return apr_pstrcat(p, out, s, NULL);
}

static int is_comment_or_blank(const char *line, apr_size_t len)
{
    apr_size_t i = 0;
    while (i < len && isspace((unsigned char)line[i])) {
        i++;
    }
    return i == len || (i + 1 < len && line[i] == '-' && line[i + 1] == '-');
}

static int ends_statement(const char *line, apr_size_t len)
{
    while (len > 0 && isspace((unsigned char)line[len - 1])) {
        len--;
    }
    return len > 0 && line[len - 1] == ';';
}

/* The statement without its final ';' and trailing white space: apr-util's
 * sqlite3 driver runs the text after the last ';' as one more statement. */
static const char *finish_statement(const char *pending, const char *id_column, apr_pool_t *p)
{
    char *stmt = apr_pstrdup(p, replace_all(pending, "{{ID}}", id_column, p));
    apr_size_t n = strlen(stmt);
    while (n > 0 && (isspace((unsigned char)stmt[n - 1]) || stmt[n - 1] == ';')) {
        stmt[--n] = '\0';
    }
    return stmt;
}

#define PGSQL_ONLY "{{PGSQL}}"

/* Adds the statement pending to out as driver runs it: one that starts with
 * {{PGSQL}} only for pgsql, without the token. */
static void add_statement(apr_array_header_t *out, const char *pending, const char *driver,
                          const char *id_column, apr_pool_t *p)
{
    const char *start = pending;
    while (isspace((unsigned char)*start)) {
        start++;
    }
    if (strncmp(start, PGSQL_ONLY, strlen(PGSQL_ONLY)) == 0) {
        if (strcmp(driver, "pgsql") != 0) {
            return;
        }
        pending = start + strlen(PGSQL_ONLY);
    }
    APR_ARRAY_PUSH(out, const char *) = finish_statement(pending, id_column, p);
}

apr_array_header_t *cc_sql_statements(const char *script, const char *driver, apr_pool_t *p)
{
    const char *id_column = id_column_for(driver);
    if (id_column == NULL) {
        return NULL;
    }
    apr_array_header_t *out = apr_array_make(p, 16, sizeof(const char *));
    const char *pending = "";
    const char *line = script;
    while (*line) {
        const char *nl = strchr(line, '\n');
        apr_size_t len = nl ? (apr_size_t)(nl - line) : strlen(line);
        if (!is_comment_or_blank(line, len)) {
            pending = apr_pstrcat(p, pending, apr_pstrmemdup(p, line, len), "\n", NULL);
            if (ends_statement(line, len)) {
                add_statement(out, pending, driver, id_column, p);
                pending = "";
            }
        }
        line = nl ? nl + 1 : line + len;
    }
    if (*pending) {
        add_statement(out, pending, driver, id_column, p);
    }
    return out;
}

int cc_sql_migration_version(const char *file_name)
{
    int version = 0;
    const char *c = file_name;
    while (isdigit((unsigned char)*c)) {
        version = version * 10 + (*c - '0');
        if (version > 100000) {
            return 0;
        }
        c++;
    }
    if (c == file_name || *c != '_') {
        return 0;
    }
    apr_size_t len = strlen(file_name);
    if (len < 4 || strcmp(file_name + len - 4, ".sql") != 0) {
        return 0;
    }
    return version;
}

apr_array_header_t *cc_sql_rows(const apr_dbd_driver_t *driver, apr_dbd_results_t *res, apr_pool_t *p)
{
    apr_array_header_t *rows = apr_array_make(p, 4, sizeof(const char **));
    apr_dbd_row_t *row = NULL;
    while (apr_dbd_get_row(driver, p, res, &row, -1) == 0) {
        /* Asked per row: pgsql's sequential results know it only then. */
        int ncols = apr_dbd_num_cols(driver, res);
        const char **values = apr_pcalloc(p, (ncols + 1) * sizeof(const char *));
        for (int c = 0; c < ncols; c++) {
            const char *v = apr_dbd_get_entry(driver, row, c);
            values[c] = v ? apr_pstrdup(p, v) : NULL;
        }
        APR_ARRAY_PUSH(rows, const char **) = values;
    }
    return rows;
}
