/* Unit tests of cc_mail: the MIME text of the messages sent over SMTP. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cc_unit.h"
#include <apr_base64.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "cc_fields.h"
#include "cc_mail.h"

static cc_mail sample(void)
{
    cc_mail mail = {
        .from = "noreply@cicpa.example",
        .from_name = "中国注册会计师协会",
        .to = "zhang.mingyuan@example.com",
        .subject = "中国注册会计师协会：密码重置验证码",
        .text = "尊敬的会员：\n\n您的验证码为 123456，10分钟内有效。\n",
        .date = apr_time_from_sec(1767225600), /* 2026-01-01 00:00:00 UTC, a Thursday */
        .message_id = "Abc-123_x",
    };
    return mail;
}

/* The value of header name (unfolded), or NULL. */
static const char *header(const char *message, const char *name)
{
    const char *end = strstr(message, "\r\n\r\n");
    apr_size_t n = strlen(name);
    for (const char *line = message; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 2;
            const char *stop = v;
            while (!(stop[0] == '\r' && stop[2] != ' ')) {
                stop++;
            }
            char *value = apr_pstrmemdup(pool, v, stop - v), *o = value;
            for (const char *c = value; *c; c++) { /* unfold */
                if (c[0] == '\r' && c[1] == '\n') {
                    c += 1;
                    continue;
                }
                *o++ = *c;
            }
            *o = '\0';
            return value;
        }
    }
    return NULL;
}

static const char *b64_decode(const char *b64, apr_size_t len)
{
    char *copy = apr_pstrmemdup(pool, b64, len);
    char *out = apr_palloc(pool, apr_base64_decode_len(copy) + 1);
    int n = apr_base64_decode(out, copy);
    out[n] = '\0';
    return out;
}

/* Decodes a run of "=?UTF-8?B?...?=" words separated by spaces; every word
 * must decode to whole UTF-8 characters on its own. */
static const char *decode_words(const char *value)
{
    const char *out = "";
    for (const char *w = value; *w;) {
        assert_memory_equal(w, "=?UTF-8?B?", 10);
        const char *end = strstr(w + 10, "?=");
        assert_non_null(end);
        assert_true(end + 2 - w <= 75);
        const char *part = b64_decode(w + 10, end - (w + 10));
        assert_true(cc_utf8_chars(part) >= 0);
        out = apr_pstrcat(pool, out, part, NULL);
        w = end + 2;
        while (*w == ' ') {
            w++;
        }
    }
    return out;
}

static void the_message_has_every_header(void **state)
{
    cc_mail mail = sample();
    const char *m = cc_mail_message(&mail, pool);
    assert_non_null(m);
    assert_string_equal(header(m, "Date"), "Thu, 01 Jan 2026 00:00:00 +0000");
    assert_string_equal(header(m, "To"), "zhang.mingyuan@example.com");
    assert_string_equal(header(m, "Message-ID"), "<Abc-123_x@cicpa.example>");
    assert_string_equal(header(m, "MIME-Version"), "1.0");
    assert_string_equal(header(m, "Content-Type"), "text/plain; charset=UTF-8");
    assert_string_equal(header(m, "Content-Transfer-Encoding"), "base64");
    assert_string_equal(header(m, "Auto-Submitted"), "auto-generated");
    const char *from = header(m, "From");
    const char *angle = strstr(from, " <noreply@cicpa.example>");
    assert_non_null(angle);
    assert_int_equal(angle[strlen(" <noreply@cicpa.example>")], '\0');
    assert_string_equal(decode_words(apr_pstrmemdup(pool, from, angle - from)), "中国注册会计师协会");
}

static void the_chinese_subject_is_rfc2047_encoded(void **state)
{
    cc_mail mail = sample();
    const char *m = cc_mail_message(&mail, pool);
    const char *subject = header(m, "Subject");
    assert_string_equal(decode_words(subject), mail.subject);
    /* 51 bytes of UTF-8: two words, folded onto a second line. */
    assert_non_null(strstr(m, "?=\r\n =?UTF-8?B?"));
}

