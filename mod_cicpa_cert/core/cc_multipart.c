/* A bounded multipart/form-data parser (RFC 7578, RFC 2046) over a body that
 * is already in memory.  Part data point into the body; names, filenames and
 * content types are copied into the pool.  Every search is bounded by the
 * body's end, so nothing outside it is ever read.
 *
 *   preamble CRLF? "--" boundary [padding] CRLF headers CRLF CRLF data
 *   CRLF "--" boundary [padding] CRLF headers ...
 *   CRLF "--" boundary "--" epilogue
 *
 * Only CRLF ends a line (all browsers and wx.uploadFile send it); guessing at
 * bare LF could change the last byte of binary data. */
#ifndef _GNU_SOURCE /* APR's flags usually define it already */
#define _GNU_SOURCE /* memmem: a linear-time search in glibc */
#endif
#include "cc_multipart.h"

#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#define CRLF "\r\n"
#define BLANK_LINE "\r\n\r\n"

/* The body and the delimiter that ends each part's data. */
typedef struct multipart_body {
    const unsigned char *start;
    const unsigned char *end;
    const char *delimiter; /* CRLF "--" boundary */
    apr_size_t delimiter_len;
} multipart_body;

typedef enum boundary_end { BOUNDARY_OPENS_PART, BOUNDARY_CLOSES_BODY, BOUNDARY_MALFORMED } boundary_end;

/* ---- header values: "type; name=value; name="quoted value"" */

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static const char *skip_spaces(const char *s)
{
    while (is_space(*s))
        s++;
    return s;
}

/* A copy of len bytes at start without the spaces and tabs around them. */
static const char *trimmed_copy(const char *start, apr_size_t len, apr_pool_t *p)
{
    const char *end = start + len;

    while (start < end && is_space(*start))
        start++;
    while (end > start && is_space(end[-1]))
        end--;
    return apr_pstrmemdup(p, start, (apr_size_t)(end - start));
}

/* The value before the first ';' (the media type or disposition type). */
static const char *leading_value(const char **at, apr_pool_t *p)
{
    const char *start = *at;

    *at = start + strcspn(start, ";");
    return trimmed_copy(start, (apr_size_t)(*at - start), p);
}

/* Reads the next "; name=value" at *at.  A quoted value runs to the next
 * quote with backslashes kept as they are (browsers escape a quote in a
 * file name as %22, and Windows paths contain backslashes).  Returns 1 with
 * *name and *value copied into p, 0 at the end, -1 when malformed. */
static int next_parameter(const char **at, apr_pool_t *p, const char **name, const char **value)
{
    const char *s = skip_spaces(*at), *start;

    if (*s == '\0')
        return 0;
    if (*s != ';')
        return -1;
    s = skip_spaces(s + 1);
    if (*s == '\0')
        return 0; /* a trailing ';' */
    for (start = s; *s && *s != '=' && *s != ';' && !is_space(*s); s++)
        ;
    if (s == start)
        return -1;
    *name = apr_pstrmemdup(p, start, (apr_size_t)(s - start));
    s = skip_spaces(s);
    if (*s != '=')
        return -1;
    s = skip_spaces(s + 1);
    if (*s == '"') {
        start = ++s;
        s = strchr(s, '"');
        if (s == NULL)
            return -1;
        *value = apr_pstrmemdup(p, start, (apr_size_t)(s - start));
        s++;
    } else {
        for (start = s; *s && *s != ';' && !is_space(*s); s++)
            ;
        *value = apr_pstrmemdup(p, start, (apr_size_t)(s - start));
    }
    *at = s;
    return 1;
}

/* ---- the boundary */

/* RFC 2046 bchars: digits, letters and '()+_,-./:=? plus space (not last). */
static int valid_boundary(const char *boundary)
{
    apr_size_t len = strlen(boundary);

    if (len == 0 || len > CC_MULTIPART_MAX_BOUNDARY || boundary[len - 1] == ' ')
        return 0;
    for (const char *c = boundary; *c; c++)
        if (!apr_isalnum(*c) && strchr("'()+_,-./:=? ", *c) == NULL)
            return 0;
    return 1;
}

/* The boundary parameter of a multipart/form-data Content-Type, or NULL
 * with *err set. */
