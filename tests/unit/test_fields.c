/* Unit tests for cc_fields: UTF-8, profile field kinds and ID numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cc_unit.h"

#include <stdio.h>
#include <string.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "cc_fields.h"

#define TODAY "2024-06-15"
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ UTF-8 */

struct utf8_case {
    const char *in;
    long chars; /* -1: invalid */
};

static const struct utf8_case utf8_cases[] = {
    { "", 0 },
    { "abc", 3 },
    { "中文", 2 },
    { "\xF0\xA0\xAE\xB7", 1 }, /* 𠮷 U+20BB7, 4 bytes */
    { "买买提·艾力", 6 },
    { "\x7F", 1 },              /* valid UTF-8 (refused later as control) */
    { "\xC2\x80", 1 },          /* U+0080, smallest 2-byte */
    { "\xED\x9F\xBF", 1 },      /* U+D7FF, just below the surrogates */
    { "\xEE\x80\x80", 1 },      /* U+E000, just above them */
    { "\xF4\x8F\xBF\xBF", 1 },  /* U+10FFFF */
    { "\xC0\x80", -1 },         /* overlong NUL */
    { "\xC1\xBF", -1 },         /* overlong '\x7F' */
    { "\xE0\x80\xAF", -1 },     /* overlong '/' */
    { "\xE0\x9F\xBF", -1 },     /* overlong U+07FF */
    { "\xF0\x8F\xBF\xBF", -1 }, /* overlong U+FFFF */
    { "\xED\xA0\x80", -1 },     /* surrogate U+D800 */
    { "\xED\xBF\xBF", -1 },     /* surrogate U+DFFF */
    { "\xF4\x90\x80\x80", -1 }, /* U+110000 */
    { "\xF5\x80\x80\x80", -1 },
    { "\xFF", -1 },
    { "\x80", -1 },     /* lone continuation byte */
    { "\xE4\xB8", -1 }, /* truncated 中 */
    { "a\xE4\xB8"
      "b",
      -1 },
    { "\xF0\xA0\xAE", -1 }, /* truncated 𠮷 */
};

static void test_utf8_chars(void **state)
{
    size_t i;

    for (i = 0; i < COUNT(utf8_cases); i++) {
        long got = cc_utf8_chars(utf8_cases[i].in);

        if (got != utf8_cases[i].chars)
            fail_msg("utf8 case %zu: %ld characters, expected %ld", i, got, utf8_cases[i].chars);
    }
    assert_int_equal(cc_utf8_chars(NULL), 0);
}

