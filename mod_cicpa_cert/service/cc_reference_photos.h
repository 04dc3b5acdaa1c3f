/* The stand-in national photo database's reference photos, which the
 * reference FaceVerifier provider (cc_face_reference.c) compares against.
 * Owns table reference_photos (filled by cicpa-admin's demo data). */
#ifndef CC_REFERENCE_PHOTOS_H
#define CC_REFERENCE_PHOTOS_H

#include "cc_db.h"

extern const cc_statement cc_reference_statements[];

/* The reference JPEG of an identity: OK, HTTP_NOT_FOUND, or
 * HTTP_SERVICE_UNAVAILABLE (as cc_db_select_jpeg). */
int cc_reference_photo(request_rec *r, ap_dbd_t *dbd, const char *id_number,
                       unsigned char **jpeg, apr_size_t *len);

#endif
