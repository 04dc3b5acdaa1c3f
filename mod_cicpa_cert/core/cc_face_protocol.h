/* The FaceVerifier protocol (docs/face-verifier.md): one JSON request and
 * one JSON response over HTTP POST, each signed with HMAC-SHA256 over
 * "<timestamp>.<body>" under a shared key. */
#ifndef CC_FACE_PROTOCOL_H
#define CC_FACE_PROTOCOL_H

#include <apr_pools.h>
#include <apr_time.h>

#define CC_FACE_HEADER_TIMESTAMP "X-Cicpa-Timestamp"
#define CC_FACE_HEADER_SIGNATURE "X-Cicpa-Signature"

typedef enum {
    CC_FACE_MATCH,        /* definitive: same person */
    CC_FACE_NO_MATCH,     /* definitive: not the same person */
    CC_FACE_POOR_QUALITY, /* the photo cannot be compared */
    CC_FACE_NO_FACE,      /* no face found in the photo */
    CC_FACE_NOT_FOUND,    /* the identity is not in the database */
    CC_FACE_SERVICE_ERROR /* the provider failed; also any bad answer */
} cc_face_result;

typedef struct cc_face_request {
    const char *request_id;     /* unique per comparison, echoed back */
    const char *name;           /* the member's name */
    const char *id_number;      /* the resident identity card number */
    const unsigned char *photo; /* the JPEG */
    apr_size_t photo_len;       /* its length */
} cc_face_request;

typedef struct cc_face_response {
    const char *request_id; /* the request's id */
    cc_face_result result;  /* the outcome */
    int score;              /* similarity 0..100 (definitive results) */
} cc_face_response;

/* Only definitive outcomes are billed, so only they consume an attempt. */
int cc_face_result_is_definitive(cc_face_result result);

/* "match", "no_match", "poor_quality", "no_face", "not_found", "service_error". */
const char *cc_face_result_name(cc_face_result result);

const char *cc_face_request_json(const cc_face_request *req, apr_pool_t *p);
const char *cc_face_response_json(const cc_face_response *resp, apr_pool_t *p);

/* Parse a body; APR_EGENERAL with *err (English, no personal data) when it
 * is not a well-formed message of the protocol. */
apr_status_t cc_face_request_parse(const char *body, apr_size_t len, apr_pool_t *p, cc_face_request *out,
                                   const char **err);
apr_status_t cc_face_response_parse(const char *body, apr_size_t len, apr_pool_t *p, cc_face_response *out,
                                    const char **err);

/* Lower-case hex HMAC-SHA256 under key of "<timestamp>.<body>". */
const char *cc_face_signature(const char *key, const char *timestamp, const char *body, apr_size_t len,
                              apr_pool_t *p);

/* 1 when timestamp (Unix seconds) is within max_skew seconds of now and
 * signature is right (compared in constant time). */
int cc_face_signature_ok(const char *key, const char *timestamp, const char *signature, const char *body,
                         apr_size_t len, apr_time_t now, int max_skew, apr_pool_t *p);

#endif
