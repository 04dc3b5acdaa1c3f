#include <string.h>

#include <apr_strings.h>

#include "cc_csv.h"

typedef struct csv_reader {
    const char *s, *end; /* what is left to read */
    int line;            /* the line of *s */
    apr_pool_t *p;
} csv_reader;

static int at_line_end(const csv_reader *rd)
{
    return rd->s < rd->end && (*rd->s == '\n' || *rd->s == '\r');
}

/* Steps over one line end: LF, CRLF or a lone CR. */
static void skip_line_end(csv_reader *rd)
{
    if (*rd->s == '\r' && rd->s + 1 < rd->end && rd->s[1] == '\n') {
        rd->s++;
    }
    rd->s++;
    rd->line++;
}

/* A quoted field, from its opening quote; NULL when it never closes or is
 * followed by anything but a comma or a line end. */
static const char *quoted_field(csv_reader *rd, const char **err)
{
    int start_line = rd->line;
    char *out = apr_palloc(rd->p, (apr_size_t)(rd->end - rd->s) + 1), *o = out;
    for (rd->s++; rd->s < rd->end; rd->s++) {
        if (*rd->s == '"' && rd->s + 1 < rd->end && rd->s[1] == '"') {
            *o++ = '"';
            rd->s++;
        } else if (*rd->s == '"') {
            rd->s++;
            if (rd->s < rd->end && *rd->s != ',' && !at_line_end(rd)) {
                *err = apr_psprintf(rd->p, "line %d: text after a closing quote", rd->line);
                return NULL;
            }
            *o = '\0';
            return out;
        } else {
            rd->line += *rd->s == '\n';
            *o++ = *rd->s;
        }
    }
    *err = apr_psprintf(rd->p, "line %d: quoted field never closed", start_line);
    return NULL;
}

static const char *plain_field(csv_reader *rd, const char **err)
{
    const char *start = rd->s;
    while (rd->s < rd->end && *rd->s != ',' && !at_line_end(rd)) {
        if (*rd->s == '"') {
            *err = apr_psprintf(rd->p, "line %d: quote inside an unquoted field", rd->line);
            return NULL;
        }
        rd->s++;
    }
    return apr_pstrmemdup(rd->p, start, (apr_size_t)(rd->s - start));
}

/* One record, up to and over its line end. */
static cc_csv_record *read_record(csv_reader *rd, const char **err)
{
    cc_csv_record *rec = apr_palloc(rd->p, sizeof(*rec));
    rec->line = rd->line;
    rec->fields = apr_array_make(rd->p, 16, sizeof(const char *));
    for (;;) {
        const char *f = rd->s < rd->end && *rd->s == '"' ? quoted_field(rd, err) : plain_field(rd, err);
        if (f == NULL) {
            return NULL;
        }
        APR_ARRAY_PUSH(rec->fields, const char *) = f;
        if (rd->s < rd->end && *rd->s == ',') {
            rd->s++;
            continue;
        }
        if (rd->s < rd->end) {
            skip_line_end(rd);
        }
        return rec;
    }
}

apr_status_t cc_csv_parse(const char *text, apr_size_t len, apr_pool_t *p, apr_array_header_t **records,
                          const char **err)
{
    csv_reader rd = { text, text + len, 1, p };
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        rd.s += 3;
    }
    *records = apr_array_make(p, 64, sizeof(cc_csv_record *));
    while (rd.s < rd.end) {
        if (at_line_end(&rd)) {
            skip_line_end(&rd);
            continue;
        }
        cc_csv_record *rec = read_record(&rd, err);
        if (rec == NULL) {
            return APR_EGENERAL;
        }
        APR_ARRAY_PUSH(*records, cc_csv_record *) = rec;
    }
    return APR_SUCCESS;
}

/* What Excel, WPS and LibreOffice read as the start of a formula. */
static int starts_formula(const char *field)
{
    return *field != '\0' && strchr("=+-@\t\r", *field) != NULL;
}

const char *cc_csv_field(const char *field, apr_pool_t *p)
{
    if (starts_formula(field)) {
        field = apr_pstrcat(p, "'", field, NULL);
    }
    if (strpbrk(field, ",\"\r\n") == NULL) {
        return field;
    }
    char *out = apr_palloc(p, 2 * strlen(field) + 3), *o = out;
    *o++ = '"';
    for (const char *c = field; *c; c++) {
        if (*c == '"') {
            *o++ = '"';
        }
        *o++ = *c;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}
