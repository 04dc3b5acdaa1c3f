#include <string.h>

#include <apr_base64.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "cc_fields.h"
#include "cc_mail.h"
#include "cc_text.h"

#define MAX_ADDRESS 254
/* UTF-8 bytes per encoded-word: 39 bytes are 52 base64 characters, and
 * "=?UTF-8?B?" "?=" make 64; after "Subject: " a line is 73 long. */
#define WORD_BYTES 39
#define BODY_LINE 76

static int local_char_ok(unsigned char c)
{
    return c > ' ' && c < 0x7f && strchr("\"(),:;<>@[\\]", c) == NULL;
}

/* Labels of letters, digits and '-', separated by single dots. */
static int domain_ok(const char *d)
{
    apr_size_t label = 0;
    for (;; d++) {
        if (*d == '.' || *d == '\0') {
            if (label == 0) {
                return 0;
            }
            if (*d == '\0') {
                return 1;
            }
            label = 0;
        } else if (apr_isalnum(*d) || *d == '-') {
            label++;
        } else {
            return 0;
        }
    }
}

int cc_mail_address_ok(const char *address)
{
    const char *at = strchr(address, '@');
    if (at == NULL || at == address || strlen(address) > MAX_ADDRESS) {
        return 0;
    }
    for (const char *c = address; c < at; c++) {
        if (!local_char_ok((unsigned char)*c)) {
            return 0;
        }
    }
    return domain_ok(at + 1);
}

/* -1: control characters (never in a header), 1: printable ASCII, 0: other. */
static int text_kind(const char *s)
{
    int ascii = 1;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) {
            return -1;
        }
        ascii &= c < 0x80;
    }
    return ascii;
}

static const char *base64_of(const char *data, apr_size_t len, apr_pool_t *p)
{
    char *out = apr_palloc(p, apr_base64_encode_len((int)len));
    apr_base64_encode(out, data, (int)len);
    return out;
}

/* Bytes of the whole UTF-8 characters at s that fit in one encoded-word. */
static apr_size_t word_chunk(const char *s)
{
    apr_size_t len = 0;
    apr_uint32_t cp;
    int n;
    while ((n = cc_utf8_next(s + len, &cp)) > 0 && len + (apr_size_t)n <= WORD_BYTES) {
        len += (apr_size_t)n;
    }
    return len;
}

const char *cc_mail_header_text(const char *text, apr_pool_t *p)
{
    int kind = text_kind(text);
    if (kind != 0) {
        return kind == 1 ? text : NULL;
    }
    if (cc_utf8_chars(text) < 0) {
        return NULL;
    }
    const char *out = "";
    for (const char *s = text; *s;) {
        apr_size_t n = word_chunk(s);
        out = apr_pstrcat(p, out, *out ? "\r\n " : "", "=?UTF-8?B?", base64_of(s, n, p), "?=", NULL);
        s += n;
    }
    return out;
}

/* A display name as a phrase: encoded-words, or a quoted-string for ASCII. */
static const char *display_name(const char *name, apr_pool_t *p)
{
    if (text_kind(name) != 1) {
        return cc_mail_header_text(name, p);
    }
    char *quoted = apr_palloc(p, 2 * strlen(name) + 3), *q = quoted;
    *q++ = '"';
    for (const char *c = name; *c; c++) {
        if (*c == '"' || *c == '\\') {
            *q++ = '\\';
        }
        *q++ = *c;
    }
    *q++ = '"';
    *q = '\0';
    return quoted;
}

/* "name <address>", or the bare address without a name; NULL when the name
 * cannot be a header. */
static const char *mailbox(const char *name, const char *address, apr_pool_t *p)
{
    if (name == NULL || *name == '\0') {
        return address;
    }
    const char *phrase = display_name(name, p);
    return phrase ? apr_pstrcat(p, phrase, " <", address, ">", NULL) : NULL;
}

static const char *rfc5322_date(apr_time_t t, apr_pool_t *p)
{
    apr_time_exp_t tm;
    apr_time_exp_gmt(&tm, t);
    return apr_psprintf(p, "%s, %02d %s %04d %02d:%02d:%02d +0000", apr_day_snames[tm.tm_wday], tm.tm_mday,
                        apr_month_snames[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int token_ok(const char *s)
{
    return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == strlen(s);
}

/* text with every line ended by CRLF, as MIME canonical text form wants. */
static const char *crlf_lines(const char *text, apr_pool_t *p)
{
    char *out = apr_palloc(p, 2 * strlen(text) + 1), *o = out;
    for (const char *c = text; *c; c++) {
        if (*c == '\n' && (c == text || c[-1] != '\r')) {
            *o++ = '\r';
        }
        *o++ = *c;
    }
    *o = '\0';
    return out;
}

static const char *base64_body(const char *text, apr_pool_t *p)
{
    const char *b64 = base64_of(text, strlen(text), p);
    apr_size_t len = strlen(b64);
    char *out = apr_palloc(p, len + 2 * (len / BODY_LINE + 1) + 1), *o = out;
    for (apr_size_t at = 0; at < len; at += BODY_LINE) {
        apr_size_t n = len - at < BODY_LINE ? len - at : BODY_LINE;
        memcpy(o, b64 + at, n);
        o += n;
        *o++ = '\r';
        *o++ = '\n';
    }
    *o = '\0';
    return out;
}

const char *cc_mail_message(const cc_mail *mail, apr_pool_t *p)
{
    if (!cc_mail_address_ok(mail->from) || !cc_mail_address_ok(mail->to) || !token_ok(mail->message_id)
        || cc_utf8_chars(mail->text) < 0) {
        return NULL;
    }
    const char *from = mailbox(mail->from_name, mail->from, p);
    const char *subject = cc_mail_header_text(mail->subject, p);
    if (from == NULL || subject == NULL) {
        return NULL;
    }
    return apr_pstrcat(p, "Date: ", rfc5322_date(mail->date, p), "\r\n", "From: ", from, "\r\n",
                       "To: ", mail->to, "\r\n", "Subject: ", subject, "\r\n", "Message-ID: <",
                       mail->message_id, strchr(mail->from, '@'), ">\r\n",
                       "Auto-Submitted: auto-generated\r\n", "MIME-Version: 1.0\r\n",
                       "Content-Type: text/plain; charset=UTF-8\r\n", "Content-Transfer-Encoding: base64\r\n",
                       "\r\n", base64_body(crlf_lines(mail->text, p), p), NULL);
}

const char *cc_mail_mask_address(const char *address, apr_pool_t *p)
{
    const char *at = strrchr(address, '@');
    if (at == NULL) {
        return cc_mask_middle(address, p);
    }
    return apr_pstrcat(p, cc_mask_middle(apr_pstrmemdup(p, address, at - address), p), at, NULL);
}
