/* SetHandler cicpa-face-reference: a reference FaceVerifier provider that
 * speaks the protocol of docs/face-verifier.md, backed by reference_photos.
 * It stands in for the national identity photo database, which cannot be
 * reached from here, for the demo and the tests; production points
 * CicpaCertFaceVerifierUrl at the real provider. */
#include <string.h>

#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_db.h"
#include "cc_face_protocol.h"
#include "cc_face_reference.h"
#include "cc_reference_photos.h"
#include "cc_http.h"
#include "cc_photo_compare.h"

/* A request body holds a base64 photo of at most 20 KB, and then some. */
#define MAX_REQUEST (64 * 1024)

/* Seconds a signed request stays acceptable (clock skew and replays). */
#define MAX_SKEW 300

static int send_signed(request_rec *r, const char *key, const cc_face_response *resp)
{
    const char *body = cc_face_response_json(resp, r->pool);
    const char *ts = apr_psprintf(r->pool, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
    apr_table_setn(r->headers_out, CC_FACE_HEADER_TIMESTAMP, ts);
    apr_table_setn(r->headers_out, CC_FACE_HEADER_SIGNATURE,
                   cc_face_signature(key, ts, body, strlen(body), r->pool));
    ap_set_content_type(r, "application/json");
    ap_set_content_length(r, strlen(body));
    ap_rputs(body, r);
    return OK;
}

static cc_face_response compare(request_rec *r, ap_dbd_t *dbd, const cc_photo_conf *conf,
                                const cc_face_request *req)
{
    cc_face_response resp = { req->request_id, CC_FACE_SERVICE_ERROR, 0 };
    unsigned char *ref;
    apr_size_t ref_len;
    cc_result result = cc_reference_photo(r, dbd, req->id_number, &ref, &ref_len);
    if (result == CC_NOT_FOUND) {
        resp.result = CC_FACE_NOT_FOUND;
        return resp;
    }
    if (result != CC_DONE) {
        return resp;
    }
    cc_photo_similarity sim;
    if (cc_photo_compare(req->photo, req->photo_len, ref, ref_len, r->pool, &sim) != APR_SUCCESS) {
        resp.result = CC_FACE_POOR_QUALITY;
    } else if (sim.uniform) {
        resp.result = CC_FACE_NO_FACE;
    } else {
        resp.score = sim.score;
        resp.result = sim.score >= conf->reference_threshold ? CC_FACE_MATCH : CC_FACE_NO_MATCH;
    }
    return resp;
}

static int read_signed_request(request_rec *r, const char *key, cc_face_request *req)
{
    const unsigned char *body;
    apr_size_t len;
    const char *err = NULL;
    int status = cc_read_body(r, MAX_REQUEST, &body, &len);
    if (status != OK) {
        return status;
    }
    if (!cc_face_signature_ok(key, apr_table_get(r->headers_in, CC_FACE_HEADER_TIMESTAMP),
                              apr_table_get(r->headers_in, CC_FACE_HEADER_SIGNATURE), (const char *)body, len,
                              apr_time_now(), MAX_SKEW, r->pool)) {
        return HTTP_UNAUTHORIZED;
    }
    if (cc_face_request_parse((const char *)body, len, r->pool, req, &err) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CCLOGNO(00023) "reference provider: %s", err);
        return HTTP_BAD_REQUEST;
    }
    return OK;
}

int cc_face_reference_handler(request_rec *r)
{
    if (r->handler == NULL || strcmp(r->handler, CC_FACE_REFERENCE_HANDLER) != 0) {
        return DECLINED;
    }
    const cc_photo_conf *conf = &cc_server_conf_get(r->server)->photo;
    cc_face_request req;
    if (r->method_number != M_POST) {
        apr_table_setn(r->err_headers_out, "Allow", "POST");
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (conf->reference_key == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00024) "%s needs CicpaCertFaceReferenceKey",
                      CC_FACE_REFERENCE_HANDLER);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    int status = read_signed_request(r, conf->reference_key, &req);
    if (status != OK) {
        return status;
    }
    ap_dbd_t *dbd = cc_db_acquire(r);
    if (dbd == NULL) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    cc_face_response resp = compare(r, dbd, conf, &req);
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CCLOGNO(00025) "reference comparison %s: %s (%d)",
                  req.request_id, cc_face_result_name(resp.result), resp.score);
    return send_signed(r, conf->reference_key, &resp);
}
