/* Small UTF-8 text helpers shared by the glue and the admin tool. */
#ifndef CC_TEXT_H
#define CC_TEXT_H

#include <apr_pools.h>
#include <apr_time.h>

/* Keeps the first and the last character and replaces every character in
 * between with '*' (UTF-8 aware): "110101199003071234" -> "1****************4".
 * Strings of one or two characters are fully masked. NULL gives ""; a string
 * that is not valid UTF-8 is masked byte by byte, so nothing of it shows. */
const char *cc_mask_middle(const char *s, apr_pool_t *p);

/* A name as the public verification page shows it: cc_mask_middle, but a
 * two-character name keeps its first (张三 -> 张*), as Chinese registers
 * print it, so a verifier can still tell it from another. */
const char *cc_mask_name(const char *name, apr_pool_t *p);

/* A Content-Disposition value for an attachment whose name may be Chinese
 * (RFC 6266 + RFC 5987): attachment; filename="<ascii_fallback>";
 * filename*=UTF-8''<percent-encoded name>. The fallback becomes a
 * quoted-string ('"' and '\\' escaped, control and non-ASCII bytes as '_';
 * NULL or "" gives "download"); filename* is left out when name_utf8 is NULL,
 * empty or not valid UTF-8. Control characters in either become '_', so the
 * value never holds CR or LF. */
const char *cc_content_disposition(const char *name_utf8, const char *ascii_fallback, apr_pool_t *p);

/* The key under which a client address is rate-limited: an IPv4 address
 * (also when mapped into IPv6) as it is, an IPv6 address as its /64 prefix,
 * since one subscriber commonly holds a whole /64 and could rotate through
 * it ("2001:db8:1:2::/64"). Anything else is returned unchanged; NULL -> "". */
const char *cc_client_key(const char *ip, apr_pool_t *p);

/* t's local date as YYYY-MM-DD; t == 0 means now (today's date). */
const char *cc_date_ymd(apr_time_t t, apr_pool_t *p);

#endif
