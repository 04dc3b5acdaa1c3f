/* Validation of member profile values by field kind. Messages are shown to
 * the member and may be logged: they name the problem, never the value. */
#include "cc_fields.h"

#include <string.h>
#include <strings.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>

#define MAINLAND_ID "居民身份证"

/* ------------------------------------------------------- small predicates */

static int is_ascii_digit(apr_uint32_t c)
{
    return c >= '0' && c <= '9';
}

static int is_ascii_alnum(apr_uint32_t c)
{
    return is_ascii_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* True when the n bytes at s are all ASCII digits. */
static int all_digits(const char *s, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i < n; i++)
        if (!is_ascii_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* True when s is min..max ASCII letters and digits. */
static int is_alnum_run(const char *s, apr_size_t min, apr_size_t max)
{
    apr_size_t n = strlen(s), i;

    for (i = 0; i < n; i++)
        if (!is_ascii_alnum((unsigned char)s[i]))
            return 0;
    return n >= min && n <= max;
}

/* The value of the n ASCII digits at s, or -1 when they are not all digits. */
static long digits_value(const char *s, apr_size_t n)
{
    long v = 0;
    apr_size_t i;

    if (!all_digits(s, n))
        return -1;
    for (i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* A copy of s with its ASCII letters in upper (or lower) case. */
static char *ascii_case(const char *s, int upper, apr_pool_t *p)
{
    char *out = apr_pstrdup(p, s), *c;

    for (c = out; *c; c++) {
        if (upper && *c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
        else if (!upper && *c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    }
    return out;
}

/* A copy of s without the ASCII characters listed in drop. */
static char *without_chars(const char *s, const char *drop, apr_pool_t *p)
{
    char *out = apr_palloc(p, strlen(s) + 1), *w = out;

    for (; *s; s++)
        if (!strchr(drop, *s))
            *w++ = *s;
    *w = '\0';
    return out;
}

/* ---------------------------------------------------- trimming, controls */

/* Trimmed at both ends: ASCII whitespace, no-break space, ideographic space. */
static int is_trimmed_space(apr_uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x3000;
}

/* Never stored: C0, DEL and C1 controls, and the invisible characters that
 * break lines or reorder how text is displayed (line/paragraph separators,
 * bidi marks, embeddings, overrides and isolates). */
static int is_forbidden_control(apr_uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F
           || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Checks value is UTF-8 and, once trimmed, free of forbidden controls;
 * *out is the trimmed copy. */
static const char *trim_and_clean(const char *value, apr_pool_t *p, const char **out)
{
    const char *pos, *start = NULL, *end = value;
    char *trimmed;
    apr_uint32_t cp;
    int n;

    for (pos = value; *pos; pos += n) {
        n = cc_utf8_next(pos, &cp);
        if (!n)
            return "内容包含无法识别的字符（不是有效的UTF-8编码）";
        if (!is_trimmed_space(cp)) {
            if (!start)
                start = pos;
            end = pos + n;
        }
    }
    if (!start) {
        *out = "";
        return NULL;
    }
    trimmed = apr_pstrmemdup(p, start, end - start);
    for (pos = trimmed; *pos; pos += n) {
        n = cc_utf8_next(pos, &cp);
        if (is_forbidden_control(cp))
            return "内容不能包含换行符、制表符等控制字符或不可见的格式字符";
    }
    *out = trimmed;
    return NULL;
}

/* Full-width forms of ASCII (U+FF01-U+FF5E) and the ideographic space, as
 * typed with a Chinese input method in full-width mode. */
static int has_fullwidth_ascii(const char *s)
{
    apr_uint32_t cp;
    int n;

    for (; *s; s += n) {
        n = cc_utf8_next(s, &cp);
        if ((cp >= 0xFF01 && cp <= 0xFF5E) || cp == 0x3000)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ dates */

static int is_leap_year(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static long days_in_month(long y, long m)
{
    static const long days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

/* A date as the number yyyymmdd, which orders like the date. */
static long date_key(long y, long m, long d)
{
    return y * 10000 + m * 100 + d;
}

/* Parses strict YYYY-MM-DD; false when the shape is wrong. */
static int parse_iso_date(const char *s, long *y, long *m, long *d)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    *y = digits_value(s, 4);
    *m = digits_value(s + 5, 2);
    *d = digits_value(s + 8, 2);
    return *y >= 0 && *m >= 0 && *d >= 0;
}

/* today (YYYY-MM-DD) as a date key; NULL or malformed means the local date. */
static long today_key(const char *today)
{
    apr_time_exp_t now;
    long y, m, d;

    if (today && parse_iso_date(today, &y, &m, &d))
        return date_key(y, m, d);
    apr_time_exp_lt(&now, apr_time_now());
    return date_key(now.tm_year + 1900, now.tm_mon + 1, now.tm_mday);
}

/* NULL when y-m-d is a real day from 1900-01-01 to today, otherwise a
 * message about subject (what the date is, e.g. "日期"). */
static const char *date_problem(long y, long m, long d, long today, const char *subject, apr_pool_t *p)
{
    const char *problem = NULL;

    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        problem = "不存在，请核对年、月、日（例如2月30日、非闰年的2月29日都不存在）";
    else if (date_key(y, m, d) < date_key(1900, 1, 1))
        problem = "不能早于1900年1月1日";
    else if (date_key(y, m, d) > today)
        problem = "不能晚于今天";
    return problem ? apr_pstrcat(p, subject, problem, NULL) : NULL;
}

/* ------------------------------------------------------------------ names */

struct cp_range {
    apr_uint32_t lo, hi;
};

/* Letters of any script: Unicode 15.0 general categories L* and M* (marks
 * belong to the letter they modify), U+3007 〇 (used in names), the Tibetan
 * syllable marks U+0F0B/U+0F0C (they sit inside words), and all of the
 * ideographic planes 2 and 3 so that CJK extensions newer than the table are
 * accepted too. Styled mathematical letters (U+1D400-U+1D7FF,
 * U+1EE00-U+1EEFF) are left out. Generated by the script in
 * docs/validation.md. */
static const struct cp_range letters[] = {
    { 0x41, 0x5A },       { 0x61, 0x7A },       { 0xAA, 0xAA },       { 0xB5, 0xB5 },
    { 0xBA, 0xBA },       { 0xC0, 0xD6 },       { 0xD8, 0xF6 },       { 0xF8, 0x2C1 },
    { 0x2C6, 0x2D1 },     { 0x2E0, 0x2E4 },     { 0x2EC, 0x2EC },     { 0x2EE, 0x2EE },
    { 0x300, 0x374 },     { 0x376, 0x377 },     { 0x37A, 0x37D },     { 0x37F, 0x37F },
    { 0x386, 0x386 },     { 0x388, 0x38A },     { 0x38C, 0x38C },     { 0x38E, 0x3A1 },
    { 0x3A3, 0x3F5 },     { 0x3F7, 0x481 },     { 0x483, 0x52F },     { 0x531, 0x556 },
    { 0x559, 0x559 },     { 0x560, 0x588 },     { 0x591, 0x5BD },     { 0x5BF, 0x5BF },
    { 0x5C1, 0x5C2 },     { 0x5C4, 0x5C5 },     { 0x5C7, 0x5C7 },     { 0x5D0, 0x5EA },
    { 0x5EF, 0x5F2 },     { 0x610, 0x61A },     { 0x620, 0x65F },     { 0x66E, 0x6D3 },
    { 0x6D5, 0x6DC },     { 0x6DF, 0x6E8 },     { 0x6EA, 0x6EF },     { 0x6FA, 0x6FC },
    { 0x6FF, 0x6FF },     { 0x710, 0x74A },     { 0x74D, 0x7B1 },     { 0x7CA, 0x7F5 },
    { 0x7FA, 0x7FA },     { 0x7FD, 0x7FD },     { 0x800, 0x82D },     { 0x840, 0x85B },
    { 0x860, 0x86A },     { 0x870, 0x887 },     { 0x889, 0x88E },     { 0x898, 0x8E1 },
    { 0x8E3, 0x963 },     { 0x971, 0x983 },     { 0x985, 0x98C },     { 0x98F, 0x990 },
    { 0x993, 0x9A8 },     { 0x9AA, 0x9B0 },     { 0x9B2, 0x9B2 },     { 0x9B6, 0x9B9 },
    { 0x9BC, 0x9C4 },     { 0x9C7, 0x9C8 },     { 0x9CB, 0x9CE },     { 0x9D7, 0x9D7 },
    { 0x9DC, 0x9DD },     { 0x9DF, 0x9E3 },     { 0x9F0, 0x9F1 },     { 0x9FC, 0x9FC },
    { 0x9FE, 0x9FE },     { 0xA01, 0xA03 },     { 0xA05, 0xA0A },     { 0xA0F, 0xA10 },
    { 0xA13, 0xA28 },     { 0xA2A, 0xA30 },     { 0xA32, 0xA33 },     { 0xA35, 0xA36 },
    { 0xA38, 0xA39 },     { 0xA3C, 0xA3C },     { 0xA3E, 0xA42 },     { 0xA47, 0xA48 },
    { 0xA4B, 0xA4D },     { 0xA51, 0xA51 },     { 0xA59, 0xA5C },     { 0xA5E, 0xA5E },
    { 0xA70, 0xA75 },     { 0xA81, 0xA83 },     { 0xA85, 0xA8D },     { 0xA8F, 0xA91 },
    { 0xA93, 0xAA8 },     { 0xAAA, 0xAB0 },     { 0xAB2, 0xAB3 },     { 0xAB5, 0xAB9 },
    { 0xABC, 0xAC5 },     { 0xAC7, 0xAC9 },     { 0xACB, 0xACD },     { 0xAD0, 0xAD0 },
    { 0xAE0, 0xAE3 },     { 0xAF9, 0xAFF },     { 0xB01, 0xB03 },     { 0xB05, 0xB0C },
    { 0xB0F, 0xB10 },     { 0xB13, 0xB28 },     { 0xB2A, 0xB30 },     { 0xB32, 0xB33 },
    { 0xB35, 0xB39 },     { 0xB3C, 0xB44 },     { 0xB47, 0xB48 },     { 0xB4B, 0xB4D },
    { 0xB55, 0xB57 },     { 0xB5C, 0xB5D },     { 0xB5F, 0xB63 },     { 0xB71, 0xB71 },
    { 0xB82, 0xB83 },     { 0xB85, 0xB8A },     { 0xB8E, 0xB90 },     { 0xB92, 0xB95 },
    { 0xB99, 0xB9A },     { 0xB9C, 0xB9C },     { 0xB9E, 0xB9F },     { 0xBA3, 0xBA4 },
    { 0xBA8, 0xBAA },     { 0xBAE, 0xBB9 },     { 0xBBE, 0xBC2 },     { 0xBC6, 0xBC8 },
    { 0xBCA, 0xBCD },     { 0xBD0, 0xBD0 },     { 0xBD7, 0xBD7 },     { 0xC00, 0xC0C },
    { 0xC0E, 0xC10 },     { 0xC12, 0xC28 },     { 0xC2A, 0xC39 },     { 0xC3C, 0xC44 },
    { 0xC46, 0xC48 },     { 0xC4A, 0xC4D },     { 0xC55, 0xC56 },     { 0xC58, 0xC5A },
    { 0xC5D, 0xC5D },     { 0xC60, 0xC63 },     { 0xC80, 0xC83 },     { 0xC85, 0xC8C },
    { 0xC8E, 0xC90 },     { 0xC92, 0xCA8 },     { 0xCAA, 0xCB3 },     { 0xCB5, 0xCB9 },
    { 0xCBC, 0xCC4 },     { 0xCC6, 0xCC8 },     { 0xCCA, 0xCCD },     { 0xCD5, 0xCD6 },
    { 0xCDD, 0xCDE },     { 0xCE0, 0xCE3 },     { 0xCF1, 0xCF3 },     { 0xD00, 0xD0C },
    { 0xD0E, 0xD10 },     { 0xD12, 0xD44 },     { 0xD46, 0xD48 },     { 0xD4A, 0xD4E },
    { 0xD54, 0xD57 },     { 0xD5F, 0xD63 },     { 0xD7A, 0xD7F },     { 0xD81, 0xD83 },
    { 0xD85, 0xD96 },     { 0xD9A, 0xDB1 },     { 0xDB3, 0xDBB },     { 0xDBD, 0xDBD },
    { 0xDC0, 0xDC6 },     { 0xDCA, 0xDCA },     { 0xDCF, 0xDD4 },     { 0xDD6, 0xDD6 },
    { 0xDD8, 0xDDF },     { 0xDF2, 0xDF3 },     { 0xE01, 0xE3A },     { 0xE40, 0xE4E },
    { 0xE81, 0xE82 },     { 0xE84, 0xE84 },     { 0xE86, 0xE8A },     { 0xE8C, 0xEA3 },
    { 0xEA5, 0xEA5 },     { 0xEA7, 0xEBD },     { 0xEC0, 0xEC4 },     { 0xEC6, 0xEC6 },
    { 0xEC8, 0xECE },     { 0xEDC, 0xEDF },     { 0xF00, 0xF00 },     { 0xF0B, 0xF0C },
    { 0xF18, 0xF19 },     { 0xF35, 0xF35 },     { 0xF37, 0xF37 },     { 0xF39, 0xF39 },
    { 0xF3E, 0xF47 },     { 0xF49, 0xF6C },     { 0xF71, 0xF84 },     { 0xF86, 0xF97 },
    { 0xF99, 0xFBC },     { 0xFC6, 0xFC6 },     { 0x1000, 0x103F },   { 0x1050, 0x108F },
    { 0x109A, 0x109D },   { 0x10A0, 0x10C5 },   { 0x10C7, 0x10C7 },   { 0x10CD, 0x10CD },
    { 0x10D0, 0x10FA },   { 0x10FC, 0x1248 },   { 0x124A, 0x124D },   { 0x1250, 0x1256 },
    { 0x1258, 0x1258 },   { 0x125A, 0x125D },   { 0x1260, 0x1288 },   { 0x128A, 0x128D },
    { 0x1290, 0x12B0 },   { 0x12B2, 0x12B5 },   { 0x12B8, 0x12BE },   { 0x12C0, 0x12C0 },
    { 0x12C2, 0x12C5 },   { 0x12C8, 0x12D6 },   { 0x12D8, 0x1310 },   { 0x1312, 0x1315 },
    { 0x1318, 0x135A },   { 0x135D, 0x135F },   { 0x1380, 0x138F },   { 0x13A0, 0x13F5 },
    { 0x13F8, 0x13FD },   { 0x1401, 0x166C },   { 0x166F, 0x167F },   { 0x1681, 0x169A },
    { 0x16A0, 0x16EA },   { 0x16F1, 0x16F8 },   { 0x1700, 0x1715 },   { 0x171F, 0x1734 },
    { 0x1740, 0x1753 },   { 0x1760, 0x176C },   { 0x176E, 0x1770 },   { 0x1772, 0x1773 },
    { 0x1780, 0x17D3 },   { 0x17D7, 0x17D7 },   { 0x17DC, 0x17DD },   { 0x180B, 0x180D },
    { 0x180F, 0x180F },   { 0x1820, 0x1878 },   { 0x1880, 0x18AA },   { 0x18B0, 0x18F5 },
    { 0x1900, 0x191E },   { 0x1920, 0x192B },   { 0x1930, 0x193B },   { 0x1950, 0x196D },
    { 0x1970, 0x1974 },   { 0x1980, 0x19AB },   { 0x19B0, 0x19C9 },   { 0x1A00, 0x1A1B },
    { 0x1A20, 0x1A5E },   { 0x1A60, 0x1A7C },   { 0x1A7F, 0x1A7F },   { 0x1AA7, 0x1AA7 },
    { 0x1AB0, 0x1ACE },   { 0x1B00, 0x1B4C },   { 0x1B6B, 0x1B73 },   { 0x1B80, 0x1BAF },
    { 0x1BBA, 0x1BF3 },   { 0x1C00, 0x1C37 },   { 0x1C4D, 0x1C4F },   { 0x1C5A, 0x1C7D },
    { 0x1C80, 0x1C88 },   { 0x1C90, 0x1CBA },   { 0x1CBD, 0x1CBF },   { 0x1CD0, 0x1CD2 },
    { 0x1CD4, 0x1CFA },   { 0x1D00, 0x1F15 },   { 0x1F18, 0x1F1D },   { 0x1F20, 0x1F45 },
    { 0x1F48, 0x1F4D },   { 0x1F50, 0x1F57 },   { 0x1F59, 0x1F59 },   { 0x1F5B, 0x1F5B },
    { 0x1F5D, 0x1F5D },   { 0x1F5F, 0x1F7D },   { 0x1F80, 0x1FB4 },   { 0x1FB6, 0x1FBC },
    { 0x1FBE, 0x1FBE },   { 0x1FC2, 0x1FC4 },   { 0x1FC6, 0x1FCC },   { 0x1FD0, 0x1FD3 },
    { 0x1FD6, 0x1FDB },   { 0x1FE0, 0x1FEC },   { 0x1FF2, 0x1FF4 },   { 0x1FF6, 0x1FFC },
    { 0x2071, 0x2071 },   { 0x207F, 0x207F },   { 0x2090, 0x209C },   { 0x20D0, 0x20F0 },
    { 0x2102, 0x2102 },   { 0x2107, 0x2107 },   { 0x210A, 0x2113 },   { 0x2115, 0x2115 },
    { 0x2119, 0x211D },   { 0x2124, 0x2124 },   { 0x2126, 0x2126 },   { 0x2128, 0x2128 },
    { 0x212A, 0x212D },   { 0x212F, 0x2139 },   { 0x213C, 0x213F },   { 0x2145, 0x2149 },
    { 0x214E, 0x214E },   { 0x2183, 0x2184 },   { 0x2C00, 0x2CE4 },   { 0x2CEB, 0x2CF3 },
    { 0x2D00, 0x2D25 },   { 0x2D27, 0x2D27 },   { 0x2D2D, 0x2D2D },   { 0x2D30, 0x2D67 },
    { 0x2D6F, 0x2D6F },   { 0x2D7F, 0x2D96 },   { 0x2DA0, 0x2DA6 },   { 0x2DA8, 0x2DAE },
    { 0x2DB0, 0x2DB6 },   { 0x2DB8, 0x2DBE },   { 0x2DC0, 0x2DC6 },   { 0x2DC8, 0x2DCE },
    { 0x2DD0, 0x2DD6 },   { 0x2DD8, 0x2DDE },   { 0x2DE0, 0x2DFF },   { 0x2E2F, 0x2E2F },
    { 0x3005, 0x3007 },   { 0x302A, 0x302F },   { 0x3031, 0x3035 },   { 0x303B, 0x303C },
    { 0x3041, 0x3096 },   { 0x3099, 0x309A },   { 0x309D, 0x309F },   { 0x30A1, 0x30FA },
    { 0x30FC, 0x30FF },   { 0x3105, 0x312F },   { 0x3131, 0x318E },   { 0x31A0, 0x31BF },
    { 0x31F0, 0x31FF },   { 0x3400, 0x4DBF },   { 0x4E00, 0xA48C },   { 0xA4D0, 0xA4FD },
    { 0xA500, 0xA60C },   { 0xA610, 0xA61F },   { 0xA62A, 0xA62B },   { 0xA640, 0xA672 },
    { 0xA674, 0xA67D },   { 0xA67F, 0xA6E5 },   { 0xA6F0, 0xA6F1 },   { 0xA717, 0xA71F },
    { 0xA722, 0xA788 },   { 0xA78B, 0xA7CA },   { 0xA7D0, 0xA7D1 },   { 0xA7D3, 0xA7D3 },
    { 0xA7D5, 0xA7D9 },   { 0xA7F2, 0xA827 },   { 0xA82C, 0xA82C },   { 0xA840, 0xA873 },
    { 0xA880, 0xA8C5 },   { 0xA8E0, 0xA8F7 },   { 0xA8FB, 0xA8FB },   { 0xA8FD, 0xA8FF },
    { 0xA90A, 0xA92D },   { 0xA930, 0xA953 },   { 0xA960, 0xA97C },   { 0xA980, 0xA9C0 },
    { 0xA9CF, 0xA9CF },   { 0xA9E0, 0xA9EF },   { 0xA9FA, 0xA9FE },   { 0xAA00, 0xAA36 },
    { 0xAA40, 0xAA4D },   { 0xAA60, 0xAA76 },   { 0xAA7A, 0xAAC2 },   { 0xAADB, 0xAADD },
    { 0xAAE0, 0xAAEF },   { 0xAAF2, 0xAAF6 },   { 0xAB01, 0xAB06 },   { 0xAB09, 0xAB0E },
    { 0xAB11, 0xAB16 },   { 0xAB20, 0xAB26 },   { 0xAB28, 0xAB2E },   { 0xAB30, 0xAB5A },
    { 0xAB5C, 0xAB69 },   { 0xAB70, 0xABEA },   { 0xABEC, 0xABED },   { 0xAC00, 0xD7A3 },
    { 0xD7B0, 0xD7C6 },   { 0xD7CB, 0xD7FB },   { 0xF900, 0xFA6D },   { 0xFA70, 0xFAD9 },
    { 0xFB00, 0xFB06 },   { 0xFB13, 0xFB17 },   { 0xFB1D, 0xFB28 },   { 0xFB2A, 0xFB36 },
    { 0xFB38, 0xFB3C },   { 0xFB3E, 0xFB3E },   { 0xFB40, 0xFB41 },   { 0xFB43, 0xFB44 },
    { 0xFB46, 0xFBB1 },   { 0xFBD3, 0xFD3D },   { 0xFD50, 0xFD8F },   { 0xFD92, 0xFDC7 },
    { 0xFDF0, 0xFDFB },   { 0xFE00, 0xFE0F },   { 0xFE20, 0xFE2F },   { 0xFE70, 0xFE74 },
    { 0xFE76, 0xFEFC },   { 0xFF21, 0xFF3A },   { 0xFF41, 0xFF5A },   { 0xFF66, 0xFFBE },
    { 0xFFC2, 0xFFC7 },   { 0xFFCA, 0xFFCF },   { 0xFFD2, 0xFFD7 },   { 0xFFDA, 0xFFDC },
    { 0x10000, 0x1000B }, { 0x1000D, 0x10026 }, { 0x10028, 0x1003A }, { 0x1003C, 0x1003D },
    { 0x1003F, 0x1004D }, { 0x10050, 0x1005D }, { 0x10080, 0x100FA }, { 0x101FD, 0x101FD },
    { 0x10280, 0x1029C }, { 0x102A0, 0x102D0 }, { 0x102E0, 0x102E0 }, { 0x10300, 0x1031F },
    { 0x1032D, 0x10340 }, { 0x10342, 0x10349 }, { 0x10350, 0x1037A }, { 0x10380, 0x1039D },
    { 0x103A0, 0x103C3 }, { 0x103C8, 0x103CF }, { 0x10400, 0x1049D }, { 0x104B0, 0x104D3 },
    { 0x104D8, 0x104FB }, { 0x10500, 0x10527 }, { 0x10530, 0x10563 }, { 0x10570, 0x1057A },
    { 0x1057C, 0x1058A }, { 0x1058C, 0x10592 }, { 0x10594, 0x10595 }, { 0x10597, 0x105A1 },
    { 0x105A3, 0x105B1 }, { 0x105B3, 0x105B9 }, { 0x105BB, 0x105BC }, { 0x10600, 0x10736 },
    { 0x10740, 0x10755 }, { 0x10760, 0x10767 }, { 0x10780, 0x10785 }, { 0x10787, 0x107B0 },
    { 0x107B2, 0x107BA }, { 0x10800, 0x10805 }, { 0x10808, 0x10808 }, { 0x1080A, 0x10835 },
    { 0x10837, 0x10838 }, { 0x1083C, 0x1083C }, { 0x1083F, 0x10855 }, { 0x10860, 0x10876 },
    { 0x10880, 0x1089E }, { 0x108E0, 0x108F2 }, { 0x108F4, 0x108F5 }, { 0x10900, 0x10915 },
    { 0x10920, 0x10939 }, { 0x10980, 0x109B7 }, { 0x109BE, 0x109BF }, { 0x10A00, 0x10A03 },
    { 0x10A05, 0x10A06 }, { 0x10A0C, 0x10A13 }, { 0x10A15, 0x10A17 }, { 0x10A19, 0x10A35 },
    { 0x10A38, 0x10A3A }, { 0x10A3F, 0x10A3F }, { 0x10A60, 0x10A7C }, { 0x10A80, 0x10A9C },
    { 0x10AC0, 0x10AC7 }, { 0x10AC9, 0x10AE6 }, { 0x10B00, 0x10B35 }, { 0x10B40, 0x10B55 },
    { 0x10B60, 0x10B72 }, { 0x10B80, 0x10B91 }, { 0x10C00, 0x10C48 }, { 0x10C80, 0x10CB2 },
    { 0x10CC0, 0x10CF2 }, { 0x10D00, 0x10D27 }, { 0x10E80, 0x10EA9 }, { 0x10EAB, 0x10EAC },
    { 0x10EB0, 0x10EB1 }, { 0x10EFD, 0x10F1C }, { 0x10F27, 0x10F27 }, { 0x10F30, 0x10F50 },
    { 0x10F70, 0x10F85 }, { 0x10FB0, 0x10FC4 }, { 0x10FE0, 0x10FF6 }, { 0x11000, 0x11046 },
    { 0x11070, 0x11075 }, { 0x1107F, 0x110BA }, { 0x110C2, 0x110C2 }, { 0x110D0, 0x110E8 },
    { 0x11100, 0x11134 }, { 0x11144, 0x11147 }, { 0x11150, 0x11173 }, { 0x11176, 0x11176 },
    { 0x11180, 0x111C4 }, { 0x111C9, 0x111CC }, { 0x111CE, 0x111CF }, { 0x111DA, 0x111DA },
    { 0x111DC, 0x111DC }, { 0x11200, 0x11211 }, { 0x11213, 0x11237 }, { 0x1123E, 0x11241 },
    { 0x11280, 0x11286 }, { 0x11288, 0x11288 }, { 0x1128A, 0x1128D }, { 0x1128F, 0x1129D },
    { 0x1129F, 0x112A8 }, { 0x112B0, 0x112EA }, { 0x11300, 0x11303 }, { 0x11305, 0x1130C },
    { 0x1130F, 0x11310 }, { 0x11313, 0x11328 }, { 0x1132A, 0x11330 }, { 0x11332, 0x11333 },
    { 0x11335, 0x11339 }, { 0x1133B, 0x11344 }, { 0x11347, 0x11348 }, { 0x1134B, 0x1134D },
    { 0x11350, 0x11350 }, { 0x11357, 0x11357 }, { 0x1135D, 0x11363 }, { 0x11366, 0x1136C },
    { 0x11370, 0x11374 }, { 0x11400, 0x1144A }, { 0x1145E, 0x11461 }, { 0x11480, 0x114C5 },
    { 0x114C7, 0x114C7 }, { 0x11580, 0x115B5 }, { 0x115B8, 0x115C0 }, { 0x115D8, 0x115DD },
    { 0x11600, 0x11640 }, { 0x11644, 0x11644 }, { 0x11680, 0x116B8 }, { 0x11700, 0x1171A },
    { 0x1171D, 0x1172B }, { 0x11740, 0x11746 }, { 0x11800, 0x1183A }, { 0x118A0, 0x118DF },
    { 0x118FF, 0x11906 }, { 0x11909, 0x11909 }, { 0x1190C, 0x11913 }, { 0x11915, 0x11916 },
    { 0x11918, 0x11935 }, { 0x11937, 0x11938 }, { 0x1193B, 0x11943 }, { 0x119A0, 0x119A7 },
    { 0x119AA, 0x119D7 }, { 0x119DA, 0x119E1 }, { 0x119E3, 0x119E4 }, { 0x11A00, 0x11A3E },
    { 0x11A47, 0x11A47 }, { 0x11A50, 0x11A99 }, { 0x11A9D, 0x11A9D }, { 0x11AB0, 0x11AF8 },
    { 0x11C00, 0x11C08 }, { 0x11C0A, 0x11C36 }, { 0x11C38, 0x11C40 }, { 0x11C72, 0x11C8F },
    { 0x11C92, 0x11CA7 }, { 0x11CA9, 0x11CB6 }, { 0x11D00, 0x11D06 }, { 0x11D08, 0x11D09 },
    { 0x11D0B, 0x11D36 }, { 0x11D3A, 0x11D3A }, { 0x11D3C, 0x11D3D }, { 0x11D3F, 0x11D47 },
    { 0x11D60, 0x11D65 }, { 0x11D67, 0x11D68 }, { 0x11D6A, 0x11D8E }, { 0x11D90, 0x11D91 },
    { 0x11D93, 0x11D98 }, { 0x11EE0, 0x11EF6 }, { 0x11F00, 0x11F10 }, { 0x11F12, 0x11F3A },
    { 0x11F3E, 0x11F42 }, { 0x11FB0, 0x11FB0 }, { 0x12000, 0x12399 }, { 0x12480, 0x12543 },
    { 0x12F90, 0x12FF0 }, { 0x13000, 0x1342F }, { 0x13440, 0x13455 }, { 0x14400, 0x14646 },
    { 0x16800, 0x16A38 }, { 0x16A40, 0x16A5E }, { 0x16A70, 0x16ABE }, { 0x16AD0, 0x16AED },
    { 0x16AF0, 0x16AF4 }, { 0x16B00, 0x16B36 }, { 0x16B40, 0x16B43 }, { 0x16B63, 0x16B77 },
    { 0x16B7D, 0x16B8F }, { 0x16E40, 0x16E7F }, { 0x16F00, 0x16F4A }, { 0x16F4F, 0x16F87 },
    { 0x16F8F, 0x16F9F }, { 0x16FE0, 0x16FE1 }, { 0x16FE3, 0x16FE4 }, { 0x16FF0, 0x16FF1 },
    { 0x17000, 0x187F7 }, { 0x18800, 0x18CD5 }, { 0x18D00, 0x18D08 }, { 0x1AFF0, 0x1AFF3 },
    { 0x1AFF5, 0x1AFFB }, { 0x1AFFD, 0x1AFFE }, { 0x1B000, 0x1B122 }, { 0x1B132, 0x1B132 },
    { 0x1B150, 0x1B152 }, { 0x1B155, 0x1B155 }, { 0x1B164, 0x1B167 }, { 0x1B170, 0x1B2FB },
    { 0x1BC00, 0x1BC6A }, { 0x1BC70, 0x1BC7C }, { 0x1BC80, 0x1BC88 }, { 0x1BC90, 0x1BC99 },
    { 0x1BC9D, 0x1BC9E }, { 0x1CF00, 0x1CF2D }, { 0x1CF30, 0x1CF46 }, { 0x1D165, 0x1D169 },
    { 0x1D16D, 0x1D172 }, { 0x1D17B, 0x1D182 }, { 0x1D185, 0x1D18B }, { 0x1D1AA, 0x1D1AD },
    { 0x1D242, 0x1D244 }, { 0x1DA00, 0x1DA36 }, { 0x1DA3B, 0x1DA6C }, { 0x1DA75, 0x1DA75 },
    { 0x1DA84, 0x1DA84 }, { 0x1DA9B, 0x1DA9F }, { 0x1DAA1, 0x1DAAF }, { 0x1DF00, 0x1DF1E },
    { 0x1DF25, 0x1DF2A }, { 0x1E000, 0x1E006 }, { 0x1E008, 0x1E018 }, { 0x1E01B, 0x1E021 },
    { 0x1E023, 0x1E024 }, { 0x1E026, 0x1E02A }, { 0x1E030, 0x1E06D }, { 0x1E08F, 0x1E08F },
    { 0x1E100, 0x1E12C }, { 0x1E130, 0x1E13D }, { 0x1E14E, 0x1E14E }, { 0x1E290, 0x1E2AE },
    { 0x1E2C0, 0x1E2EF }, { 0x1E4D0, 0x1E4EF }, { 0x1E7E0, 0x1E7E6 }, { 0x1E7E8, 0x1E7EB },
    { 0x1E7ED, 0x1E7EE }, { 0x1E7F0, 0x1E7FE }, { 0x1E800, 0x1E8C4 }, { 0x1E8D0, 0x1E8D6 },
    { 0x1E900, 0x1E94B }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
};

static int is_letter(apr_uint32_t cp)
{
    apr_size_t lo = 0, hi = sizeof(letters) / sizeof(letters[0]);

    while (lo < hi) {
        apr_size_t mid = lo + (hi - lo) / 2;

        if (cp < letters[mid].lo)
            hi = mid;
        else if (cp > letters[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* Separators between the parts of a name, by what they normalise to:
 * ' ' for spaces, '-' for the hyphen, '.' for the middle dot U+00B7, which
 * also stands for the look-alike dots people type for it. 0 otherwise. */
static char name_separator(apr_uint32_t cp)
{
    switch (cp) {
    case ' ':
    case 0xA0:
    case 0x3000:
        return ' ';
    case '-':
        return '-';
    case 0xB7:   /* · MIDDLE DOT, the standard separator (GB 18030 A1A4) */
    case 0x387:  /* · GREEK ANO TELEIA, canonically U+00B7 */
    case 0x2022: /* • BULLET */
    case 0x2027: /* ‧ HYPHENATION POINT */
    case 0x2219: /* ∙ BULLET OPERATOR */
    case 0x22C5: /* ⋅ DOT OPERATOR */
    case 0x30FB: /* ・ KATAKANA MIDDLE DOT */
    case 0xFF65: /* ･ HALFWIDTH KATAKANA MIDDLE DOT */
        return '.';
    default:
        return 0;
    }
}

/* Full stops typed instead of the middle dot; refused with a hint because
 * in Latin names they mark initials ("John F. Kennedy"), not a separator. */
static int is_full_stop(apr_uint32_t cp)
{
    return cp == '.' || cp == 0x3002 || cp == 0xFF0E;
}

static int is_any_digit_form(apr_uint32_t cp)
{
    return is_ascii_digit(cp) || (cp >= 0xFF10 && cp <= 0xFF19);
}

static const char name_edge_problem[] = "姓名不能以间隔号“·”或连字符“-”开头或结尾";

/* Letters in words joined by single separators; runs of spaces collapse to
 * one, spaces around a dot or hyphen are dropped, dots become U+00B7. */
static const char *name_problem(const char *v, apr_pool_t *p, const char **out)
{
    char *norm = apr_palloc(p, strlen(v) + 1), *w = norm;
    char pending = 0; /* separator seen since the last letter */
    int seen_letter = 0, n;
    apr_uint32_t cp;

    for (; *v; v += n) {
        char sep;

        n = cc_utf8_next(v, &cp);
        sep = name_separator(cp);
        if (sep) {
            if (!seen_letter)
                return name_edge_problem;
            if (sep != ' ' && pending && pending != ' ')
                return "姓名中的间隔号“·”或连字符“-”不能连续出现";
            if (sep != ' ' || !pending)
                pending = sep;
            continue;
        }
        if (is_any_digit_form(cp))
            return "姓名不能包含数字";
        if (is_full_stop(cp))
            return "姓名中的间隔号应为“·”（中文输入法下按键盘左上角的 ` 键输入），不能使用句号或英文句点";
        if (!is_letter(cp))
            return "姓名只能包含文字、间隔号“·”、空格和连字符“-”，不能包含其他符号";
        if (pending == '.') {
            memcpy(w, "\xC2\xB7", 2);
            w += 2;
        } else if (pending) {
            *w++ = pending;
        }
        pending = 0;
        memcpy(w, v, n);
        w += n;
        seen_letter = 1;
    }
    if (pending)
        return name_edge_problem;
    *w = '\0';
    *out = norm;
    return NULL;
}

/* ------------------------------------------------------------ ID numbers */

/* The GB 11643-1999 check character for the 17 digits at id. */
static char gb11643_check_char(const char *id)
{
    static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    static const char check_char[] = "10X98765432";
    int i, sum = 0;

    for (i = 0; i < 17; i++)
        sum += (id[i] - '0') * weight[i];
    return check_char[sum % 11];
}

static int is_residence_permit_prefix(const char *id)
{
    return !strncmp(id, "810000", 6) || !strncmp(id, "820000", 6) || !strncmp(id, "830000", 6);
}

/* Province-level codes of GB/T 2260 under which resident identity cards are
 * issued (71 Taiwan, 81 Hong Kong and 82 Macao have none). */
static int is_mainland_province(long code)
{
    static const struct {
        long lo, hi;
    } provinces[] = {
        { 11, 15 }, { 21, 23 }, { 31, 37 }, { 41, 46 }, { 50, 54 }, { 61, 65 },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++)
        if (code >= provinces[i].lo && code <= provinces[i].hi)
            return 1;
    return 0;
}

static const char *resident_card_region_problem(const char *id)
{
    if (is_residence_permit_prefix(id))
        return "该号码是港澳台居民居住证号码，请将证件类型选为“港澳台居民居住证”";
    if (!is_mainland_province(digits_value(id, 2)))
        return "居民身份证号码前两位不是有效的省级行政区划代码";
    return NULL;
}

static const char *residence_permit_region_problem(const char *id)
{
    if (!is_residence_permit_prefix(id))
        return "港澳台居民居住证号码应以810000（香港）、820000（澳门）或830000（台湾）开头";
    return NULL;
}

/* A GB 11643-1999 number: 18 characters, region (checked by region_problem),
 * birth date, check character; the birth date must equal birth_date when
 * that is not empty. label names the document in the messages. */
static const char *gb11643_problem(const char *id, const char *birth_date, const char *label,
                                   const char *(*region_problem)(const char *), apr_pool_t *p)
{
    apr_size_t len = strlen(id);
    const char *problem;
    long y, m, d;

    if (len == 15 && all_digits(id, 15))
        return apr_pstrcat(p, label, "应为18位，15位的旧号码已停止使用", NULL);
    if (len != 18)
        return apr_pstrcat(p, label, "应为18位", NULL);
    if (!all_digits(id, 17) || !(is_ascii_digit((unsigned char)id[17]) || id[17] == 'X' || id[17] == 'x'))
        return apr_pstrcat(p, label, "前17位应为数字，最后一位为数字或字母X", NULL);
    if ((problem = region_problem(id)))
        return problem;
    y = digits_value(id + 6, 4);
    m = digits_value(id + 10, 2);
    d = digits_value(id + 12, 2);
    problem =
        date_problem(y, m, d, today_key(NULL), apr_pstrcat(p, label, "中的出生日期（第7至14位）", NULL), p);
    if (problem)
        return problem;
    if (apr_toupper(id[17]) != gb11643_check_char(id))
        return apr_pstrcat(p, label, "校验位（最后一位）不正确，请核对号码", NULL);
    if (*birth_date && strcmp(birth_date, apr_psprintf(p, "%04ld-%02ld-%02ld", y, m, d)))
        return apr_pstrcat(p, label, "中的出生日期与填写的出生日期不一致", NULL);
    return NULL;
}

static const char *resident_card_problem(const char *id, const char *birth_date, apr_pool_t *p)
{
    return gb11643_problem(id, birth_date, "居民身份证号码", resident_card_region_problem, p);
}

static const char *residence_permit_problem(const char *id, const char *birth_date, apr_pool_t *p)
{
    return gb11643_problem(id, birth_date, "港澳台居民居住证号码", residence_permit_region_problem, p);
}

/* Chinese passports are E + 8 digits, E + letter + 7 digits or G + 8
 * digits, but members may hold foreign passports: any 5-17 letters/digits. */
static const char *passport_problem(const char *id, const char *birth_date, apr_pool_t *p)
{
    return is_alnum_run(id, 5, 17) ? NULL : "护照号码应为5至17位字母或数字";
}

/* H (Hong Kong) or M (Macao) + 8 digits; + 10 digits on the older booklets,
 * whose last two digits count the re-issues. */
static const char *hk_macao_permit_problem(const char *id, const char *birth_date, apr_pool_t *p)
{
    apr_size_t len = strlen(id);
    char region = (char)apr_toupper(id[0]);

    if ((region == 'H' || region == 'M') && (len == 9 || len == 11) && all_digits(id + 1, len - 1))
        return NULL;
    return "港澳居民来往内地通行证号码应为H（香港）或M（澳门）加8位数字，旧版证件为H或M加10位数字";
}

/* 8 digits: the lifelong number kept since 2008. The older 10-digit numbers
 * (lifelong number + issue count, sometimes + issuer code) expired by 2013;
 * their first 8 digits are the lifelong number. */
static const char *taiwan_permit_problem(const char *id, const char *birth_date, apr_pool_t *p)
{
    if (strlen(id) == 8 && all_digits(id, 8))
        return NULL;
    return "台湾居民来往大陆通行证号码应为8位数字（旧版证件请填写号码的前8位）";
}

typedef const char *(*id_problem_fn)(const char *id, const char *birth_date, apr_pool_t *p);

static const struct id_type {
    const char *name;
    id_problem_fn problem;
} id_types[] = {
    { MAINLAND_ID, resident_card_problem },
    { "护照", passport_problem },
    { "港澳居民来往内地通行证", hk_macao_permit_problem },
    { "台湾居民来往大陆通行证", taiwan_permit_problem },
    { "港澳台居民居住证", residence_permit_problem },
};

#define ID_TYPE_COUNT (sizeof(id_types) / sizeof(id_types[0]))

static const struct id_type *find_id_type(const char *name)
{
    apr_size_t i;

    for (i = 0; name && i < ID_TYPE_COUNT; i++)
        if (!strcmp(name, id_types[i].name))
            return &id_types[i];
    return NULL;
}

static const char *invalid_id_type_message(apr_pool_t *p)
{
    const char *names = id_types[0].name;
    apr_size_t i;

    for (i = 1; i < ID_TYPE_COUNT; i++)
        names = apr_pstrcat(p, names, "、", id_types[i].name, NULL);
    return apr_pstrcat(p, "证件类型应为以下之一：", names, NULL);
}

int cc_id_type_valid(const char *type)
{
    return find_id_type(type) != NULL;
}

int cc_id_type_is_mainland(const char *type)
{
    return type && !strcmp(type, MAINLAND_ID);
}

const char *cc_id_number_check(const char *type, const char *number, const char *birth_date, apr_pool_t *p)
{
    const struct id_type *t = find_id_type(type);

    if (!t)
        return invalid_id_type_message(p);
    if (!number || !*number)
        return "请填写证件号码";
    return t->problem(number, birth_date ? birth_date : "", p);
}

/* ------------------------------------------------------------ field kinds */

struct field_ctx {
    const char *options; /* '|'-separated, for choice */
    const char *today;   /* YYYY-MM-DD, for date */
    apr_pool_t *p;
};

/* Checks the trimmed, non-empty value v; NULL and *out set when valid. */
typedef const char *(*kind_check_fn)(const char *v, const struct field_ctx *ctx, const char **out);

static const char *check_text(const char *v, const struct field_ctx *ctx, const char **out)
{
    *out = v;
    return NULL;
}

static const char *check_name(const char *v, const struct field_ctx *ctx, const char **out)
{
    return name_problem(v, ctx->p, out);
}

static const char *check_date(const char *v, const struct field_ctx *ctx, const char **out)
{
    const char *problem;
    long y, m, d;

    if (!parse_iso_date(v, &y, &m, &d))
        return "日期格式不正确，应为“年-月-日”，例如 1990-03-07";
    problem = date_problem(y, m, d, today_key(ctx->today), "日期", ctx->p);
    if (!problem)
        *out = v;
    return problem;
}

/* Spaces and hyphens are dropped, then a +86, 0086 or 86 country code. */
static const char *check_mobile(const char *v, const struct field_ctx *ctx, const char **out)
{
    const char *number = without_chars(v, " -", ctx->p);

    if (!strncmp(number, "+86", 3))
        number += 3;
    else if (!strncmp(number, "0086", 4))
        number += 4;
    else if (strlen(number) == 13 && !strncmp(number, "86", 2))
        number += 2;
    if (strlen(number) != 11 || number[0] != '1' || number[1] < '3' || number[1] > '9'
        || !all_digits(number, 11))
        return "手机号码格式不正确，应为11位中国大陆手机号";
    *out = number;
    return NULL;
}

/* One dot-atom part of a local part: RFC 5322 atext. */
static int is_atext_part(const char *s, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i < n; i++)
        if (!is_ascii_alnum((unsigned char)s[i]) && !strchr("!#$%&'*+/=?^_`{|}~-", s[i]))
            return 0;
    return n > 0;
}

/* A DNS label: 1-63 letters, digits and inner hyphens. */
static int is_dns_label(const char *s, apr_size_t n)
{
    apr_size_t i;

    if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (i = 0; i < n; i++)
        if (!is_ascii_alnum((unsigned char)s[i]) && s[i] != '-')
            return 0;
    return 1;
}

/* A top-level domain: 2+ letters, or an IDN one in punycode (xn--). */
static int is_tld(const char *s, apr_size_t n)
{
    apr_size_t i;

    if (!is_dns_label(s, n) || n < 2)
        return 0;
    if (!strncasecmp(s, "xn--", 4))
        return 1;
    for (i = 0; i < n; i++)
        if (is_ascii_digit((unsigned char)s[i]) || s[i] == '-')
            return 0;
    return 1;
}

/* True when every '.'-separated part of the n bytes at s passes part_ok;
 * *parts is their number. */
static int dot_parts_ok(const char *s, apr_size_t n, int (*part_ok)(const char *, apr_size_t), int *parts)
{
    apr_size_t start = 0, i;

    *parts = 0;
    for (i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        if (!part_ok(s + start, i - start))
            return 0;
        ++*parts;
        start = i + 1;
    }
    return 1;
}

/* local@domain.tld with a dot-atom local part (no quoted forms) and an
 * ASCII domain of two or more labels. */
static int is_email(const char *v)
{
    const char *at = strchr(v, '@'), *domain, *tld;
    int parts;

    if (!at || strlen(v) > 254 || at - v > 64)
        return 0;
    domain = at + 1;
    tld = strrchr(domain, '.');
    return tld && dot_parts_ok(v, at - v, is_atext_part, &parts)
           && dot_parts_ok(domain, strlen(domain), is_dns_label, &parts) && is_tld(tld + 1, strlen(tld + 1));
}

/* The domain is lower-cased; the local part is kept as typed. */
static const char *check_email(const char *v, const struct field_ctx *ctx, const char **out)
{
    const char *domain;

    if (!is_email(v))
        return "电子邮箱格式不正确，应类似 name@example.com";
    domain = strchr(v, '@') + 1;
    *out = apr_pstrcat(ctx->p, apr_pstrmemdup(ctx->p, v, domain - v), ascii_case(domain, 0, ctx->p), NULL);
    return NULL;
}

static const char *check_postcode(const char *v, const struct field_ctx *ctx, const char **out)
{
    if (strlen(v) != 6 || !all_digits(v, 6))
        return "邮政编码应为6位数字";
    *out = v;
    return NULL;
}

/* The options separated by "、" instead of '|', for messages. */
static const char *options_list(const char *options, apr_pool_t *p)
{
    char *out = apr_palloc(p, 3 * strlen(options) + 1), *w = out;

    for (; *options; options++) {
        if (*options == '|') {
            memcpy(w, "、", 3);
            w += 3;
        } else {
            *w++ = *options;
        }
    }
    *w = '\0';
    return out;
}

static const char *check_choice(const char *v, const struct field_ctx *ctx, const char **out)
{
    const char *option = ctx->options;
    apr_size_t len = strlen(v);

    if (!option || !*option)
        return "该项没有可选的选项，请联系管理员";
    for (;;) {
        const char *bar = strchr(option, '|');
        apr_size_t option_len = bar ? (apr_size_t)(bar - option) : strlen(option);

        if (option_len == len && !memcmp(option, v, len)) {
            *out = v;
            return NULL;
        }
        if (!bar)
            break;
        option = bar + 1;
    }
    return apr_pstrcat(ctx->p, "请从以下选项中选择：", options_list(ctx->options, ctx->p), NULL);
}

static const char *check_id_type(const char *v, const struct field_ctx *ctx, const char **out)
{
    if (!cc_id_type_valid(v))
        return invalid_id_type_message(ctx->p);
    *out = v;
    return NULL;
}

/* Only the shape common to all document types (the type is another field):
 * spaces dropped, letters upper-cased (x -> X), 5-18 letters and digits.
 * The caller then applies cc_id_number_check with the type. */
static const char *check_id_number(const char *v, const struct field_ctx *ctx, const char **out)
{
    char *number = ascii_case(without_chars(v, " ", ctx->p), 1, ctx->p);

    if (!is_alnum_run(number, 5, 18))
        return "证件号码应为5至18位字母或数字";
    *out = number;
    return NULL;
}

static const struct field_kind {
    const char *name;
    kind_check_fn check;
    int ascii_only; /* full-width input gets a hint to switch input mode */
} field_kinds[] = {
    { "text", check_text, 0 },       { "name", check_name, 0 },           { "date", check_date, 1 },
    { "mobile", check_mobile, 1 },   { "email", check_email, 1 },         { "postcode", check_postcode, 1 },
    { "id_type", check_id_type, 0 }, { "id_number", check_id_number, 1 }, { "choice", check_choice, 0 },
};

static const struct field_kind *find_field_kind(const char *name)
{
    apr_size_t i;

    for (i = 0; name && i < sizeof(field_kinds) / sizeof(field_kinds[0]); i++)
        if (!strcmp(name, field_kinds[i].name))
            return &field_kinds[i];
    return NULL;
}

const char *cc_field_check(const char *kind, const char *value, int max_chars, const char *options,
                           const char *today, apr_pool_t *p, const char **normalised)
{
    const struct field_kind *fk = find_field_kind(kind);
    const struct field_ctx ctx = { options, today, p };
    const char *trimmed, *checked, *problem;
    long chars;

    *normalised = NULL;
    if (!fk)
        return "该项的校验规则配置有误，请联系管理员";
    problem = trim_and_clean(value ? value : "", p, &trimmed);
    if (problem)
        return problem;
    if (!*trimmed) {
        *normalised = trimmed;
        return NULL;
    }
    if (fk->ascii_only && has_fullwidth_ascii(trimmed))
        return "请切换到英文输入法，用半角数字、字母和符号填写";
    problem = fk->check(trimmed, &ctx, &checked);
    if (problem)
        return problem;
    chars = cc_utf8_chars(checked);
    if (max_chars > 0 && chars > max_chars)
        return apr_psprintf(p, "长度不能超过%d个字符（当前%ld个）", max_chars, chars);
    *normalised = checked;
    return NULL;
}