static void lines_are_crlf_and_short(void **state)
{
    cc_mail mail = sample();
    mail.subject = "很长的主题很长的主题很长的主题很长的主题很长的主题很长的主题很长的主题很长的主题";
    const char *m = cc_mail_message(&mail, pool);
    for (const char *line = m; *line;) {
        const char *eol = strstr(line, "\r\n");
        assert_non_null(eol);
        assert_true(eol - line <= 78);
        assert_null(memchr(line, '\n', eol - line));
        line = eol + 2;
    }
    assert_string_equal(decode_words(header(m, "Subject")), mail.subject);
}

static void the_body_is_base64_of_crlf_text(void **state)
{
    cc_mail mail = sample();
    const char *m = cc_mail_message(&mail, pool);
    const char *body = strstr(m, "\r\n\r\n") + 4;
    char *joined = apr_pstrdup(pool, body), *o = joined;
    for (const char *c = body; *c; c++) {
        if (*c != '\r' && *c != '\n') {
            *o++ = *c;
        }
    }
    *o = '\0';
    assert_string_equal(b64_decode(joined, strlen(joined)),
                        "尊敬的会员：\r\n\r\n您的验证码为 123456，10分钟内有效。\r\n");
}

static void ascii_text_stays_readable(void **state)
{
    cc_mail mail = sample();
    mail.subject = "Password reset code";
    mail.from_name = "CICPA \"Member\" Service";
    const char *m = cc_mail_message(&mail, pool);
    assert_string_equal(header(m, "Subject"), "Password reset code");
    assert_string_equal(header(m, "From"), "\"CICPA \\\"Member\\\" Service\" <noreply@cicpa.example>");
    mail.from_name = NULL;
    assert_string_equal(header(cc_mail_message(&mail, pool), "From"), "noreply@cicpa.example");
}

static void header_injection_is_refused(void **state)
{
    cc_mail mail = sample();
    mail.subject = "code\r\nBcc: victim@example.com";
    assert_null(cc_mail_message(&mail, pool));
    mail = sample();
    mail.to = "a@example.com\r\nBcc: victim@example.com";
    assert_null(cc_mail_message(&mail, pool));
    mail = sample();
    mail.from_name = "x\ny";
    assert_null(cc_mail_message(&mail, pool));
    mail = sample();
    mail.message_id = "a>b";
    assert_null(cc_mail_message(&mail, pool));
    mail = sample();
    mail.text = "\xff\xfe";
    assert_null(cc_mail_message(&mail, pool));
}

static void addresses(void **state)
{
    assert_true(cc_mail_address_ok("a@b"));
    assert_true(cc_mail_address_ok("zhang.san+cert@mail.example.com"));
    assert_false(cc_mail_address_ok(""));
    assert_false(cc_mail_address_ok("@example.com"));
    assert_false(cc_mail_address_ok("a@"));
    assert_false(cc_mail_address_ok("a@b@c"));
    assert_false(cc_mail_address_ok("a b@example.com"));
    assert_false(cc_mail_address_ok("<a@example.com>"));
    assert_false(cc_mail_address_ok("a@example..com"));
    assert_false(cc_mail_address_ok("a@exa_mple.com"));
    assert_false(cc_mail_address_ok("张三@example.com"));
}

static void masked_addresses_keep_the_domain(void **state)
{
    assert_string_equal(cc_mail_mask_address("zhang.mingyuan@example.com", pool),
                        "z************n@example.com");
    assert_string_equal(cc_mail_mask_address("ab@example.com", pool), "**@example.com");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_message_has_every_header),
        cmocka_unit_test(the_chinese_subject_is_rfc2047_encoded),
        cmocka_unit_test(lines_are_crlf_and_short),
        cmocka_unit_test(the_body_is_base64_of_crlf_text),
        cmocka_unit_test(ascii_text_stays_readable),
        cmocka_unit_test(header_injection_is_refused),
        cmocka_unit_test(addresses),
        cmocka_unit_test(masked_addresses_keep_the_domain),
    };
    return CC_UNIT_RUN(tests);
}