static void test_utf8_next(void **state)
{
    apr_uint32_t cp = 0;

    assert_int_equal(cc_utf8_next("A", &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(cc_utf8_next("·", &cp), 2);
    assert_int_equal(cp, 0xB7);
    assert_int_equal(cc_utf8_next("中", &cp), 3);
    assert_int_equal(cp, 0x4E2D);
    assert_int_equal(cc_utf8_next("\xF0\xA0\xAE\xB7", &cp), 4);
    assert_int_equal(cp, 0x20BB7);
    assert_int_equal(cc_utf8_next("", &cp), 0);
    assert_int_equal(cc_utf8_next("\xED\xA0\x80", &cp), 0);
}

/* ------------------------------------------------------------ field kinds */

struct field_case {
    const char *kind;
    const char *in;
    const char *want;    /* the normalised value; NULL: refused */
    const char *problem; /* when refused: part of the message */
    int max_chars;
    const char *options;
};

static void run_field_cases(const struct field_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct field_case *c = &cases[i];
        const char *norm = "unset";
        const char *msg = cc_field_check(c->kind, c->in, c->max_chars, c->options, TODAY, pool, &norm);

        if (c->want && msg)
            fail_msg("case %zu %s \"%s\": refused: %s", i, c->kind, c->in, msg);
        if (c->want && (!norm || strcmp(norm, c->want)))
            fail_msg("case %zu %s \"%s\": normalised to \"%s\", expected \"%s\"", i, c->kind, c->in,
                     norm ? norm : "(null)", c->want);
        if (!c->want && !msg)
            fail_msg("case %zu %s \"%s\": accepted as \"%s\"", i, c->kind, c->in, norm);
        if (!c->want && norm)
            fail_msg("case %zu %s: *normalised set on refusal", i, c->kind);
        if (!c->want && c->problem && !strstr(msg, c->problem))
            fail_msg("case %zu %s \"%s\": message \"%s\" lacks \"%s\"", i, c->kind, c->in, msg, c->problem);
    }
}

static const struct field_case common_cases[] = {
    /* trimming: ASCII whitespace, no-break space, ideographic space */
    { "text", "  你好  ", "你好" },
    { "text", "\t你好\r\n", "你好" },
    { "text", "\xE3\x80\x80你好\xE3\x80\x80", "你好" },
    { "text", "\xC2\xA0你好\xC2\xA0", "你好" },
    { "text", " \t\xE3\x80\x80 ", "" },
    { "text", "", "" },
    { "text", NULL, "" },
    { "name", "   ", "" }, /* empty is valid; required-ness is elsewhere */
    { "mobile", "", "" },
    /* inner spaces stay in text */
    { "text", "你 好", "你 好" },
    /* control characters, once trimmed */
    { "text", "第一行\n第二行", NULL, "控制字符" },
    { "text", "a\tb", NULL, "控制字符" },
    { "text",
      "a\x01"
      "b",
      NULL, "控制字符" },
    { "text", "a\x7F", NULL, "控制字符" },
    { "text",
      "a\xC2\x85"
      "b",
      NULL, "控制字符" },                      /* C1 NEL */
    { "text", "a\xC2\x9F", NULL, "控制字符" }, /* C1 APC */
    { "text",
      "abc\xE2\x80\xAE"
      "fdp.exe",
      NULL, "控制字符" }, /* RLO */
    { "text",
      "a\xE2\x81\xA6"
      "b",
      NULL, "控制字符" }, /* LRI */
    { "text",
      "a\xE2\x80\x8F"
      "b",
      NULL, "控制字符" }, /* RLM */
    { "text",
      "a\xE2\x80\xA8"
      "b",
      NULL, "控制字符" }, /* LINE SEPARATOR */
    /* invalid UTF-8 */
    { "text", "\xD5\xC5\xC8\xFD", NULL, "UTF-8" }, /* 张三 in GBK */
    { "text", "a\xC0\xAF", NULL, "UTF-8" },
    { "name", "\xED\xA0\x80", NULL, "UTF-8" },
    /* max_chars counts characters, not bytes, on the normalised value */
    { "name", "买买提·艾力", "买买提·艾力", NULL, 6 },
    { "name", "买买提·艾力", NULL, "不能超过5个字符", 5 },
    { "name", "\xF0\xA0\xAE\xB7", "\xF0\xA0\xAE\xB7", NULL, 1 },
    { "text", "abcdef", NULL, "不能超过5个字符", 5 },
    { "text", "abcde", "abcde", NULL, 5 },
    { "mobile", "+86 138 0013 8000", "13800138000", NULL, 11 },
    { "text", "无限", "无限", NULL, 0 },
    /* unknown kind */
    { "colour", "red", NULL, "配置有误" },
    { NULL, "red", NULL, "配置有误" },
};

static void test_common_rules(void **state)
{
    run_field_cases(common_cases, COUNT(common_cases));
}

static const struct field_case text_cases[] = {
    { "text", "北京市东城区王府井大街1号 <b>&\"'", "北京市东城区王府井大街1号 <b>&\"'" },
    { "text", "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80" }, /* emoji are printable */
    { "text", "ＡＢＣ１２３", "ＡＢＣ１２３" },
};

static void test_text(void **state)
{
    run_field_cases(text_cases, COUNT(text_cases));
}

static const struct field_case name_cases[] = {
    { "name", "张三", "张三" },
    { "name", "欧阳娜娜", "欧阳娜娜" },
    { "name", "\xF0\xA0\xAE\xB7", "\xF0\xA0\xAE\xB7" }, /* 𠮷 */
    { "name", "王\xF0\xA0\xAE\xB7明", "王\xF0\xA0\xAE\xB7明" },
    { "name", "陈\xF0\xAA\x9A\xB2", "陈\xF0\xAA\x9A\xB2" }, /* U+2A6B2 Ext B */
    { "name", "李\xF0\xB1\x8D\x90", "李\xF0\xB1\x8D\x90" }, /* U+31350 Ext H */
    { "name", "李〇", "李〇" },
    { "name", "佐々木", "佐々木" },
    { "name", "买买提·艾力", "买买提·艾力" },
    { "name", "阿卜杜热合曼·买买提·艾力", "阿卜杜热合曼·买买提·艾力" },
    /* look-alike dots become U+00B7; spaces around a dot are dropped */
    { "name", "买买提・艾力", "买买提·艾力" }, /* U+30FB */
    { "name", "买买提･艾力", "买买提·艾力" },  /* U+FF65 */
    { "name", "买买提•艾力", "买买提·艾力" },  /* U+2022 */
    { "name", "买买提‧艾力", "买买提·艾力" },  /* U+2027 */
    { "name", "买买提∙艾力", "买买提·艾力" },  /* U+2219 */
    { "name", "买买提⋅艾力", "买买提·艾力" },  /* U+22C5 */
    { "name", "买买提 · 艾力", "买买提·艾力" },
    { "name", "买买提\xE3\x80\x80·艾力", "买买提·艾力" },
    /* full stops are refused with a hint */
    { "name", "买买提.艾力", NULL, "间隔号应为“·”" },
    { "name", "买买提。艾力", NULL, "间隔号应为“·”" },
    { "name", "买买提．艾力", NULL, "间隔号应为“·”" },
    { "name", "John F. Kennedy", NULL, "间隔号应为“·”" },
    /* dot and hyphen placement */
    { "name", "·买买提", NULL, "开头或结尾" },
    { "name", "买买提·", NULL, "开头或结尾" },
    { "name", "・买买提", NULL, "开头或结尾" },
    { "name", "买买提 ·", NULL, "开头或结尾" },
    { "name", "买买提··艾力", NULL, "不能连续" },
    { "name", "买买提· ·艾力", NULL, "不能连续" },
    { "name", "买买提·-艾力", NULL, "不能连续" },
    { "name", "-John", NULL, "开头或结尾" },
    { "name", "John-", NULL, "开头或结尾" },
    { "name", "Jean--Pierre", NULL, "不能连续" },
    /* Latin and other scripts */
    { "name", "John Smith", "John Smith" },
    { "name", "John   Smith", "John Smith" },
    { "name", "John\xE3\x80\x80Smith", "John Smith" },
    { "name", "John\xC2\xA0Smith", "John Smith" },
    { "name", "张 三", "张 三" }, /* kept, not guessed */
    { "name", "Jean-Pierre Dupont", "Jean-Pierre Dupont" },
    { "name", "Jean - Pierre", "Jean-Pierre" },
    { "name", "José Núñez", "José Núñez" },
    { "name", "Zoe\xCC\x88", "Zoe\xCC\x88" }, /* combining diaeresis */
    { "name", "Иван Петров", "Иван Петров" },
    { "name", "ئەخمەتجان", "ئەخمەتجان" }, /* Uyghur */
    { "name", "བཀྲ་ཤིས་", "བཀྲ་ཤིས་" },       /* Tibetan with tsheg */
    { "name", "김민준", "김민준" },
    { "name", "ＪＯＨＮ", "ＪＯＨＮ" }, /* full-width letters are letters */
    /* digits and punctuation */
    { "name", "张三3", NULL, "不能包含数字" },
    { "name", "张三３", NULL, "不能包含数字" },
    { "name", "<script>alert(1)</script>", NULL, "不能包含其他符号" },
    { "name", "张\"三", NULL, "不能包含其他符号" },
    { "name", "O'Brien", NULL, "不能包含其他符号" },
    { "name", "张三,李四", NULL, "不能包含其他符号" },
    { "name", "张三_", NULL, "不能包含其他符号" },
    { "name", "张三\xF0\x9F\x98\x80", NULL, "不能包含其他符号" }, /* emoji */
    { "name",
      "\xF0\x9D\x90\x80"
      "bc",
      NULL, "不能包含其他符号" },                             /* math bold A */
    { "name", "张\xE2\x80\x8B三", NULL, "不能包含其他符号" }, /* zero-width space */
    { "name", "张\n三", NULL, "控制字符" },
};

static void test_name(void **state)
{
    run_field_cases(name_cases, COUNT(name_cases));
}

static const struct field_case date_cases[] = {
    { "date", "1990-03-07", "1990-03-07" },
    { "date", " 1990-03-07 ", "1990-03-07" },
    { "date", "2024-02-29", "2024-02-29" }, /* leap year */
    { "date", "2000-02-29", "2000-02-29" }, /* divisible by 400 */
    { "date", "2023-02-29", NULL, "不存在" },
    { "date", "1900-02-29", NULL, "不存在" }, /* divisible by 100 */
    { "date", "2023-02-28", "2023-02-28" },
    { "date", "2024-02-30", NULL, "不存在" },
    { "date", "2024-04-30", "2024-04-30" },
    { "date", "2024-04-31", NULL, "不存在" },
    { "date", "2023-12-31", "2023-12-31" },
    { "date", "2023-12-32", NULL, "不存在" },
    { "date", "2024-13-01", NULL, "不存在" },
    { "date", "2024-00-10", NULL, "不存在" },
    { "date", "2024-01-00", NULL, "不存在" },
    { "date", "1900-01-01", "1900-01-01" },
    { "date", "1899-12-31", NULL, "不能早于1900年1月1日" },
    { "date", "0000-01-01", NULL, "不能早于1900年1月1日" },
    { "date", TODAY, TODAY },
    { "date", "2024-06-16", NULL, "不能晚于今天" },
    { "date", "2099-01-01", NULL, "不能晚于今天" },
    { "date", "2024-6-15", NULL, "日期格式不正确" },
    { "date", "2024/06/15", NULL, "日期格式不正确" },
    { "date", "20240615", NULL, "日期格式不正确" },
    { "date", "2024-06-15T00:00", NULL, "日期格式不正确" },
    { "date", "2024-0a-15", NULL, "日期格式不正确" },
    { "date", "+202-06-15", NULL, "日期格式不正确" },
    { "date", "2024年6月15日", NULL, "日期格式不正确" },
    { "date", "２０２４-06-15", NULL, "半角" },
};

static void test_date(void **state)
{
    run_field_cases(date_cases, COUNT(date_cases));
}

static void test_date_default_today(void **state)
{
    const char *norm;

    /* NULL today: the server's local date */
    assert_null(cc_field_check("date", "1990-03-07", 0, NULL, NULL, pool, &norm));
    assert_string_equal(norm, "1990-03-07");
    assert_non_null(cc_field_check("date", "2999-01-01", 0, NULL, NULL, pool, &norm));
    assert_null(norm);
}

static const struct field_case mobile_cases[] = {
    { "mobile", "13800138000", "13800138000" },
    { "mobile", "19912345678", "19912345678" },
    { "mobile", "14712345678", "14712345678" },
    { "mobile", "16612345678", "16612345678" },
    { "mobile", "17012345678", "17012345678" },
    { "mobile", "138 0013 8000", "13800138000" },
    { "mobile", "138-0013-8000", "13800138000" },
    { "mobile", "+8613800138000", "13800138000" },
    { "mobile", "+86 138 0013 8000", "13800138000" },
    { "mobile", "+86-138-0013-8000", "13800138000" },
    { "mobile", "8613800138000", "13800138000" },
    { "mobile", "86 13800138000", "13800138000" },
    { "mobile", "008613800138000", "13800138000" },
    { "mobile", "12800138000", NULL, "应为11位中国大陆手机号" },
    { "mobile", "11800138000", NULL, "应为11位中国大陆手机号" },
    { "mobile", "10012345678", NULL, "应为11位中国大陆手机号" },
    { "mobile", "23800138000", NULL, "应为11位中国大陆手机号" },
    { "mobile", "1380013800", NULL, "应为11位中国大陆手机号" },
    { "mobile", "138001380000", NULL, "应为11位中国大陆手机号" },
    { "mobile", "1380013800a", NULL, "应为11位中国大陆手机号" },
    { "mobile", "+852 9123 4567", NULL, "应为11位中国大陆手机号" },
    { "mobile", "+8612800138000", NULL, "应为11位中国大陆手机号" },
    { "mobile", "861380013800", NULL, "应为11位中国大陆手机号" },
    { "mobile", "(138)00138000", NULL, "应为11位中国大陆手机号" },
    { "mobile", "+86+8613800138000", NULL, "应为11位中国大陆手机号" },
    { "mobile", "１３８００１３８０００", NULL, "半角" },
    { "mobile",
      "138\xE3\x80\x80"
      "0013 8000",
      NULL, "半角" },
};

static void test_mobile(void **state)
{
    run_field_cases(mobile_cases, COUNT(mobile_cases));
}

#define LOCAL64 "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff1234"
#define LABEL63 "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff123"
#define LABEL57 "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeefffffff"
/* 64 + 1 + 63 + 1 + 63 + 1 + 57 + 4 = 254 characters */
#define EMAIL254 LOCAL64 "@" LABEL63 "." LABEL63 "." LABEL57 ".com"

static const struct field_case email_cases[] = {
    { "email", "user@example.com", "user@example.com" },
    { "email", "a@b.cn", "a@b.cn" },
    { "email", "User.Name+tag@Example.COM", "User.Name+tag@example.com" },
    { "email", "zhang_san-1@mail.cicpa.org.cn", "zhang_san-1@mail.cicpa.org.cn" },
    { "email", "o'brien@example.ie", "o'brien@example.ie" },
    { "email", "user@xn--fsqu00a.xn--fiqs8s", "user@xn--fsqu00a.xn--fiqs8s" },
    { "email", "user@123.com", "user@123.com" },
    { "email", LOCAL64 "@example.com", LOCAL64 "@example.com" },
    { "email", "x" LOCAL64 "@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "u@" LABEL63 ".com", "u@" LABEL63 ".com" },
    { "email", "u@x" LABEL63 ".com", NULL, "电子邮箱格式不正确" },
    /* 254 characters in all are fine, 255 are not */
    { "email", EMAIL254, EMAIL254 },
    { "email", EMAIL254 "m", NULL, "电子邮箱格式不正确" },
    { "email", "user", NULL, "电子邮箱格式不正确" },
    { "email", "@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "user@", NULL, "电子邮箱格式不正确" },
    { "email", "user@@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "user@exa@mple.com", NULL, "电子邮箱格式不正确" },
    { "email", "user@example", NULL, "电子邮箱格式不正确" },
    { "email", "user@.example.com", NULL, "电子邮箱格式不正确" },
    { "email", "user@example..com", NULL, "电子邮箱格式不正确" },
    { "email", "user@example.com.", NULL, "电子邮箱格式不正确" },
    { "email", "user@-example.com", NULL, "电子邮箱格式不正确" },
    { "email", "user@example-.com", NULL, "电子邮箱格式不正确" },
    { "email", "user@exa_mple.com", NULL, "电子邮箱格式不正确" },
    { "email", "user@example.c", NULL, "电子邮箱格式不正确" },
    { "email", "user@example.123", NULL, "电子邮箱格式不正确" },
    { "email", ".user@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "user.@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "us..er@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "user name@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "\"user\"@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "user@[127.0.0.1]", NULL, "电子邮箱格式不正确" },
    { "email", "张三@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "user@例子.中国", NULL, "电子邮箱格式不正确" },
    { "email", "user<script>@example.com", NULL, "电子邮箱格式不正确" },
    { "email", "user＠example.com", NULL, "半角" },
};

static void test_email(void **state)
{
    run_field_cases(email_cases, COUNT(email_cases));
}

static const struct field_case postcode_choice_cases[] = {
    { "postcode", "100000", "100000" },
    { "postcode", " 010010 ", "010010" },
    { "postcode", "10000", NULL, "邮政编码应为6位数字" },
    { "postcode", "1000000", NULL, "邮政编码应为6位数字" },
    { "postcode", "10000a", NULL, "邮政编码应为6位数字" },
    { "postcode", "100 000", NULL, "邮政编码应为6位数字" },
    { "postcode", "１０００００", NULL, "半角" },
    { "choice", "男", "男", NULL, 0, "男|女" },
    { "choice", " 女 ", "女", NULL, 0, "男|女" },
    { "choice", "执业会员", "执业会员", NULL, 0, "执业会员|非执业会员" },
    { "choice", "非执业会员", "非执业会员", NULL, 0, "执业会员|非执业会员" },
    { "choice", "会员", NULL, "执业会员、非执业会员", 0, "执业会员|非执业会员" },
    { "choice", "男女", NULL, "请从以下选项中选择：男、女", 0, "男|女" },
    { "choice", "男|女", NULL, "请从以下选项中选择", 0, "男|女" },
    { "choice", "男", "男", NULL, 0, "男" },
    { "choice", "男", NULL, "没有可选的选项", 0, NULL },
    { "choice", "男", NULL, "没有可选的选项", 0, "" },
};

static void test_postcode_and_choice(void **state)
{
    run_field_cases(postcode_choice_cases, COUNT(postcode_choice_cases));
}

static const struct field_case id_field_cases[] = {
    { "id_type", "居民身份证", "居民身份证" },
    { "id_type", "护照", "护照" },
    { "id_type", "港澳居民来往内地通行证", "港澳居民来往内地通行证" },
    { "id_type", "台湾居民来往大陆通行证", "台湾居民来往大陆通行证" },
    { "id_type", " 港澳台居民居住证 ", "港澳台居民居住证" },
    { "id_type", "身份证", NULL, "证件类型应为以下之一：居民身份证、护照" },
    { "id_type", "passport", NULL, "港澳台居民居住证" },
    /* id_number: only the shape shared by all types */
    { "id_number", "11010519491231002X", "11010519491231002X" },
    { "id_number", "11010519491231002x", "11010519491231002X" },
    { "id_number", " 110105 19491231 002x ", "11010519491231002X" },
    { "id_number", "e12345678", "E12345678" },
    { "id_number", "12345", "12345" },
    { "id_number", "1234", NULL, "证件号码应为5至18位字母或数字" },
    { "id_number", "1101051949123100211", NULL, "证件号码应为5至18位字母或数字" },
    { "id_number", "110105-1949", NULL, "证件号码应为5至18位字母或数字" },
    { "id_number", "H1234567(8)", NULL, "证件号码应为5至18位字母或数字" },
    { "id_number", "１１０１０５１９４９１２３１００２Ｘ", NULL, "半角" },
};

static void test_id_fields(void **state)
{
    run_field_cases(id_field_cases, COUNT(id_field_cases));
}

/* ------------------------------------------------------------ ID numbers */

/* The check character by ISO 7064 MOD 11-2 in its recursive form, written
 * independently of the weight table in cc_fields.c. */
static char iso7064_mod11_2(const char *digits17)
{
    int i, r = 0, check;

    for (i = 0; i < 17; i++)
        r = (r + (digits17[i] - '0')) * 2 % 11;
    check = (12 - r) % 11;
    return check == 10 ? 'X' : (char)('0' + check);
}

/* spec with a trailing '?' replaced by the right check character, '!' by a
 * wrong one and '~' by the right one in lower case; others are kept. */
static const char *id_from_spec(const char *spec)
{
    size_t len = strlen(spec);
    char *id = apr_pstrdup(pool, spec), right;

    if (len != 18 || !strchr("?!~", spec[17]))
        return id;
    right = iso7064_mod11_2(spec);
    if (spec[17] == '?')
        id[17] = right;
    else if (spec[17] == '~')
        id[17] = right == 'X' ? 'x' : right;
    else
        id[17] = right == '0' ? '1' : '0';
    return id;
}

struct id_case {
    const char *type;
    const char *number; /* see id_from_spec */
    const char *birth_date;
    const char *problem; /* NULL: valid */
};

#define RID "居民身份证"
#define RP "港澳台居民居住证"
#define PP "护照"
#define HKM "港澳居民来往内地通行证"
#define TW "台湾居民来往大陆通行证"

static const struct id_case id_cases[] = {
    /* the published GB 11643 example, with upper and lower case X */
    { RID, "11010519491231002X", "" },
    { RID, "11010519491231002x", "" },
    { RID, "11010519491231002X", "1949-12-31" },
    { RID, "110105194912310021", "", "校验位" },
    { RID, "11010519491231002X", "1949-12-30", "出生日期与填写的出生日期不一致" },
    { RID, "11010519491231002X", "1949-12-31 ", "出生日期与填写的出生日期不一致" },
    /* the other published example is born in 1880 */
    { RID, "440524188001010014", "", "不能早于1900年1月1日" },
    /* computed check characters */
    { RID, "44030619900307123?", "" },
    { RID, "44030619900307123~", "" },
    { RID, "44030619900307123!", "", "校验位（最后一位）不正确" },
    { RID, "65010219851111001?", "1985-11-11" },
    { RID, "54010219700101001?", "" },
    { RID, "15010219700101001?", "" },
    { RID, "11010520000229123?", "2000-02-29" },
    { RID, "11010520240229123?", "" },
    { RID, "11010520230229123?", "", "出生日期（第7至14位）不存在" },
    { RID, "11010519000229123?", "", "出生日期（第7至14位）不存在" },
    { RID, "11010519901301123?", "", "出生日期（第7至14位）不存在" },
    { RID, "11010519900431123?", "", "出生日期（第7至14位）不存在" },
    { RID, "11010519000101123?", "" },
    { RID, "11010518991231123?", "", "不能早于1900年1月1日" },
    { RID, "11010520991231123?", "", "出生日期（第7至14位）不能晚于今天" },
    { RID, "11010519900307123?", "1990-03-08", "出生日期与填写的出生日期不一致" },
    /* length and characters */
    { RID, "11010519491231002", "", "应为18位" },
    { RID, "11010519491231002X1", "", "应为18位" },
    { RID, "110105491231002", "", "15位的旧号码已停止使用" },
    { RID, "1101051949123100XX", "", "前17位应为数字" },
    { RID, "11010519491231002Y", "", "前17位应为数字" },
    { RID, "A1010519491231002X", "", "前17位应为数字" },
    { RID, "１１０１０５１９４９１２３１００２Ｘ", "", "应为18位" },
    { RID, "１１０１０５", "", "前17位应为数字" }, /* 18 bytes */
    /* province codes */
    { RID, "00010519900307123?", "", "省级行政区划代码" },
    { RID, "16010519900307123?", "", "省级行政区划代码" },
    { RID, "20010519900307123?", "", "省级行政区划代码" },
    { RID, "38010519900307123?", "", "省级行政区划代码" },
    { RID, "47010519900307123?", "", "省级行政区划代码" },
    { RID, "55010519900307123?", "", "省级行政区划代码" },
    { RID, "66010519900307123?", "", "省级行政区划代码" },
    { RID, "71010519900307123?", "", "省级行政区划代码" },
    { RID, "81010519900307123?", "", "省级行政区划代码" },
    { RID, "91010519900307123?", "", "省级行政区划代码" },
    { RID, "81000019900307123?", "", "请将证件类型选为“港澳台居民居住证”" },
    { RID, "83000019900307123?", "", "请将证件类型选为“港澳台居民居住证”" },
    /* residence permits for Hong Kong, Macao and Taiwan residents */
    { RP, "81000019900307123?", "" },
    { RP, "82000019900307123~", "1990-03-07" },
    { RP, "83000019900307123?", "" },
    { RP, "83000019900307123!", "", "港澳台居民居住证号码校验位" },
    { RP, "83000019900307123?", "1990-03-06", "出生日期与填写的出生日期不一致" },
    { RP, "83000020990307123?", "", "不能晚于今天" },
    { RP, "84000019900307123?", "", "应以810000（香港）、820000（澳门）或830000（台湾）开头" },
    { RP, "11010519900307123?", "", "应以810000" },
    { RP, "81000119900307123?", "", "应以810000" },
    { RP, "8300001990030712", "", "港澳台居民居住证号码应为18位" },
    /* passports: Chinese formats and foreign ones */
    { PP, "E12345678", "" },
    { PP, "EA1234567", "" },
    { PP, "G12345678", "" },
    { PP, "e12345678", "" },
    { PP, "K1234", "" },
    { PP, "AB12345678901234C", "" },
    { PP, "K123", "", "护照号码应为5至17位字母或数字" },
    { PP, "AB12345678901234CD", "", "护照号码应为5至17位字母或数字" },
    { PP, "E1234567!", "", "护照号码应为5至17位字母或数字" },
    /* exit-entry permits */
    { HKM, "H12345678", "" },
    { HKM, "M12345678", "" },
    { HKM, "h12345678", "" },
    { HKM, "H1234567801", "" },
    { HKM, "H1234567", "", "港澳居民来往内地通行证号码应为H（香港）或M（澳门）加8位数字" },
    { HKM, "H123456789", "", "港澳居民来往内地通行证号码" },
    { HKM, "H123456789012", "", "港澳居民来往内地通行证号码" },
    { HKM, "X12345678", "", "港澳居民来往内地通行证号码" },
    { HKM, "H1234567A", "", "港澳居民来往内地通行证号码" },
    { HKM, "12345678", "", "港澳居民来往内地通行证号码" },
    { TW, "12345678", "" },
    { TW, "1234567801", "", "台湾居民来往大陆通行证号码应为8位数字" },
    { TW, "1234567", "", "台湾居民来往大陆通行证号码应为8位数字" },
    { TW, "A2345678", "", "台湾居民来往大陆通行证号码应为8位数字" },
    /* type and number missing or unknown */
    { "身份证", "11010519491231002X", "", "证件类型应为以下之一" },
    { NULL, "11010519491231002X", "", "证件类型应为以下之一" },
    { RID, "", "", "请填写证件号码" },
    { RID, NULL, "", "请填写证件号码" },
};

static void test_id_numbers(void **state)
{
    size_t i;

    for (i = 0; i < COUNT(id_cases); i++) {
        const struct id_case *c = &id_cases[i];
        const char *number = c->number ? id_from_spec(c->number) : NULL;
        const char *msg = cc_id_number_check(c->type, number, c->birth_date, pool);

        if (!c->problem && msg)
            fail_msg("id case %zu (%s): refused: %s", i, c->number, msg);
        if (c->problem && !msg)
            fail_msg("id case %zu (%s): accepted", i, c->number);
        if (c->problem && !strstr(msg, c->problem))
            fail_msg("id case %zu (%s): message \"%s\" lacks \"%s\"", i, c->number, msg, c->problem);
        /* messages reach logs and clients: never the number, nor its date */
        if (msg && number && *number) {
            assert_null(strstr(msg, number));
            if (strlen(number) == 18)
                assert_null(strstr(msg, apr_pstrndup(pool, number + 6, 8)));
        }
    }
}

/* yyyymmdd of the local date days from now. */
static const char *local_yyyymmdd(int days)
{
    apr_time_exp_t tm;

    apr_time_exp_lt(&tm, apr_time_now() + apr_time_from_sec(days * 86400LL));
    return apr_psprintf(pool, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void test_id_birth_date_against_clock(void **state)
{
    /* born today: fine (even if midnight passes meanwhile) */
    const char *today = apr_pstrcat(pool, "110105", local_yyyymmdd(0), "123?", NULL);
    /* two days ahead is still in the future after a midnight in between */
    const char *later = apr_pstrcat(pool, "110105", local_yyyymmdd(2), "123?", NULL);
    const char *msg;

    assert_null(cc_id_number_check(RID, id_from_spec(today), "", pool));
    msg = cc_id_number_check(RID, id_from_spec(later), "", pool);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "不能晚于今天"));
}

static void test_id_type_predicates(void **state)
{
    assert_true(cc_id_type_valid(RID));
    assert_true(cc_id_type_valid(PP));
    assert_true(cc_id_type_valid(HKM));
    assert_true(cc_id_type_valid(TW));
    assert_true(cc_id_type_valid(RP));
    assert_false(cc_id_type_valid("身份证"));
    assert_false(cc_id_type_valid(" 护照"));
    assert_false(cc_id_type_valid(""));
    assert_false(cc_id_type_valid(NULL));

    assert_true(cc_id_type_is_mainland(RID));
    assert_false(cc_id_type_is_mainland(RP));
    assert_false(cc_id_type_is_mainland(PP));
    assert_false(cc_id_type_is_mainland(NULL));
}

/* The intended flow: the id_number kind normalises, then the type decides. */
static void test_id_number_flow(void **state)
{
    const char *norm;

    assert_null(cc_field_check("id_number", " 11010519491231002x", 18, NULL, TODAY, pool, &norm));
    assert_null(cc_id_number_check(RID, norm, "1949-12-31", pool));
    assert_null(cc_field_check("id_number", "h12345678", 18, NULL, TODAY, pool, &norm));
    assert_string_equal(norm, "H12345678");
    assert_null(cc_id_number_check(HKM, norm, "", pool));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_chars),
        cmocka_unit_test(test_utf8_next),
        cmocka_unit_test(test_common_rules),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_date_default_today),
        cmocka_unit_test(test_mobile),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_postcode_and_choice),
        cmocka_unit_test(test_id_fields),
        cmocka_unit_test(test_id_numbers),
        cmocka_unit_test(test_id_birth_date_against_clock),
        cmocka_unit_test(test_id_type_predicates),
        cmocka_unit_test(test_id_number_flow),
    };

    return CC_UNIT_RUN(tests);
}
