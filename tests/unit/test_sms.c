/* Unit tests of cc_sms: the signed JSON requests to the SMS gateway. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cc_unit.h"
#include <jansson.h>
#include <apr_general.h>

#include "cc_sms.h"

static void the_body_carries_the_code_and_text(void **state)
{
    const char *body =
        cc_sms_code_body("req-1", "13800138001", "012345", 10, "【中国注册会计师协会】验证码012345", pool);
    json_error_t err;
    json_t *root = json_loads(body, 0, &err);
    const char *request_id, *mobile, *template_id, *code, *text;
    int minutes;
    assert_non_null(root);
    assert_int_equal(json_unpack(root, "{s:s, s:s, s:s, s:{s:s, s:i}, s:s}", "request_id", &request_id,
                                 "mobile", &mobile, "template", &template_id, "params", "code", &code,
                                 "minutes", &minutes, "text", &text),
                     0);
    assert_string_equal(request_id, "req-1");
    assert_string_equal(mobile, "13800138001");
    assert_string_equal(template_id, CC_SMS_CODE_TEMPLATE);
    assert_string_equal(code, "012345");
    assert_int_equal(minutes, 10);
    assert_string_equal(text, "【中国注册会计师协会】验证码012345");
    assert_null(strchr(body, '\n')); /* compact: one line */
    json_decref(root);
}

static void the_signature_is_hmac_of_timestamp_dot_body(void **state)
{
    /* python3: hmac.new(b"k3y", b'1700000000.{"mobile":"13800138001"}', sha256) */
    assert_string_equal(cc_sms_signature("k3y", "1700000000", "{\"mobile\":\"13800138001\"}", pool),
                        "79759297ccc125e8447f275d85bc8af45c09fdcbe8a4241bf7aee3976a99bc85");
    assert_string_not_equal(cc_sms_signature("k3y", "1700000001", "{\"mobile\":\"13800138001\"}", pool),
                            "79759297ccc125e8447f275d85bc8af45c09fdcbe8a4241bf7aee3976a99bc85");
}

static void mobiles_are_masked_in_the_middle(void **state)
{
    assert_string_equal(cc_sms_mask_mobile("13800138001", pool), "138****8001");
    assert_string_equal(cc_sms_mask_mobile("+8613800138001", pool), "+************1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_body_carries_the_code_and_text),
        cmocka_unit_test(the_signature_is_hmac_of_timestamp_dot_body),
        cmocka_unit_test(mobiles_are_masked_in_the_middle),
    };
    return CC_UNIT_RUN(tests);
}
