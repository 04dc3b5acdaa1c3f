/* Small UTF-8 text helpers: masking, Content-Disposition, local dates. */
#include "cc_text.h"
#include "cc_fields.h"

#include <string.h>
#include <arpa/inet.h>
#include <apr_lib.h>
#include <apr_strings.h>

static char *stars(apr_size_t n, apr_pool_t *p)
{
    char *out = apr_palloc(p, n + 1);

    memset(out, '*', n);
    out[n] = '\0';
    return out;
}

const char *cc_mask_middle(const char *s, apr_pool_t *p)
{
    const char *pos, *last = NULL;
    apr_size_t chars = 0, first_len = 0, last_len;
    apr_uint32_t cp;
    char *out;
    int n;

    if (!s)
        return "";
    for (pos = s; *pos; pos += n) {
        n = cc_utf8_next(pos, &cp);
        if (!n)
            return stars(strlen(s), p);
        if (!chars)
            first_len = n;
        last = pos;
        chars++;
    }
    if (chars <= 2)
        return stars(chars, p);

    last_len = strlen(last);
    out = apr_palloc(p, first_len + (chars - 2) + last_len + 1);
    memcpy(out, s, first_len);
    memset(out + first_len, '*', chars - 2);
    memcpy(out + first_len + chars - 2, last, last_len + 1);
    return out;
}

const char *cc_mask_name(const char *name, apr_pool_t *p)
{
    apr_uint32_t cp;
    int first = name ? cc_utf8_next(name, &cp) : 0;
    int second = first ? cc_utf8_next(name + first, &cp) : 0;
    if (second && name[first + second] == '\0') {
        return apr_pstrcat(p, apr_pstrmemdup(p, name, first), "*", NULL);
    }
    return cc_mask_middle(name, p);
}

static int is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7F;
}

/* RFC 5987 attr-char: the bytes that need no percent-encoding. */
static int is_attr_char(unsigned char c)
{
    return (c < 0x80 && apr_isalnum(c)) || (c && strchr("!#$&+-.^_`|~", c));
}

/* ascii_fallback as the inside of an RFC 7230 quoted-string. */
static const char *quoted_fallback(const char *s, apr_pool_t *p)
{
    char *out, *w;

    if (!s || !*s)
        s = "download";
    out = w = apr_palloc(p, 2 * strlen(s) + 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\') {
            *w++ = '\\';
            *w++ = (char)c;
        } else {
            *w++ = (is_ctl(c) || c >= 0x80) ? '_' : (char)c;
        }
    }
    *w = '\0';
    return out;
}

/* name as an RFC 5987 value-chars string, or NULL when it cannot be one. */
static const char *percent_encoded(const char *name, apr_pool_t *p)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out, *w;

    if (!name || !*name || cc_utf8_chars(name) < 0)
        return NULL;
    out = w = apr_palloc(p, 3 * strlen(name) + 1);
    for (; *name; name++) {
        unsigned char c = (unsigned char)*name;

        if (is_ctl(c)) {
            *w++ = '_';
        } else if (is_attr_char(c)) {
            *w++ = (char)c;
        } else {
            *w++ = '%';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 0x0F];
        }
    }
    *w = '\0';
    return out;
}

const char *cc_content_disposition(const char *name_utf8, const char *ascii_fallback, apr_pool_t *p)
{
    const char *fallback = quoted_fallback(ascii_fallback, p);
    const char *encoded = percent_encoded(name_utf8, p);

    if (!encoded)
        return apr_psprintf(p, "attachment; filename=\"%s\"", fallback);
    return apr_psprintf(p, "attachment; filename=\"%s\"; filename*=UTF-8''%s", fallback, encoded);
}

const char *cc_date_ymd(apr_time_t t, apr_pool_t *p)
{
    apr_time_exp_t tm;

    apr_time_exp_lt(&tm, t ? t : apr_time_now());
    return apr_psprintf(p, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

const char *cc_client_key(const char *ip, apr_pool_t *p)
{
    static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    unsigned char a[16];
    if (ip == NULL) {
        return "";
    }
    if (strchr(ip, ':') == NULL || inet_pton(AF_INET6, ip, a) != 1) {
        return ip;
    }
    if (memcmp(a, v4_mapped, sizeof(v4_mapped)) == 0) {
        return apr_psprintf(p, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    }
    return apr_psprintf(p, "%x:%x:%x:%x::/64", (a[0] << 8) | a[1], (a[2] << 8) | a[3], (a[4] << 8) | a[5],
                        (a[6] << 8) | a[7]);
}
