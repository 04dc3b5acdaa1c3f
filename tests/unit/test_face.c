/* Unit tests of the FaceVerifier protocol (cc_face_protocol) and the
 * reference provider's similarity measure (cc_photo_compare). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cc_unit.h"
#include <apr_general.h>
#include <apr_strings.h>

#include "cc_face_protocol.h"
#include "cc_photo_compare.h"

static void request_round_trips(void **state)
{
    static const unsigned char jpeg[] = { 0xff, 0xd8, 0x00, 0x10, 0xff, 0xd9 };
    cc_face_request req = { "rid-1", "李晓雯", "110105198512120022", jpeg, sizeof(jpeg) }, back;
    const char *err = NULL;
    const char *json = cc_face_request_json(&req, pool);
    assert_int_equal(cc_face_request_parse(json, strlen(json), pool, &back, &err), APR_SUCCESS);
    assert_string_equal(back.request_id, "rid-1");
    assert_string_equal(back.name, "李晓雯");
    assert_string_equal(back.id_number, "110105198512120022");
    assert_int_equal(back.photo_len, sizeof(jpeg));
    assert_memory_equal(back.photo, jpeg, sizeof(jpeg));
}

static void response_round_trips(void **state)
{
    cc_face_response resp = { "rid-2", CC_FACE_NO_MATCH, 36 }, back;
    const char *err = NULL;
    const char *json = cc_face_response_json(&resp, pool);
    assert_int_equal(cc_face_response_parse(json, strlen(json), pool, &back, &err), APR_SUCCESS);
    assert_string_equal(back.request_id, "rid-2");
    assert_int_equal(back.result, CC_FACE_NO_MATCH);
    assert_int_equal(back.score, 36);
}

static void bad_responses_are_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "null",
        "[]",
        "<html>",
        "{\"result\":\"match\",\"score\":90}",
        "{\"request_id\":\"r\",\"result\":\"maybe\",\"score\":90}",
        "{\"request_id\":\"r\",\"result\":\"match\"}",
        "{\"request_id\":\"r\",\"result\":\"match\",\"score\":101}",
        "{\"request_id\":\"r\",\"result\":\"match\",\"score\":\"90\"}",
        "{\"request_id\":\"r\",\"request_id\":\"s\",\"result\":\"match\",\"score\":9}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cc_face_response out;
        const char *err = NULL;
        assert_int_equal(cc_face_response_parse(bad[i], strlen(bad[i]), pool, &out, &err), APR_EGENERAL);
        assert_non_null(err);
    }
}

static void non_definitive_results_need_no_score(void **state)
{
    const char *json = "{\"request_id\":\"r\",\"result\":\"service_error\"}";
    cc_face_response out;
    const char *err = NULL;
    assert_int_equal(cc_face_response_parse(json, strlen(json), pool, &out, &err), APR_SUCCESS);
    assert_false(cc_face_result_is_definitive(out.result));
    assert_true(cc_face_result_is_definitive(CC_FACE_MATCH));
    assert_true(cc_face_result_is_definitive(CC_FACE_NO_MATCH));
    assert_false(cc_face_result_is_definitive(CC_FACE_NOT_FOUND));
}

static void signatures_are_checked(void **state)
{
    const char *body = "{\"x\":1}";
    apr_time_t now = apr_time_from_sec(1800000000);
    const char *sig = cc_face_signature("k-0123456789abcdef", "1800000000", body, strlen(body), pool);
    assert_int_equal(strlen(sig), 64);
    assert_true(
        cc_face_signature_ok("k-0123456789abcdef", "1800000000", sig, body, strlen(body), now, 300, pool));
    assert_false(
        cc_face_signature_ok("k-0123456789abcdeX", "1800000000", sig, body, strlen(body), now, 300, pool));
    assert_false(
        cc_face_signature_ok("k-0123456789abcdef", "1800000000", sig, "{\"x\":2}", 7, now, 300, pool));
    assert_false(cc_face_signature_ok("k-0123456789abcdef", "1800000000", sig, body, strlen(body),
                                      now + apr_time_from_sec(301), 300, pool));
    assert_false(cc_face_signature_ok("k-0123456789abcdef", "18e8", sig, body, strlen(body), now, 300, pool));
    assert_false(cc_face_signature_ok("k-0123456789abcdef", NULL, sig, body, strlen(body), now, 300, pool));
}

static unsigned char *demo_photo(const char *name, apr_size_t *len)
{
    const char *path = apr_pstrcat(pool, CC_SRCDIR, "/sql/demo/photos/", name, NULL);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *data = apr_palloc(pool, 65536);
    *len = fread(data, 1, 65536, f);
    fclose(f);
    return data;
}

static int similarity(const char *a, const char *b)
{
    apr_size_t alen, blen;
    unsigned char *x = demo_photo(a, &alen), *y = demo_photo(b, &blen);
    cc_photo_similarity sim;
    assert_int_equal(cc_photo_compare(x, alen, y, blen, pool, &sim), APR_SUCCESS);
    assert_false(sim.uniform);
    return sim.score;
}

static void the_same_photograph_scores_high_and_others_low(void **state)
{
    const char *ref = "110000000002-reference.jpg";
    assert_int_equal(similarity(ref, ref), 100);
    assert_true(similarity("110000000002-upload-match.jpg", ref) >= 80);
    assert_true(similarity("110000000002-upload-nomatch.jpg", ref) < 80);
    assert_true(similarity("110000000001.jpg", ref) < 80);
    assert_true(similarity("110000000003.jpg", ref) < 80);
}

static void undecodable_photos_are_refused(void **state)
{
    apr_size_t len;
    unsigned char *ref = demo_photo("110000000002-reference.jpg", &len);
    cc_photo_similarity sim;
    assert_int_equal(cc_photo_compare((const unsigned char *)"GIF89a", 6, ref, len, pool, &sim),
                     APR_EGENERAL);
    assert_int_equal(cc_photo_compare(ref, len / 3, ref, len, pool, &sim), APR_EGENERAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_round_trips),
        cmocka_unit_test(response_round_trips),
        cmocka_unit_test(bad_responses_are_refused),
        cmocka_unit_test(non_definitive_results_need_no_score),
        cmocka_unit_test(signatures_are_checked),
        cmocka_unit_test(the_same_photograph_scores_high_and_others_low),
        cmocka_unit_test(undecodable_photos_are_refused),
    };
    return CC_UNIT_RUN(tests);
}
