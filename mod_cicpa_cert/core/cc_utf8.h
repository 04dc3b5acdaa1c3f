/* Strict UTF-8: what profile values, mail, forms and the certificate font
 * accept. */
#ifndef CC_UTF8_H
#define CC_UTF8_H

#include <apr.h>

/* Number of UTF-8 characters in s, or -1 when s is not valid UTF-8. */
long cc_utf8_chars(const char *s);

/* Decodes the UTF-8 character at s into *cp. Returns its length in bytes
 * (1-4), or 0 at the terminating NUL and on anything that is not strict UTF-8
 * (overlong forms, surrogates, code points above U+10FFFF, truncation). */
int cc_utf8_next(const char *s, apr_uint32_t *cp);

#endif
