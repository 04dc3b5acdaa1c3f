#include <string.h>

#include "cc_api_input.h"
#include "cc_config.h"
#include "cc_http.h"
#include "cc_multipart.h"
#include "cc_photo_rules.h"
#include "cc_session.h"

static cc_result from_multipart(request_rec *r, const unsigned char *body, apr_size_t len, cc_upload *up)
{
    apr_array_header_t *parts;
    const char *err;
    if (cc_multipart_parse(apr_table_get(r->headers_in, "Content-Type"), body, len, r->pool, &parts, &err)
        != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CCLOGNO(00002) "multipart refused: %s", err);
        return CC_MALFORMED_MULTIPART;
    }
    const cc_multipart_part *photo = cc_multipart_find(parts, "photo");
    const cc_multipart_part *csrf = cc_multipart_find(parts, "csrf_token");
    if (photo == NULL) {
        return CC_PHOTO_MISSING;
    }
    up->jpeg = photo->data;
    up->len = photo->len;
    if (csrf != NULL) {
        apr_table_setn(up->fields, "csrf_token",
                       apr_pstrmemdup(r->pool, (const char *)csrf->data, csrf->len));
    }
    return up->jpeg ? CC_DONE : CC_UPLOAD_UNREADABLE;
}

cc_result cc_api_read_upload(request_rec *r, cc_upload *up)
{
    const unsigned char *body;
    apr_size_t len;
    int multipart = cc_media_type_is(r, "multipart/form-data");
    memset(up, 0, sizeof(*up));
    up->fields = apr_table_make(r->pool, 1);
    if (!multipart && !cc_media_type_is(r, "image/jpeg")) {
        return CC_UPLOAD_MEDIA_TYPE;
    }
    int status = cc_read_body(r, (apr_size_t)cc_server_conf_get(r->server)->photo.max_upload, &body, &len);
    if (status != OK) {
        return status == HTTP_REQUEST_ENTITY_TOO_LARGE ? CC_UPLOAD_TOO_LARGE
               : status == HTTP_REQUEST_TIME_OUT       ? CC_BODY_TIMEOUT
                                                       : CC_UPLOAD_UNREADABLE;
    }
    if (!multipart) {
        up->jpeg = body;
        up->len = len;
        return CC_DONE;
    }
    return from_multipart(r, body, len, up);
}

apr_array_header_t *cc_api_photo_problems(request_rec *r, const cc_upload *up)
{
    cc_photo_rules rules;
    cc_photo_rules_default(&rules);
    return cc_photo_check(&rules, up->jpeg, up->len, r->pool);
}

const char *cc_api_captcha_cookie(request_rec *r)
{
    return apr_pstrcat(r->pool, cc_server_conf_get(r->server)->cookie_name, "_captcha", NULL);
}

cc_captcha_answer cc_api_captcha_answer(request_rec *r, apr_table_t *params)
{
    cc_captcha_answer a = { apr_table_get(params, "captcha_id"), apr_table_get(params, "captcha") };
    if (a.id == NULL || *a.id == '\0') {
        a.id = cc_session_cookie(r, cc_api_captcha_cookie(r));
    }
    return a;
}
