#include <stdlib.h>
#include <string.h>

#include "cc_form.h"
#include "cc_http.h"

int cc_send_json(request_rec *r, int status, json_t *obj)
{
    char *text = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    r->status = status;
    ap_set_content_type(r, "application/json; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    if (text == NULL) {
        r->status = HTTP_INTERNAL_SERVER_ERROR;
        ap_rputs("{\"error\":{\"code\":\"internal\",\"message\":\"服务器内部错误\"}}", r);
        return OK;
    }
    ap_set_content_length(r, strlen(text));
    if (!r->header_only) {
        ap_rwrite(text, (int)strlen(text), r);
    }
    free(text);
    return OK;
}

int cc_send_error_with(request_rec *r, int status, const char *code, const char *message, json_t *extra)
{
    json_t *error = json_pack("{s:s, s:s}", "code", code, "message", message);
    if (extra != NULL) {
        json_object_update(error, extra);
        json_decref(extra);
    }
    if (ap_status_drops_connection(status)) {
        r->connection->keepalive = AP_CONN_CLOSE;
    }
    return cc_send_json(r, status, json_pack("{s:o}", "error", error));
}

int cc_send_error(request_rec *r, int status, const char *code, const char *message)
{
    return cc_send_error_with(r, status, code, message, NULL);
}

int cc_send_jpeg(request_rec *r, const unsigned char *jpeg, apr_size_t len, const char *cache_control)
{
    ap_set_content_type(r, "image/jpeg");
    apr_table_setn(r->headers_out, "Cache-Control", cache_control);
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    ap_set_content_length(r, len);
    if (!r->header_only) {
        ap_rwrite(jpeg, (int)len, r);
    }
    return OK;
}

static int declared_length_too_large(request_rec *r, apr_size_t limit)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_off_t declared = 0;
    return cl && apr_strtoff(&declared, cl, NULL, 10) == APR_SUCCESS && declared > (apr_off_t)limit;
}

int cc_read_body(request_rec *r, apr_size_t limit, const unsigned char **data, apr_size_t *len)
{
    if (declared_length_too_large(r, limit)) {
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    char *buf = apr_palloc(r->pool, limit + 1);
    apr_size_t total = 0;
    int seen_eos = 0;
    while (!seen_eos) {
        apr_status_t rv =
            ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, HUGE_STRING_LEN);
        if (rv != APR_SUCCESS) {
            return rv == AP_FILTER_ERROR ? HTTP_BAD_REQUEST : ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        }
        for (apr_bucket *b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
            const char *chunk;
            apr_size_t n;
            if (APR_BUCKET_IS_EOS(b)) {
                seen_eos = 1;
                break;
            }
            if (apr_bucket_read(b, &chunk, &n, APR_BLOCK_READ) != APR_SUCCESS) {
                return HTTP_BAD_REQUEST;
            }
            if (total + n > limit) {
                return HTTP_REQUEST_ENTITY_TOO_LARGE;
            }
            memcpy(buf + total, chunk, n);
            total += n;
        }
        apr_brigade_cleanup(bb);
    }
    buf[total] = '\0';
    *data = (const unsigned char *)buf;
    *len = total;
    return OK;
}

int cc_request_has_body(request_rec *r)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    return apr_table_get(r->headers_in, "Transfer-Encoding") != NULL || (cl != NULL && strcmp(cl, "0") != 0);
}

int cc_media_type_is(request_rec *r, const char *type)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    apr_size_t n = strlen(type);
    return ct && strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* A JSON object whose values are strings, numbers, booleans or null (as "") -> table. */
static int json_object_to_table(json_t *obj, apr_pool_t *p, apr_table_t *out)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        /* Keys are looked up regardless of case, as the form's are: "Name"
         * beside "name" is a duplicate, refused alike. */
        if (apr_table_get(out, key) != NULL) {
            return 0;
        }
        if (json_is_string(value)) {
            apr_table_set(out, key, json_string_value(value));
        } else if (json_is_integer(value)) {
            /* APR's formatter has no %lld (JSON_INTEGER_FORMAT). */
            apr_table_set(out, key,
                          apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)json_integer_value(value)));
        } else if (json_is_boolean(value)) {
            apr_table_set(out, key, json_is_true(value) ? "1" : "0");
        } else if (json_is_null(value)) {
            apr_table_set(out, key, ""); /* {"mobile": null} clears, as "" does */
        } else {
            return 0;
        }
    }
    return 1;
}

static int parse_json_params(request_rec *r, const unsigned char *body, apr_size_t len, apr_table_t *params)
{
    json_error_t jerr;
    json_t *root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &jerr);
    int ok = root && json_is_object(root) && json_object_to_table(root, r->pool, params);
    json_decref(root);
    return ok;
}

cc_result cc_read_params(request_rec *r, apr_size_t limit, apr_table_t **params)
{
    const unsigned char *body;
    apr_size_t len;
    int is_json = cc_media_type_is(r, "application/json");
    if (!cc_request_has_body(r)) {
        *params = apr_table_make(r->pool, 1); /* e.g. a bare POST /logout */
        return CC_DONE;
    }
    if (!is_json && !cc_media_type_is(r, "application/x-www-form-urlencoded")) {
        return CC_PARAMS_MEDIA_TYPE;
    }
    int status = cc_read_body(r, limit, &body, &len);
    if (status != OK) {
        return status == HTTP_REQUEST_ENTITY_TOO_LARGE ? CC_BODY_TOO_LARGE
               : status == HTTP_REQUEST_TIME_OUT       ? CC_BODY_TIMEOUT
                                                       : CC_BODY_UNREADABLE;
    }
    if (is_json) {
        *params = apr_table_make(r->pool, 8);
        return parse_json_params(r, body, len, *params) ? CC_DONE : CC_MALFORMED_JSON;
    }
    return cc_form_parse((const char *)body, len, r->pool, params) == APR_SUCCESS ? CC_DONE
                                                                                  : CC_MALFORMED_FORM;
}

int cc_http_cross_site(request_rec *r, const apr_array_header_t *allowed)
{
    const char *site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    const char *origin = apr_table_get(r->headers_in, "Origin");
    if (site ? strcasecmp(site, "same-origin") == 0 || strcasecmp(site, "none") == 0 : origin == NULL) {
        return 0;
    }
    const char *host = apr_table_get(r->headers_in, "Host");
    if (origin == NULL
        || (site == NULL && host
            && strcasecmp(origin, apr_pstrcat(r->pool, ap_http_scheme(r), "://", host, NULL)) == 0)) {
        return origin == NULL;
    }
    for (int i = 0; allowed && i < allowed->nelts; i++) {
        if (strcasecmp(origin, APR_ARRAY_IDX(allowed, i, const char *)) == 0) {
            return 0;
        }
    }
    return 1;
}

cc_result cc_query_read(request_rec *r, apr_table_t **params)
{
    if (r->args == NULL) {
        *params = apr_table_make(r->pool, 1);
        return CC_DONE;
    }
    return cc_form_parse(r->args, strlen(r->args), r->pool, params) == APR_SUCCESS ? CC_DONE
                                                                                   : CC_MALFORMED_FORM;
}

apr_table_t *cc_query_params(request_rec *r)
{
    apr_table_t *params = NULL;
    if (cc_query_read(r, &params) != CC_DONE) {
        return apr_table_make(r->pool, 1);
    }
    return params;
}
