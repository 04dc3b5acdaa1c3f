/* Plain-text e-mail as RFC 5322 + MIME text: a UTF-8 body in base64 and
 * Chinese header text as RFC 2047 encoded-words. Built here, sent by the
 * glue (cc_notify.c) over SMTP. */
#ifndef CC_MAIL_H
#define CC_MAIL_H

#include <apr_pools.h>
#include <apr_time.h>

typedef struct cc_mail {
    const char *from;       /* sender address (addr-spec: local@domain) */
    const char *from_name;  /* sender's display name in UTF-8, or NULL */
    const char *to;         /* recipient address (addr-spec) */
    const char *subject;    /* UTF-8 */
    const char *text;       /* UTF-8 body, lines ended by "\n" or "\r\n" */
    apr_time_t date;        /* the Date header */
    const char *message_id; /* unique left part of the Message-ID (token
                                characters), completed with the sender's domain */
} cc_mail;

/* 1 when address is a plain addr-spec this module sends to or from:
 * printable ASCII local@domain of at most 254 bytes, no spaces, quotes,
 * brackets or other characters that would need quoting, a domain of
 * letters, digits, '-' and '.' labels. */
int cc_mail_address_ok(const char *address);

/* text as a header value: unchanged when it is printable ASCII, otherwise
 * RFC 2047 "B" encoded-words of UTF-8 cut at character boundaries, each at
 * most 64 characters and folded onto its own line (CRLF SP), so every line
 * of the header stays under 78 characters. NULL when text is not UTF-8. */
const char *cc_mail_header_text(const char *text, apr_pool_t *p);

/* The whole message, CRLF line ends, ready for SMTP DATA (which does its
 * own dot-stuffing): Date, From, To, Subject, Message-ID, Auto-Submitted,
 * MIME-Version, Content-Type text/plain; charset=UTF-8,
 * Content-Transfer-Encoding base64 and the body in 76-character lines.
 * NULL when an address is not cc_mail_address_ok or a text is not UTF-8. */
const char *cc_mail_message(const cc_mail *mail, apr_pool_t *p);

/* address with its local part masked but for the first and last
 * character: "zhang.san@example.com" -> "z*******n@example.com". */
const char *cc_mail_mask_address(const char *address, apr_pool_t *p);

#endif
