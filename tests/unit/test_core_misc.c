/* Unit tests for cc_form (urlencoded bodies) and cc_text (UTF-8 helpers). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cc_unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "cc_form.h"
#include "cc_text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------- form */

/* Parses a NUL-terminated body and expects success. */
static apr_table_t *parse_ok(const char *body)
{
    apr_table_t *form = NULL;

    assert_int_equal(cc_form_parse(body, strlen(body), pool, &form), APR_SUCCESS);
    assert_non_null(form);
    return form;
}

struct form_case {
    const char *body;
    const char *key;
    const char *value; /* NULL: the key is absent */
    int entries;       /* how many keys the form has */
};

static const struct form_case form_cases[] = {
    { "a=1&b=2", "b", "2", 2 },
    { "name=%E5%BC%A0%E4%B8%89", "name", "张三", 1 },
    { "name=%e5%bc%a0%e4%b8%89", "name", "张三", 1 },
    { "name=%E5%BC%a0%e4%B8%89", "name", "张三", 1 },
    { "name=张三", "name", "张三", 1 }, /* raw UTF-8 is fine too */
    { "q=a+b%2Bc", "q", "a b+c", 1 },
    { "first+name=Li", "first name", "Li", 1 },
    { "%61%62=c", "ab", "c", 1 },
    { "a=1&&b=2", "a", "1", 2 },
    { "&a=1&", "a", "1", 1 },
    { "&&&", "a", NULL, 0 },
    { "", "a", NULL, 0 },
    { "flag", "flag", "", 1 }, /* no '=': empty value */
    { "flag=", "flag", "", 1 },
    { "flag&x=1", "flag", "", 2 },
    { "a=1=2", "a", "1=2", 1 },
    { "a==", "a", "=", 1 },
    { "a=%3D%26", "a", "=&", 1 },
    { "=orphan&b=2", "", NULL, 1 },  /* empty names are dropped */
    { "a=%20%09x", "a", " \tx", 1 }, /* controls are the validators' job */
};

static void test_form_cases(void **state)
{
    size_t i;

    for (i = 0; i < COUNT(form_cases); i++) {
        const struct form_case *c = &form_cases[i];
        apr_table_t *form = parse_ok(c->body);
        const char *got = apr_table_get(form, c->key);
        int entries = apr_table_elts(form)->nelts;

        if (c->value ? !got || strcmp(got, c->value) : got != NULL)
            fail_msg("form case %zu \"%s\": %s is \"%s\", expected \"%s\"", i, c->body, c->key,
                     got ? got : "(absent)", c->value ? c->value : "(absent)");
        if (entries != c->entries)
            fail_msg("form case %zu \"%s\": %d entries, expected %d", i, c->body, entries, c->entries);
    }
}

static const char *const broken_bodies[] = {
    "a=%G1",                                                   /* not hex */
    "a=%1G",       "a=%",                                      /* escape cut short */
    "a=%4",        "a=b%",     "%zz=1", "a=1&b=%%41", "a=%00", /* decoded NUL */
    "%00=1",       "a=%C0%80",                                 /* overlong NUL */
    "a=%FF",                                                   /* not UTF-8 */
    "a=%E4%B8",                                                /* truncated */
    "a=%ED%A0%80",                                             /* surrogate */
    "a=\xE4\xB8",                                              /* raw, truncated */
    "\xC0\xAF=1",                                              /* raw overlong in a key */
    "ok=1&a=%G1",                                              /* a bad pair fails the whole body */
};

static void test_form_broken(void **state)
{
    size_t i;

    for (i = 0; i < COUNT(broken_bodies); i++) {
        apr_table_t *form = apr_table_make(pool, 1); /* must be reset */
        apr_status_t rv = cc_form_parse(broken_bodies[i], strlen(broken_bodies[i]), pool, &form);

        if (rv != APR_EGENERAL)
            fail_msg("broken body %zu \"%s\" was accepted", i, broken_bodies[i]);
        assert_null(form);
    }
}

/* A key sent twice is refused, as JSON's duplicate keys are: no value wins. */
static void test_form_duplicate_keys(void **state)
{
    static const char *const duplicated[] = {
        "a=first&a=second",
        "a=&a=second",
        "a&a",
        "member_no=1&x=2&member_no=1",
        "Name=first&name=second", /* keys ignore case, as the table does */
        "a=1&%61=2",              /* the same key, one of them escaped */
    };
    size_t i;

    for (i = 0; i < COUNT(duplicated); i++) {
        apr_table_t *form = apr_table_make(pool, 1);

        if (cc_form_parse(duplicated[i], strlen(duplicated[i]), pool, &form) != APR_EEXIST)
            fail_msg("duplicate keys in \"%s\" were accepted", duplicated[i]);
        assert_null(form);
    }
}

