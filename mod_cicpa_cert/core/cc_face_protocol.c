#include <stdlib.h>
#include <string.h>
#include <apr_base64.h>
#include <apr_strings.h>
#include <jansson.h>

#include "cc_crypto.h"
#include "cc_face_protocol.h"
#include "cc_json.h"

static const char *const result_names[] = {
    [CC_FACE_MATCH] = "match",
    [CC_FACE_NO_MATCH] = "no_match",
    [CC_FACE_POOR_QUALITY] = "poor_quality",
    [CC_FACE_NO_FACE] = "no_face",
    [CC_FACE_NOT_FOUND] = "not_found",
    [CC_FACE_SERVICE_ERROR] = "service_error",
};

#define RESULT_COUNT (sizeof(result_names) / sizeof(result_names[0]))

/* Longest field text accepted from the wire (ids, names, numbers). */
#define MAX_FIELD 256

int cc_face_result_is_definitive(cc_face_result result)
{
    return result == CC_FACE_MATCH || result == CC_FACE_NO_MATCH;
}

const char *cc_face_result_name(cc_face_result result)
{
    return (unsigned)result < RESULT_COUNT ? result_names[result] : "service_error";
}

static int result_of_name(const char *name, cc_face_result *out)
{
    for (unsigned i = 0; i < RESULT_COUNT; i++) {
        if (strcmp(name, result_names[i]) == 0) {
            *out = (cc_face_result)i;
            return 1;
        }
    }
    return 0;
}

const char *cc_face_request_json(const cc_face_request *req, apr_pool_t *p)
{
    char *b64 = apr_palloc(p, apr_base64_encode_len((int)req->photo_len));
    apr_base64_encode_binary(b64, req->photo, (int)req->photo_len);
    return cc_json_text(json_pack("{s:s, s:s, s:s, s:s}", "request_id", req->request_id, "name", req->name,
                                  "id_number", req->id_number, "photo", b64),
                        p);
}

const char *cc_face_response_json(const cc_face_response *resp, apr_pool_t *p)
{
    return cc_json_text(json_pack("{s:s, s:s, s:i}", "request_id", resp->request_id, "result",
                                  cc_face_result_name(resp->result), "score", resp->score),
                        p);
}

/* The string member key of obj copied into p, or NULL when absent, not a
 * string, empty or longer than max. */
static const char *string_member(json_t *obj, const char *key, apr_size_t max, apr_pool_t *p)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && *s && strlen(s) <= max ? apr_pstrdup(p, s) : NULL;
}

static json_t *load_object(const char *body, apr_size_t len, const char **err)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        json_decref(root);
        *err = "body is not a JSON object";
        return NULL;
    }
    return root;
}

static apr_status_t decode_photo(const char *b64, apr_pool_t *p, cc_face_request *out)
{
    unsigned char *photo = apr_palloc(p, apr_base64_decode_len(b64));
    int n = apr_base64_decode_binary(photo, b64);
    if (n <= 0) {
        return APR_EGENERAL;
    }
    out->photo = photo;
    out->photo_len = (apr_size_t)n;
    return APR_SUCCESS;
}

apr_status_t cc_face_request_parse(const char *body, apr_size_t len, apr_pool_t *p, cc_face_request *out,
                                   const char **err)
{
    json_t *root = load_object(body, len, err);
    if (root == NULL) {
        return APR_EGENERAL;
    }
    const char *photo = json_string_value(json_object_get(root, "photo"));
    out->request_id = string_member(root, "request_id", MAX_FIELD, p);
    out->name = string_member(root, "name", MAX_FIELD, p);
    out->id_number = string_member(root, "id_number", MAX_FIELD, p);
    apr_status_t rv = APR_EGENERAL;
    if (!out->request_id || !out->name || !out->id_number || !photo) {
        *err = "request_id, name, id_number and photo are required strings";
    } else if ((rv = decode_photo(photo, p, out)) != APR_SUCCESS) {
        *err = "photo is not base64";
    }
    json_decref(root);
    return rv;
}

apr_status_t cc_face_response_parse(const char *body, apr_size_t len, apr_pool_t *p, cc_face_response *out,
                                    const char **err)
{
    json_t *root = load_object(body, len, err);
    if (root == NULL) {
        return APR_EGENERAL;
    }
    const char *result = json_string_value(json_object_get(root, "result"));
    json_t *score = json_object_get(root, "score");
    out->request_id = string_member(root, "request_id", MAX_FIELD, p);
    out->score = json_is_integer(score) ? (int)json_integer_value(score) : -1;
    apr_status_t rv = APR_EGENERAL;
    if (!out->request_id || !result || !result_of_name(result, &out->result)) {
        *err = "request_id and a known result are required";
    } else if (cc_face_result_is_definitive(out->result) && (out->score < 0 || out->score > 100)) {
        *err = "a definitive result needs a score from 0 to 100";
    } else {
        rv = APR_SUCCESS;
    }
    json_decref(root);
    return rv;
}

const char *cc_face_signature(const char *key, const char *timestamp, const char *body, apr_size_t len,
                              apr_pool_t *p)
{
    const char *prefix = apr_pstrcat(p, timestamp, ".", NULL);
    apr_size_t prefix_len = strlen(prefix);
    char *message = apr_palloc(p, prefix_len + len);
    memcpy(message, prefix, prefix_len);
    memcpy(message + prefix_len, body, len);
    return cc_hmac_sha256_hex(key, strlen(key), message, prefix_len + len, p);
}

int cc_face_signature_ok(const char *key, const char *timestamp, const char *signature, const char *body,
                         apr_size_t len, apr_time_t now, int max_skew, apr_pool_t *p)
{
    char *end = NULL;
    if (timestamp == NULL || signature == NULL) {
        return 0;
    }
    apr_int64_t ts = apr_strtoi64(timestamp, &end, 10);
    apr_int64_t skew = ts - apr_time_sec(now);
    if (end == timestamp || *end != '\0' || skew > max_skew || skew < -max_skew) {
        return 0;
    }
    return cc_str_equal_ct(signature, cc_face_signature(key, timestamp, body, len, p));
}