static const char *boundary_of(const char *content_type, apr_pool_t *p, const char **err)
{
    const char *at = content_type, *name, *value, *boundary = NULL;
    int more;

    if (content_type == NULL || strcasecmp(leading_value(&at, p), "multipart/form-data") != 0) {
        *err = "Content-Type is not multipart/form-data";
        return NULL;
    }
    while ((more = next_parameter(&at, p, &name, &value)) > 0)
        if (strcasecmp(name, "boundary") == 0)
            boundary = value;
    if (more < 0)
        *err = "malformed Content-Type parameters";
    else if (boundary == NULL)
        *err = "Content-Type has no boundary";
    else if (!valid_boundary(boundary))
        *err = "invalid boundary";
    else
        return boundary;
    return NULL;
}

/* ---- part headers */

static int hex_value(char c)
{
    return apr_isdigit(c) ? c - '0' : apr_tolower(c) - 'a' + 10;
}

/* RFC 5987 ext-value, e.g. UTF-8''%E7%85%A7%E7%89%87.jpg, decoded; NULL
 * when the charset is not UTF-8 or an escape is broken or decodes to NUL. */
static const char *decode_ext_value(const char *value, apr_pool_t *p)
{
    const char *language = strchr(value, '\''), *s;
    char *decoded, *out;

    if (language == NULL || language - value != 5 || strncasecmp(value, "UTF-8", 5) != 0)
        return NULL;
    s = strchr(language + 1, '\'');
    if (s == NULL)
        return NULL;
    decoded = out = apr_palloc(p, strlen(s));
    for (s++; *s; out++) {
        if (*s != '%') {
            *out = *s++;
            continue;
        }
        if (!apr_isxdigit(s[1]) || !apr_isxdigit(s[2]))
            return NULL;
        *out = (char)(hex_value(s[1]) << 4 | hex_value(s[2]));
        if (*out == '\0')
            return NULL;
        s += 3;
    }
    *out = '\0';
    return decoded;
}

/* form-data; name="..."; filename="..."; filename*=UTF-8''... */
static const char *read_disposition(const char *value, cc_multipart_part *part, apr_pool_t *p)
{
    const char *at = value, *name, *param, *ext_filename = NULL;
    int more;

    if (strcasecmp(leading_value(&at, p), "form-data") != 0)
        return "Content-Disposition is not form-data";
    while ((more = next_parameter(&at, p, &name, &param)) > 0) {
        if (strcasecmp(name, "name") == 0)
            part->name = param;
        else if (strcasecmp(name, "filename") == 0)
            part->filename = param;
        else if (strcasecmp(name, "filename*") == 0)
            ext_filename = decode_ext_value(param, p);
    }
    if (more < 0)
        return "malformed Content-Disposition";
    if (ext_filename)
        part->filename = ext_filename;
    return NULL;
}

/* One "Name: value" line (without its CRLF); headers other than
 * Content-Disposition and Content-Type are ignored. */