static void test_form_raw_nul(void **state)
{
    static const char body[] = "a=1\0b&c=2";
    apr_table_t *form;

    assert_int_equal(cc_form_parse(body, sizeof(body) - 1, pool, &form), APR_EGENERAL);
}

/* The body is not NUL-terminated: only len bytes count. */
static void test_form_bounded_by_len(void **state)
{
    static const char unterminated[3] = { 'a', '=', '1' };
    static const char escape_cut[] = "a=%41";
    apr_table_t *form;

    assert_int_equal(cc_form_parse(unterminated, sizeof(unterminated), pool, &form), APR_SUCCESS);
    assert_string_equal(apr_table_get(form, "a"), "1");

    assert_int_equal(cc_form_parse("a=1&b=2", 3, pool, &form), APR_SUCCESS);
    assert_string_equal(apr_table_get(form, "a"), "1");
    assert_null(apr_table_get(form, "b"));

    assert_int_equal(cc_form_parse("a=1&b=2", 4, pool, &form), APR_SUCCESS);
    assert_int_equal(apr_table_elts(form)->nelts, 1);

    /* "%4" within len is broken even though '1' follows in memory */
    assert_int_equal(cc_form_parse(escape_cut, 4, pool, &form), APR_EGENERAL);

    assert_int_equal(cc_form_parse(NULL, 0, pool, &form), APR_SUCCESS);
    assert_int_equal(apr_table_elts(form)->nelts, 0);
}

/* ------------------------------------------------------------------- mask */

struct mask_case {
    const char *in;
    const char *want;
};

static const struct mask_case mask_cases[] = {
    { "", "" },
    { "a", "*" },
    { "ab", "**" },
    { "abc", "a*c" },
    { "110101199003071234", "1****************4" },
    { "11010519491231002X", "1****************X" },
    { "张", "*" },
    { "张三", "**" },
    { "张三丰", "张*丰" },
    { "买买提·艾力", "买****力" },
    { "\xF0\xA0\xAE\xB7野家", "\xF0\xA0\xAE\xB7*家" },
    { "野家\xF0\xA0\xAE\xB7", "野*\xF0\xA0\xAE\xB7" },
    { "13800138000", "1*********0" },
    { "\xFF\xFE", "**" }, /* invalid UTF-8: every byte masked */
    { "a\xFF"
      "b",
      "***" },
    { "张\xE4\xB8", "*****" },
};

static void test_mask_middle(void **state)
{
    size_t i;

    for (i = 0; i < COUNT(mask_cases); i++) {
        const char *got = cc_mask_middle(mask_cases[i].in, pool);

        if (strcmp(got, mask_cases[i].want))
            fail_msg("mask case %zu: \"%s\", expected \"%s\"", i, got, mask_cases[i].want);
    }
    assert_string_equal(cc_mask_middle(NULL, pool), "");
}

static void test_mask_name(void **state)
{
    assert_string_equal(cc_mask_name("张三", pool), "张*");
    assert_string_equal(cc_mask_name("\xF0\xA0\xAE\xB7三", pool), "\xF0\xA0\xAE\xB7*");
    assert_string_equal(cc_mask_name("张", pool), "*");
    assert_string_equal(cc_mask_name("张三丰", pool), "张*丰");
    assert_string_equal(cc_mask_name("\xFF\xFE", pool), "**");
    assert_string_equal(cc_mask_name(NULL, pool), "");
}

/* ---------------------------------------------------- Content-Disposition */

struct disposition_case {
    const char *name;
    const char *fallback;
    const char *want;
};

static const struct disposition_case disposition_cases[] = {
    { "证书.pdf", "certificate.pdf",
      "attachment; filename=\"certificate.pdf\"; "
      "filename*=UTF-8''%E8%AF%81%E4%B9%A6.pdf" },
    { "张三 会员证书.pdf", "cert.pdf",
      "attachment; filename=\"cert.pdf\"; "
      "filename*=UTF-8''%E5%BC%A0%E4%B8%89%20%E4%BC%9A%E5%91%98%E8%AF%81%E4%B9%A6.pdf" },
    /* every attr-char stays, everything else is encoded */
    { "aZ09!#$&+-.^_`|~", "x", "attachment; filename=\"x\"; filename*=UTF-8''aZ09!#$&+-.^_`|~" },
    { "a%b'c\"d;e,f=g(h)", "x",
      "attachment; filename=\"x\"; filename*=UTF-8''a%25b%27c%22d%3Be%2Cf%3Dg%28h%29" },
    { "a/b\\c*d", "x", "attachment; filename=\"x\"; filename*=UTF-8''a%2Fb%5Cc%2Ad" },
    /* the fallback is a quoted-string */
    { "a.pdf", "say \"hi\"\\now.pdf",
      "attachment; filename=\"say \\\"hi\\\"\\\\now.pdf\"; filename*=UTF-8''a.pdf" },
    { "a.pdf", "证书.pdf", "attachment; filename=\"______.pdf\"; filename*=UTF-8''a.pdf" },
    { "a.pdf", NULL, "attachment; filename=\"download\"; filename*=UTF-8''a.pdf" },
    { "a.pdf", "", "attachment; filename=\"download\"; filename*=UTF-8''a.pdf" },
    /* no usable UTF-8 name: fallback only */
    { NULL, "cert.pdf", "attachment; filename=\"cert.pdf\"" },
    { "", "cert.pdf", "attachment; filename=\"cert.pdf\"" },
    { "\xD6\xA4\xCA\xE9.pdf", "cert.pdf", "attachment; filename=\"cert.pdf\"" },
    { NULL, NULL, "attachment; filename=\"download\"" },
    /* header injection: control characters never pass */
    { "a\r\nSet-Cookie: x=1", "b\r\nSet-Cookie: y=2",
      "attachment; filename=\"b__Set-Cookie: y=2\"; "
      "filename*=UTF-8''a__Set-Cookie%3A%20x%3D1" },
    { "a\tb\x7F", "a\tb\x7F", "attachment; filename=\"a_b_\"; filename*=UTF-8''a_b_" },
};

