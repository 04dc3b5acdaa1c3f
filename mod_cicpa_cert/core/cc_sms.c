#include <string.h>

#include <jansson.h>
#include <apr_strings.h>

#include "cc_crypto.h"
#include "cc_json.h"
#include "cc_sms.h"
#include "cc_text.h"

const char *cc_sms_code_body(const char *request_id, const char *mobile, const char *code, int minutes,
                             const char *text, apr_pool_t *p)
{
    return cc_json_text(json_pack("{s:s, s:s, s:s, s:{s:s, s:i}, s:s}", "request_id", request_id, "mobile",
                                  mobile, "template", CC_SMS_CODE_TEMPLATE, "params", "code", code, "minutes",
                                  minutes, "text", text),
                        p);
}

const char *cc_sms_signature(const char *key, const char *timestamp, const char *body, apr_pool_t *p)
{
    const char *signed_text = apr_pstrcat(p, timestamp, ".", body, NULL);
    return cc_hmac_sha256_hex(key, strlen(key), signed_text, strlen(signed_text), p);
}

const char *cc_sms_mask_mobile(const char *mobile, apr_pool_t *p)
{
    if (strlen(mobile) == 11 && strspn(mobile, "0123456789") == 11) {
        return apr_pstrcat(p, apr_pstrmemdup(p, mobile, 3), "****", mobile + 7, NULL);
    }
    return cc_mask_middle(mobile, p);
}
