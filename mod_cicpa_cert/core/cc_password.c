#include <string.h>
#include <strings.h>

#include "cc_crypto.h"
#include "cc_password.h"

/* Which character classes a password uses, one bit each. */
enum { HAS_LOWER = 1, HAS_UPPER = 2, HAS_DIGIT = 4, HAS_SYMBOL = 8 };

static int class_of(unsigned char c)
{
    if (c >= 'a' && c <= 'z') {
        return HAS_LOWER;
    }
    if (c >= 'A' && c <= 'Z') {
        return HAS_UPPER;
    }
    if (c >= '0' && c <= '9') {
        return HAS_DIGIT;
    }
    return c > ' ' && c < 0x7f ? HAS_SYMBOL : 0;
}

static int bit_count(int bits)
{
    int n = 0;
    for (; bits; bits &= bits - 1) {
        n++;
    }
    return n;
}

static int same_ignoring_case(const char *password, const char *other)
{
    return other != NULL && *other != '\0' && strcasecmp(password, other) == 0;
}

const char *cc_password_problem(const char *password, const char *member_no, const char *id_number)
{
    apr_size_t len = strlen(password);
    int classes = 0;
    if (len < CC_PASSWORD_MIN_CHARS || len > CC_PASSWORD_MAX_CHARS) {
        return "密码长度须为8至64位";
    }
    for (apr_size_t i = 0; i < len; i++) {
        int c = class_of((unsigned char)password[i]);
        if (c == 0) {
            return "密码只能由英文字母、数字和英文符号组成，不能含空格或中文";
        }
        classes |= c;
    }
    if (bit_count(classes) < 3) {
        return "密码须至少包含大写字母、小写字母、数字、符号中的三类";
    }
    if (same_ignoring_case(password, member_no)) {
        return "密码不能与会员编号相同";
    }
    if (same_ignoring_case(password, id_number)) {
        return "密码不能与证件号码相同";
    }
    return NULL;
}

const char *cc_password_reset_code(apr_pool_t *p)
{
    return cc_random_chars("0123456789", CC_RESET_CODE_DIGITS, p);
}

int cc_password_code_shape_ok(const char *s)
{
    return strlen(s) == CC_RESET_CODE_DIGITS && strspn(s, "0123456789") == CC_RESET_CODE_DIGITS;
}