static void test_content_disposition(void **state)
{
    size_t i;

    for (i = 0; i < COUNT(disposition_cases); i++) {
        const struct disposition_case *c = &disposition_cases[i];
        const char *got = cc_content_disposition(c->name, c->fallback, pool);

        if (strcmp(got, c->want))
            fail_msg("disposition case %zu:\n  got  %s\n  want %s", i, got, c->want);
        assert_null(strpbrk(got, "\r\n"));
    }
}

/* ------------------------------------------------------------------- date */

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static void test_date_ymd(void **state)
{
    /* 2024-02-29 16:30:00 UTC */
    apr_time_t t = apr_time_from_sec(1709224200);
    const char *saved = getenv("TZ");
    char *old_tz = saved ? strdup(saved) : NULL;

    set_tz("UTC0");
    assert_string_equal(cc_date_ymd(t, pool), "2024-02-29");
    set_tz("CST-8"); /* China Standard Time, no tzdata needed */
    assert_string_equal(cc_date_ymd(t, pool), "2024-03-01");
    assert_string_equal(cc_date_ymd(apr_time_from_sec(-2208988800LL), pool),
                        "1900-01-01"); /* 1899-12-31 16:00 UTC */
    set_tz("UTC0");
    assert_string_equal(cc_date_ymd(apr_time_from_sec(1), pool), "1970-01-01");

    if (old_tz)
        set_tz(old_tz);
    else {
        unsetenv("TZ");
        tzset();
    }
    free(old_tz);
}

static void test_date_ymd_now(void **state)
{
    time_t before = time(NULL), after;
    const char *got = cc_date_ymd(0, pool);
    char want_before[11], want_after[11];

    after = time(NULL);
    strftime(want_before, sizeof(want_before), "%Y-%m-%d", localtime(&before));
    strftime(want_after, sizeof(want_after), "%Y-%m-%d", localtime(&after));
    if (strcmp(got, want_before) && strcmp(got, want_after))
        fail_msg("cc_date_ymd(0) gave %s, expected %s", got, want_before);
}

static void test_client_key(void **state)
{
    static const struct {
        const char *ip;
        const char *key;
    } cases[] = {
        { "203.0.113.7", "203.0.113.7" },
        { "::ffff:203.0.113.7", "203.0.113.7" },
        { "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64" },
        { "2001:db8:1:2::1", "2001:db8:1:2::/64" },
        { "2001:DB8:0:0:1::", "2001:db8:0:0::/64" },
        { "::1", "0:0:0:0::/64" },
        { "not-an-address", "not-an-address" },
        { "2001:db8:::1", "2001:db8:::1" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(cc_client_key(cases[i].ip, pool), cases[i].key);
    }
    /* Two addresses of one /64 share a key; the next /64 does not. */
    assert_string_equal(cc_client_key("2001:db8:1:2::a", pool), cc_client_key("2001:db8:1:2::b", pool));
    assert_string_not_equal(cc_client_key("2001:db8:1:2::a", pool), cc_client_key("2001:db8:1:3::a", pool));
    assert_string_equal(cc_client_key(NULL, pool), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_cases),
        cmocka_unit_test(test_form_broken),
        cmocka_unit_test(test_form_duplicate_keys),
        cmocka_unit_test(test_form_raw_nul),
        cmocka_unit_test(test_form_bounded_by_len),
        cmocka_unit_test(test_mask_middle),
        cmocka_unit_test(test_mask_name),
        cmocka_unit_test(test_content_disposition),
        cmocka_unit_test(test_date_ymd),
        cmocka_unit_test(test_date_ymd_now),
        cmocka_unit_test(test_client_key),
    };

    return CC_UNIT_RUN(tests);
}
