/* Strict UTF-8 decoding: the one decoder of the module and its tools. */
#include "cc_utf8.h"

int cc_utf8_next(const char *s, apr_uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_uint32_t c, min;
    int len, i;

    if (u[0] < 0x80) {
        *cp = u[0];
        return u[0] ? 1 : 0;
    }
    if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        len = 2;
        c = u[0] & 0x1F;
        min = 0x80;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        len = 3;
        c = u[0] & 0x0F;
        min = 0x800;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        len = 4;
        c = u[0] & 0x07;
        min = 0x10000;
    } else {
        return 0; /* continuation byte, C0/C1 overlong lead, or beyond U+10FFFF */
    }
    /* Stops at the first non-continuation byte, so never reads past a NUL. */
    for (i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (u[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

long cc_utf8_chars(const char *s)
{
    apr_uint32_t cp;
    long chars = 0;
    int n;

    if (!s)
        return 0;
    for (; *s; s += n, chars++) {
        n = cc_utf8_next(s, &cp);
        if (!n)
            return -1;
    }
    return chars;
}
