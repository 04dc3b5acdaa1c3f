/* Unit tests for cc_csv: the members import's parser and the export's quoting. */
#include "cc_unit.h"

#include <string.h>

#include "cc_csv.h"

static apr_array_header_t *parse_ok(const char *text)
{
    apr_array_header_t *records;
    const char *err = NULL;
    assert_int_equal(cc_csv_parse(text, strlen(text), pool, &records, &err), APR_SUCCESS);
    return records;
}

static const cc_csv_record *record(apr_array_header_t *records, int i)
{
    return APR_ARRAY_IDX(records, i, const cc_csv_record *);
}

static const char *field(apr_array_header_t *records, int i, int f)
{
    return APR_ARRAY_IDX(record(records, i)->fields, f, const char *);
}

static void test_plain_fields_with_lf_and_crlf(void **state)
{
    apr_array_header_t *r = parse_ok("member_no,name\r\n1,张三\n2,\n");
    assert_int_equal(r->nelts, 3);
    assert_string_equal(field(r, 1, 1), "张三");
    assert_int_equal(record(r, 2)->fields->nelts, 2);
    assert_string_equal(field(r, 2, 1), "");
    assert_int_equal(record(r, 2)->line, 3);
}

static void test_quotes_commas_and_line_breaks_inside_quotes(void **state)
{
    apr_array_header_t *r = parse_ok("a,b\n\"x, \"\"y\"\"\",\"two\nlines\"\n3,4");
    assert_int_equal(r->nelts, 3);
    assert_string_equal(field(r, 1, 0), "x, \"y\"");
    assert_string_equal(field(r, 1, 1), "two\nlines");
    assert_int_equal(record(r, 2)->line, 4); /* the quoted line break counts */
    assert_string_equal(field(r, 2, 1), "4");
}

static void test_bom_is_dropped_and_blank_lines_skipped(void **state)
{
    apr_array_header_t *r = parse_ok("\xEF\xBB\xBFmember_no\n\n\r\n42\n");
    assert_int_equal(r->nelts, 2);
    assert_string_equal(field(r, 0, 0), "member_no");
    assert_int_equal(record(r, 1)->line, 4);
}

static void test_empty_quoted_field_and_trailing_comma(void **state)
{
    apr_array_header_t *r = parse_ok("\"\",x,\n");
    assert_int_equal(record(r, 0)->fields->nelts, 3);
    assert_string_equal(field(r, 0, 0), "");
    assert_string_equal(field(r, 0, 2), "");
}

static void expect_error(const char *text, const char *message)
{
    apr_array_header_t *records;
    const char *err = NULL;
    assert_int_equal(cc_csv_parse(text, strlen(text), pool, &records, &err), APR_EGENERAL);
    assert_non_null(strstr(err, message));
}

static void test_malformed_quotes_name_their_line(void **state)
{
    expect_error("a\n\"open\nstill open", "line 2: quoted field never closed");
    expect_error("a\n\"x\"y,1", "line 2: text after a closing quote");
    expect_error("a\nb\nx\"y", "line 3: quote inside an unquoted field");
}

static void test_fields_are_quoted_only_when_needed(void **state)
{
    assert_string_equal(cc_csv_field("plain", pool), "plain");
    assert_string_equal(cc_csv_field("{\"a\":1,\"b\":2}", pool), "\"{\"\"a\"\":1,\"\"b\"\":2}\"");
    assert_string_equal(cc_csv_field("two\nlines", pool), "\"two\nlines\"");
    apr_array_header_t *r = parse_ok(cc_csv_field("x, \"y\"\r\n", pool));
    assert_string_equal(field(r, 0, 0), "x, \"y\"\r\n");
}

/* OWASP's formula injection: a cell a spreadsheet would run as a formula
 * starts with a single quote; text that only holds such characters later
 * stays as it is. */
static void test_formula_cells_are_neutralised(void **state)
{
    assert_string_equal(cc_csv_field("=HYPERLINK(\"http://evil.example\",\"x\")", pool),
                        "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"");
    assert_string_equal(cc_csv_field("@SUM(1+1)*cmd|' /C calc'!A0", pool), "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert_string_equal(cc_csv_field("+1", pool), "'+1");
    assert_string_equal(cc_csv_field("-2+3", pool), "'-2+3");
    assert_string_equal(cc_csv_field("\tx", pool), "'\tx");
    assert_string_equal(cc_csv_field("\r=1", pool), "\"'\r=1\"");
    assert_string_equal(cc_csv_field("a=1+2-3@x", pool), "a=1+2-3@x");
    assert_string_equal(cc_csv_field("", pool), "");
    apr_array_header_t *r = parse_ok(cc_csv_field("=1,2", pool));
    assert_string_equal(field(r, 0, 0), "'=1,2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_fields_with_lf_and_crlf),
        cmocka_unit_test(test_quotes_commas_and_line_breaks_inside_quotes),
        cmocka_unit_test(test_bom_is_dropped_and_blank_lines_skipped),
        cmocka_unit_test(test_empty_quoted_field_and_trailing_comma),
        cmocka_unit_test(test_malformed_quotes_name_their_line),
        cmocka_unit_test(test_fields_are_quoted_only_when_needed),
        cmocka_unit_test(test_formula_cells_are_neutralised),
    };
    return CC_UNIT_RUN(tests);
}
