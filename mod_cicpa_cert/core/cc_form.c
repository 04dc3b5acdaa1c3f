/* application/x-www-form-urlencoded bodies, strict about what the rest of
 * the module cannot represent: broken escapes, NUL bytes, invalid UTF-8. */
#include "cc_form.h"
#include "cc_fields.h"

#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes the n bytes at s ('+' and %XX) into a new string *out. */
static apr_status_t decode_component(const char *s, apr_size_t n, apr_pool_t *p, const char **out)
{
    char *decoded = apr_palloc(p, n + 1), *w = decoded;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        char c = s[i];

        if (c == '%') {
            int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
            int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;

            if (lo < 0)
                return APR_EGENERAL;
            c = (char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (c == '\0')
            return APR_EGENERAL;
        *w++ = c;
    }
    *w = '\0';
    if (cc_utf8_chars(decoded) < 0)
        return APR_EGENERAL;
    *out = decoded;
    return APR_SUCCESS;
}

/* Adds the name[=value] pair in the n bytes at s; an empty name is dropped,
 * a name already present is APR_EEXIST. */
static apr_status_t add_pair(const char *s, apr_size_t n, apr_pool_t *p, apr_table_t *form)
{
    const char *eq = memchr(s, '=', n);
    apr_size_t name_len = eq ? (apr_size_t)(eq - s) : n;
    const char *name, *value = "";
    apr_status_t rv;

    rv = decode_component(s, name_len, p, &name);
    if (rv == APR_SUCCESS && eq)
        rv = decode_component(eq + 1, n - name_len - 1, p, &value);
    if (rv != APR_SUCCESS || !*name)
        return rv;
    if (apr_table_get(form, name))
        return APR_EEXIST;
    apr_table_setn(form, name, value);
    return APR_SUCCESS;
}

apr_status_t cc_form_parse(const char *body, apr_size_t len, apr_pool_t *p, apr_table_t **out)
{
    apr_table_t *form = apr_table_make(p, 16);
    apr_size_t start = 0;

    *out = NULL;
    while (start < len) {
        const char *amp = memchr(body + start, '&', len - start);
        apr_size_t end = amp ? (apr_size_t)(amp - body) : len;

        apr_status_t rv = end > start ? add_pair(body + start, end - start, p, form) : APR_SUCCESS;

        if (rv != APR_SUCCESS)
            return rv;
        start = end + 1;
    }
    *out = form;
    return APR_SUCCESS;
}
