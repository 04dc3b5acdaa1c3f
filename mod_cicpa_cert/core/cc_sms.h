/* Requests to the SMS gateway (docs/sms.md): a JSON body, signed with
 * HMAC-SHA256 over the timestamp and the body. Built here, sent by the glue
 * (cc_notify.c). */
#ifndef CC_SMS_H
#define CC_SMS_H

#include <apr_pools.h>

#define CC_SMS_TIMESTAMP_HEADER "X-Cicpa-Timestamp"
#define CC_SMS_SIGNATURE_HEADER "X-Cicpa-Signature"
#define CC_SMS_CODE_TEMPLATE "password_reset_code"

/* The body that asks the gateway to send a password-reset code:
 * {"request_id", "mobile", "template": CC_SMS_CODE_TEMPLATE,
 *  "params": {"code", "minutes"}, "text"} (compact JSON, UTF-8).
 * request_id stays the same on retries, so the gateway can drop repeats. */
const char *cc_sms_code_body(const char *request_id, const char *mobile, const char *code, int minutes,
                             const char *text, apr_pool_t *p);

/* The CC_SMS_SIGNATURE_HEADER value: lower-case hex HMAC-SHA256 under key
 * of timestamp "." body (timestamp: the decimal Unix seconds sent in
 * CC_SMS_TIMESTAMP_HEADER). */
const char *cc_sms_signature(const char *key, const char *timestamp, const char *body, apr_pool_t *p);

/* A mainland mobile number as members are shown it: "13812345678" ->
 * "138****5678"; anything else keeps only its first and last character. */
const char *cc_sms_mask_mobile(const char *mobile, apr_pool_t *p);

#endif