static const char *read_header_line(const unsigned char *line, apr_size_t len, cc_multipart_part *part,
                                    apr_pool_t *p)
{
    const unsigned char *colon = memchr(line, ':', len);
    const char *name, *value;

    for (apr_size_t i = 0; i < len; i++)
        if ((line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7F)
            return "control character in part header";
    if (colon == NULL)
        return "malformed part header";
    name = trimmed_copy((const char *)line, (apr_size_t)(colon - line), p);
    value = trimmed_copy((const char *)colon + 1, len - (apr_size_t)(colon - line) - 1, p);
    if (strcasecmp(name, "Content-Disposition") == 0)
        return read_disposition(value, part, p);
    if (strcasecmp(name, "Content-Type") == 0)
        part->content_type = value;
    return NULL;
}

/* Reads the header lines at *at up to the blank line and moves *at to the
 * part's data.  The search starts at the CRLF that ended the boundary line,
 * so a part without headers (an immediate blank line) needs no special case. */
static const char *read_part_headers(const unsigned char **at, const unsigned char *end,
                                     cc_multipart_part *part, apr_pool_t *p)
{
    const unsigned char *from = *at - 2, *blank, *line;
    apr_size_t window = (apr_size_t)(end - from), most = CC_MULTIPART_MAX_HEADER_BYTES + 4;
    const char *err;

    blank = memmem(from, window < most ? window : most, BLANK_LINE, 4);
    if (blank == NULL)
        return window < most ? "part headers not terminated" : "part headers too long";
    for (line = *at; line < blank + 2;) {
        const unsigned char *eol = memmem(line, (apr_size_t)(blank + 2 - line), CRLF, 2);

        err = read_header_line(line, (apr_size_t)(eol - line), part, p);
        if (err)
            return err;
        line = eol + 2;
    }
    if (part->name == NULL)
        return "part without Content-Disposition name";
    *at = blank + 4;
    return NULL;
}

/* ---- the body */

/* The first boundary ("--" boundary) opens the body or follows the
 * preamble's CRLF; returns the position after it, or NULL. */
static const unsigned char *after_first_boundary(const multipart_body *body)
{
    const char *dash_boundary = body->delimiter + 2;
    apr_size_t dash_len = body->delimiter_len - 2, len = (apr_size_t)(body->end - body->start);
    const unsigned char *found;

    if (len >= dash_len && memcmp(body->start, dash_boundary, dash_len) == 0)
        return body->start + dash_len;
    found = memmem(body->start, len, body->delimiter, body->delimiter_len);
    return found ? found + body->delimiter_len : NULL;
}

/* What follows a boundary: "--" closes the body (the epilogue is ignored);
 * otherwise optional spaces and tabs and a CRLF, after which *at is moved. */
static boundary_end read_boundary_end(const unsigned char **at, const unsigned char *end)
{
    const unsigned char *s = *at;

    if (end - s >= 2 && s[0] == '-' && s[1] == '-')
        return BOUNDARY_CLOSES_BODY;
    while (s < end && is_space((char)*s))
        s++;
    if (end - s < 2 || memcmp(s, CRLF, 2) != 0)
        return BOUNDARY_MALFORMED;
    *at = s + 2;
    return BOUNDARY_OPENS_PART;
}

/* The part's data runs from *at to the next delimiter, after which *at moves. */
static const char *read_part_data(const multipart_body *body, const unsigned char **at,
                                  cc_multipart_part *part)
{
    const unsigned char *delimiter =
        memmem(*at, (apr_size_t)(body->end - *at), body->delimiter, body->delimiter_len);

    if (delimiter == NULL)
        return "missing closing boundary";
    part->data = *at;
    part->len = (apr_size_t)(delimiter - *at);
    *at = delimiter + body->delimiter_len;
    return NULL;
}

static const char *read_parts(const multipart_body *body, apr_array_header_t *parts, apr_pool_t *p)
{
    const unsigned char *at = after_first_boundary(body);
    const char *err;

    if (at == NULL)
        return "boundary not found in body";
    for (;;) {
        cc_multipart_part *part;

        switch (read_boundary_end(&at, body->end)) {
        case BOUNDARY_CLOSES_BODY:
            return NULL;
        case BOUNDARY_MALFORMED:
            return "malformed boundary line";
        case BOUNDARY_OPENS_PART:
            break;
        }
        if (parts->nelts >= CC_MULTIPART_MAX_PARTS)
            return "too many parts";
        part = apr_array_push(parts);
        memset(part, 0, sizeof *part);
        err = read_part_headers(&at, body->end, part, p);
        if (err == NULL)
            err = read_part_data(body, &at, part);
        if (err)
            return err;
    }
}

apr_status_t cc_multipart_parse(const char *content_type, const unsigned char *body, apr_size_t len,
                                apr_pool_t *p, apr_array_header_t **parts, const char **err)
{
    const char *boundary = boundary_of(content_type, p, err);
    multipart_body scan;
    apr_array_header_t *found;

    *parts = NULL;
    if (boundary == NULL)
        return APR_EGENERAL;
    scan.start = body;
    scan.end = body + len;
    scan.delimiter = apr_pstrcat(p, CRLF "--", boundary, NULL);
    scan.delimiter_len = strlen(scan.delimiter);
    found = apr_array_make(p, 4, sizeof(cc_multipart_part));
    *err = read_parts(&scan, found, p);
    if (*err)
        return APR_EGENERAL;
    *parts = found;
    return APR_SUCCESS;
}

const cc_multipart_part *cc_multipart_find(const apr_array_header_t *parts, const char *name)
{
    const cc_multipart_part *part = (const cc_multipart_part *)parts->elts;

    for (int i = 0; i < parts->nelts; i++)
        if (strcmp(part[i].name, name) == 0)
            return &part[i];
    return NULL;
}
