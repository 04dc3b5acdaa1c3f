/* What member and staff requests send beyond plain parameters: a photo
 * upload and a captcha answer. Shared by the endpoints of api/ and admin/
 * (no endpoint itself). */
#ifndef CC_API_INPUT_H
#define CC_API_INPUT_H

#include "cc_captcha_store.h"
#include "cc_module.h"
#include "cc_result.h"

/* A photo as uploaded. */
typedef struct cc_upload {
    const unsigned char *jpeg; /* the file's bytes */
    apr_size_t len;            /* its length */
    apr_table_t *fields;       /* the form's csrf_token, when sent as a part */
} cc_upload;

/* Reads the photo from a multipart/form-data body (field "photo", as
 * wx.uploadFile and browsers send it) or a raw image/jpeg body, bounded by
 * CicpaCertMaxUpload. CC_DONE, or what is wrong (nothing sent):
 * CC_UPLOAD_MEDIA_TYPE, CC_UPLOAD_TOO_LARGE, CC_UPLOAD_UNREADABLE,
 * CC_MALFORMED_MULTIPART or CC_PHOTO_MISSING. */
cc_result cc_api_read_upload(request_rec *r, cc_upload *up);

/* The photo rules' problems with up (cc_photo_problem; none when it passes). */
apr_array_header_t *cc_api_photo_problems(request_rec *r, const cc_upload *up);

/* The captcha cookie's name. */
const char *cc_api_captcha_cookie(request_rec *r);

/* The request's captcha answer: captcha_id (else the captcha cookie) and
 * the typed captcha. */
cc_captcha_answer cc_api_captcha_answer(request_rec *r, apr_table_t *params);

#endif
