/* The module's FaceVerifier client (libcurl): the real code path in
 * production, the demo and the tests. */
#ifndef CC_FACE_CLIENT_H
#define CC_FACE_CLIENT_H

#include "cc_config.h"
#include "cc_face_protocol.h"

/* One process-wide libcurl initialisation, before threads start. */
void cc_face_client_global_init(apr_pool_t *pconf);

/* Sends req to the configured provider, trying again on transport errors
 * and 5xx up to CicpaCertFaceVerifierTries. Anything that is not a signed,
 * well-formed answer to this request comes back as CC_FACE_SERVICE_ERROR
 * (logged without personal data), so only a real definitive answer can
 * consume an attempt. */
cc_face_response cc_face_verify(request_rec *r, const cc_photo_conf *conf, const cc_face_request *req);

#endif
