/* cc_multipart_parse on bodies shaped like those of Chromium and
 * wx.uploadFile, and on broken or hostile ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cc_unit.h"

#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cc_multipart.h"

#define BODY_CAPACITY (64 * 1024)

/* A body built piece by piece; binary pieces may hold NUL bytes. */
typedef struct body {
    unsigned char *data;
    size_t len;
} body;

static body new_body(void)
{
    body b = { apr_palloc(pool, BODY_CAPACITY), 0 };
    return b;
}

static void append(body *b, const void *data, size_t len)
{
    assert_true(b->len + len <= BODY_CAPACITY);
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void append_str(body *b, const char *s)
{
    append(b, s, strlen(s));
}

/* A JPEG-like payload with the byte sequences a careless parser trips on:
 * NUL, CR LF, "--", CR LF "--", and the boundary without its last character
 * right after CR LF "--". */
static const unsigned char binary[] = "\xFF\xD8\xFF\xE0\0\x10JFIF\0\r\n--\r\n\r\n--\x00--"
                                      "\r\n--Boundary4xyz\r\n\xFF\xD9\r";
#define BINARY_LEN (sizeof binary - 1)

typedef struct parsed {
    apr_status_t status;
    apr_array_header_t *parts;
    const char *err;
} parsed;

static parsed parse(const char *content_type, body b)
{
    parsed result;

    result.status = cc_multipart_parse(content_type, b.data, b.len, pool, &result.parts, &result.err);
    return result;
}

static parsed parse_str(const char *content_type, const char *text)
{
    body b = new_body();

    append_str(&b, text);
    return parse(content_type, b);
}

static const cc_multipart_part *part_at(parsed r, int i)
{
    assert_int_equal(r.status, APR_SUCCESS);
    assert_true(i < r.parts->nelts);
    return &APR_ARRAY_IDX(r.parts, i, cc_multipart_part);
}

static int part_count(parsed r)
{
    assert_int_equal(r.status, APR_SUCCESS);
    return r.parts->nelts;
}

static void assert_refused(parsed r, const char *err)
{
    assert_int_equal(r.status, APR_EGENERAL);
    assert_null(r.parts);
    assert_string_equal(r.err, err);
}

static void assert_data(const cc_multipart_part *part, const void *data, size_t len)
{
    assert_int_equal(part->len, len);
    assert_memory_equal(part->data, data, len);
}

/* ---- real clients */

#define CHROMIUM_BOUNDARY "----WebKitFormBoundaryq5N5d0a8RX2zQ8bA"

static void test_chromium_body(void **state)
{
    body b = new_body();
    parsed r;

    append_str(&b, "--" CHROMIUM_BOUNDARY "\r\n"
                   "Content-Disposition: form-data; name=\"member_no\"\r\n\r\n"
                   "110000000001\r\n"
                   "--" CHROMIUM_BOUNDARY "\r\n"
                   "Content-Disposition: form-data; name=\"photo\"; filename=\"证件照.jpg\"\r\n"
                   "Content-Type: image/jpeg\r\n\r\n");
    append(&b, binary, BINARY_LEN);
    append_str(&b, "\r\n--" CHROMIUM_BOUNDARY "--\r\n");
    r = parse("multipart/form-data; boundary=" CHROMIUM_BOUNDARY, b);
    assert_int_equal(part_count(r), 2);
    assert_string_equal(part_at(r, 0)->name, "member_no");
    assert_null(part_at(r, 0)->filename);
    assert_null(part_at(r, 0)->content_type);
    assert_data(part_at(r, 0), "110000000001", 12);
    assert_string_equal(part_at(r, 1)->name, "photo");
    assert_string_equal(part_at(r, 1)->filename, "证件照.jpg");
    assert_string_equal(part_at(r, 1)->content_type, "image/jpeg");
    assert_data(part_at(r, 1), binary, BINARY_LEN);
    assert_true(part_at(r, 1)->data > b.data && part_at(r, 1)->data < b.data + b.len);
}

/* wx.uploadFile: the formData fields first, then the file under the given
 * name with a temporary file name. */
static void test_wx_upload_file_body(void **state)
{
    body b = new_body();
    const cc_multipart_part *photo;
    parsed r;

    append_str(&b, "--Boundary4xyzA\r\n"
                   "Content-Disposition: form-data; name=\"member_no\"\r\n\r\n"
                   "110000000003\r\n"
                   "--Boundary4xyzA\r\n"
                   "Content-Disposition: form-data; name=\"consent\"\r\n\r\n"
                   "1\r\n"
                   "--Boundary4xyzA\r\n"
                   "Content-Disposition: form-data; name=\"photo\"; "
                   "filename=\"tmp_8c3f4a0b1e2d.jpg\"\r\n"
                   "Content-Type: image/jpeg\r\n\r\n");
    append(&b, binary, BINARY_LEN);
    append_str(&b, "\r\n--Boundary4xyzA--\r\n");
    r = parse("multipart/form-data; boundary=Boundary4xyzA", b);
    assert_int_equal(part_count(r), 3);
    photo = cc_multipart_find(r.parts, "photo");
    assert_non_null(photo);
    assert_string_equal(photo->filename, "tmp_8c3f4a0b1e2d.jpg");
    assert_data(photo, binary, BINARY_LEN);
    assert_data(cc_multipart_find(r.parts, "consent"), "1", 1);
}

/* ---- boundaries and framing */

static void test_quoted_boundary_preamble_epilogue_padding(void **state)
{
    parsed r = parse_str("Multipart/Form-Data; charset=utf-8; boundary=\"simple boundary\"",
                         "This is the preamble.\r\n"
                         "--simple boundary \t\r\n"
                         "content-disposition: FORM-DATA; NAME=note\r\n"
                         "X-Ignored: yes\r\n\r\n"
                         "line one\r\nline two\r\n"
                         "--simple boundary--\r\nThis is the epilogue.\r\n--simple boundary\r\n");

    assert_int_equal(part_count(r), 1);
    assert_string_equal(part_at(r, 0)->name, "note");
    assert_data(part_at(r, 0), "line one\r\nline two", 18);
}

static void test_boundary_length_limit(void **state)
{
    char boundary[CC_MULTIPART_MAX_BOUNDARY + 2];
    const char *content_type, *text;

    memset(boundary, 'b', sizeof boundary - 1);
    boundary[sizeof boundary - 1] = '\0';
    content_type = apr_pstrcat(pool, "multipart/form-data; boundary=", boundary, NULL);
    assert_refused(parse_str(content_type, ""), "invalid boundary");
    boundary[CC_MULTIPART_MAX_BOUNDARY] = '\0';
    content_type = apr_pstrcat(pool, "multipart/form-data; boundary=", boundary, NULL);
    text = apr_pstrcat(pool, "--", boundary,
                       "\r\nContent-Disposition: form-data; name=a\r\n\r\n"
                       "x\r\n--",
                       boundary, "--", NULL);
    assert_int_equal(part_count(parse_str(content_type, text)), 1);
}

static void test_bad_content_types(void **state)
{
    assert_refused(parse_str(NULL, ""), "Content-Type is not multipart/form-data");
    assert_refused(parse_str("multipart/mixed; boundary=x", ""), "Content-Type is not multipart/form-data");
    assert_refused(parse_str("multipart/form-data", ""), "Content-Type has no boundary");
    assert_refused(parse_str("multipart/form-data; boundary=\"x", ""), "malformed Content-Type parameters");
    assert_refused(parse_str("multipart/form-data; boundary=\"a\rb\"", ""), "invalid boundary");
    assert_refused(parse_str("multipart/form-data; boundary=\"\"", ""), "invalid boundary");
}

static void test_missing_closing_boundary(void **state)
{
    const char *ct = "multipart/form-data; boundary=XyZ";

    assert_refused(parse_str(ct, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
                                 "data without an end"),
                   "missing closing boundary");
    assert_refused(parse_str(ct, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
                                 "data\r\n--XyZ"),
                   "malformed boundary line");
    assert_refused(parse_str(ct, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
                                 "data\r\n--XyZ-"),
                   "malformed boundary line");
}

static void test_boundary_not_in_body(void **state)
{
    const char *ct = "multipart/form-data; boundary=XyZ";

    assert_refused(parse_str(ct, "--Other\r\nContent-Disposition: form-data; name=a\r\n\r\n"
                                 "x\r\n--Other--\r\n"),
                   "boundary not found in body");
    assert_refused(parse_str(ct, ""), "boundary not found in body");
    assert_refused(parse_str(ct, "--Xy"), "boundary not found in body");
}

/* Bare LF line endings are not taken for CRLF. */
static void test_bare_lf_is_refused(void **state)
{
    const char *ct = "multipart/form-data; boundary=XyZ";

    assert_refused(parse_str(ct, "--XyZ\nContent-Disposition: form-data; name=a\n\nx\n--XyZ--\n"),
                   "malformed boundary line");
    assert_refused(parse_str(ct, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
                                 "Content-Type: text/plain\nX-Other: 1\r\n\r\n"
                                 "x\r\n--XyZ--\r\n"),
                   "control character in part header");
}

/* ---- part headers */

static void test_header_block_limit(void **state)
{
    const char *disposition = "Content-Disposition: form-data; name=\"a\"\r\n";
    size_t pad = CC_MULTIPART_MAX_HEADER_BYTES - strlen(disposition) - strlen("X-Pad: \r\n");
    char *value = apr_palloc(pool, pad + 2);
    body b;

    memset(value, 'p', pad + 1);
    value[pad] = '\0'; /* block exactly at the limit */
    b = new_body();
    append_str(&b,
               apr_pstrcat(pool, "--XyZ\r\n", disposition, "X-Pad: ", value, "\r\n\r\nx\r\n--XyZ--", NULL));
    assert_int_equal(parse("multipart/form-data; boundary=XyZ", b).status, APR_SUCCESS);
    value[pad] = 'p'; /* one byte over */
    value[pad + 1] = '\0';
    b = new_body();
    append_str(&b,
               apr_pstrcat(pool, "--XyZ\r\n", disposition, "X-Pad: ", value, "\r\n\r\nx\r\n--XyZ--", NULL));
    assert_refused(parse("multipart/form-data; boundary=XyZ", b), "part headers too long");
}

static void test_unterminated_headers(void **state)
{
    assert_refused(
        parse_str("multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"),
        "part headers not terminated");
}

static void test_part_without_disposition(void **state)
{
    const char *ct = "multipart/form-data; boundary=XyZ";

    assert_refused(parse_str(ct, "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--"),
                   "part without Content-Disposition name");
    assert_refused(parse_str(ct, "--XyZ\r\n\r\nno headers at all\r\n--XyZ--"),
                   "part without Content-Disposition name");
    assert_refused(parse_str(ct, "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n"
                                 "x\r\n--XyZ--"),
                   "Content-Disposition is not form-data");
    assert_refused(parse_str(ct, "--XyZ\r\nContent-Disposition: form-data; name\r\n\r\n"
                                 "x\r\n--XyZ--"),
                   "malformed Content-Disposition");
    assert_refused(parse_str(ct, "--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--"), "malformed part header");
}

static void test_filename_parameters(void **state)
{
    const char *ct = "multipart/form-data; boundary=XyZ";
    parsed r = parse_str(ct, "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; "
                             "filename=\"fallback.jpg\"; filename*=UTF-8''%E8%AF%81%E4%BB%B6.jpg\r\n\r\n"
                             "x\r\n"
                             "--XyZ\r\nContent-Disposition: form-data; name=\"win\"; "
                             "filename=\"C:\\photos\\me.jpg\"; filename*=GBK''%D6%A4.jpg\r\n\r\n"
                             "\r\n--XyZ--");

    assert_string_equal(part_at(r, 0)->filename, "证件.jpg");
    assert_string_equal(part_at(r, 1)->filename, "C:\\photos\\me.jpg");
    assert_int_equal(part_at(r, 1)->len, 0);
}

/* ---- limits and lookup */

static body parts_body(int count)
{
    body b = new_body();

    for (int i = 0; i < count; i++)
        append_str(&b, apr_psprintf(pool,
                                    "--XyZ\r\nContent-Disposition: form-data; "
                                    "name=\"f%d\"\r\n\r\n%d\r\n",
                                    i, i));
    append_str(&b, "--XyZ--\r\n");
    return b;
}

static void test_part_count_limit(void **state)
{
    parsed r = parse("multipart/form-data; boundary=XyZ", parts_body(CC_MULTIPART_MAX_PARTS));

    assert_int_equal(part_count(r), CC_MULTIPART_MAX_PARTS);
    assert_refused(parse("multipart/form-data; boundary=XyZ", parts_body(CC_MULTIPART_MAX_PARTS + 1)),
                   "too many parts");
}

static void test_find_by_name(void **state)
{
    parsed r = parse_str("multipart/form-data; boundary=XyZ",
                         "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nfirst\r\n"
                         "--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\nbee\r\n"
                         "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nsecond\r\n"
                         "--XyZ--");

    assert_data(cc_multipart_find(r.parts, "a"), "first", 5);
    assert_data(cc_multipart_find(r.parts, "b"), "bee", 3);
    assert_null(cc_multipart_find(r.parts, "photo"));
    assert_null(cc_multipart_find(r.parts, "A"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_chromium_body, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_wx_upload_file_body, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_quoted_boundary_preamble_epilogue_padding, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_boundary_length_limit, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_bad_content_types, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_missing_closing_boundary, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_boundary_not_in_body, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_bare_lf_is_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_header_block_limit, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_unterminated_headers, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_part_without_disposition, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_filename_parameters, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_part_count_limit, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_find_by_name, cc_unit_clear_pool),
    };

    return CC_UNIT_RUN(tests);
}
