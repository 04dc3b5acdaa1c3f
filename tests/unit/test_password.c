/* Unit tests of cc_password: the new-password policy and reset codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cc_unit.h"
#include <apr_general.h>

#include "cc_password.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char member_no[] = "110000000001";
static const char id_number[] = "11010119900307123X";

static void acceptable_passwords_pass(void **state)
{
    static const char *const good[] = {
        "Demo@2026",    /* all four classes */
        "abcdEFGH1",    /* lower, upper, digit */
        "abcd12#$",     /* lower, digit, symbol: exactly 8 */
        "ABCD-EFG-123", /* upper, symbol, digit */
        "a1!Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64 */
    };
    for (size_t i = 0; i < COUNT(good); i++) {
        assert_null(cc_password_problem(good[i], member_no, id_number));
    }
}

struct bad_case {
    const char *password;
    const char *message;
};

static const struct bad_case bad[] = {
    { "Ab1!xyz", "密码长度须为8至64位" },
    { "", "密码长度须为8至64位" },
    { "a1!Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "密码长度须为8至64位" },
    { "Abc 12345", "密码只能由英文字母、数字和英文符号组成，不能含空格或中文" },
    { "Abc\t12345", "密码只能由英文字母、数字和英文符号组成，不能含空格或中文" },
    { "密码Abc12345", "密码只能由英文字母、数字和英文符号组成，不能含空格或中文" },
    { "abcdefgh", "密码须至少包含大写字母、小写字母、数字、符号中的三类" },
    { "abcd1234", "密码须至少包含大写字母、小写字母、数字、符号中的三类" },
    { "ABCD!@#$", "密码须至少包含大写字母、小写字母、数字、符号中的三类" },
    { "12345678", "密码须至少包含大写字母、小写字母、数字、符号中的三类" },
};

static void each_rule_has_its_message(void **state)
{
    for (size_t i = 0; i < COUNT(bad); i++) {
        const char *problem = cc_password_problem(bad[i].password, member_no, id_number);
        assert_non_null(problem);
        assert_string_equal(problem, bad[i].message);
    }
}

static void member_and_id_numbers_are_refused_ignoring_case(void **state)
{
    /* Three classes, so only the identity rules can refuse them. */
    assert_string_equal(cc_password_problem("M110-x-1a", "m110-X-1A", NULL), "密码不能与会员编号相同");
    assert_string_equal(cc_password_problem("aB-1100001", NULL, "Ab-1100001"), "密码不能与证件号码相同");
    assert_null(cc_password_problem("aB-1100001", "", ""));
    assert_null(cc_password_problem("aB-1100001", "aB-11000012", "aB-110000"));
}

static void reset_codes_are_six_random_digits(void **state)
{
    int seen_first_digit[10] = { 0 };
    const char *codes[200];
    int same_pairs = 0;
    for (size_t i = 0; i < COUNT(codes); i++) {
        codes[i] = cc_password_reset_code(pool);
        assert_non_null(codes[i]);
        assert_true(cc_password_code_shape_ok(codes[i]));
        seen_first_digit[codes[i][0] - '0'] = 1;
        for (size_t j = 0; j < i; j++) {
            same_pairs += strcmp(codes[i], codes[j]) == 0;
        }
    }
    /* 0.02 equal pairs are expected among 200 codes of a million. */
    assert_true(same_pairs <= 2);
    for (int d = 0; d < 10; d++) {
        assert_true(seen_first_digit[d]); /* leading zeros are kept too */
    }
}

static void code_shape(void **state)
{
    assert_true(cc_password_code_shape_ok("012345"));
    assert_false(cc_password_code_shape_ok("01234"));
    assert_false(cc_password_code_shape_ok("0123456"));
    assert_false(cc_password_code_shape_ok("01234a"));
    assert_false(cc_password_code_shape_ok(" 12345"));
    assert_false(cc_password_code_shape_ok(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(acceptable_passwords_pass),
        cmocka_unit_test(each_rule_has_its_message),
        cmocka_unit_test(member_and_id_numbers_are_refused_ignoring_case),
        cmocka_unit_test(reset_codes_are_six_random_digits),
        cmocka_unit_test(code_shape),
    };
    return CC_UNIT_RUN(tests);
}
