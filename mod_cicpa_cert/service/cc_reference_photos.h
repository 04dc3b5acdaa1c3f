/* The stand-in national photo database's reference photos, which the
 * reference FaceVerifier provider (cc_face_reference.c) compares against.
 * Owns table reference_photos (filled by cicpa-admin's demo data). */
#ifndef CC_REFERENCE_PHOTOS_H
#define CC_REFERENCE_PHOTOS_H

#include "cc_db.h"
#include "cc_result.h"

extern const cc_statement cc_reference_statements[];

/* The reference JPEG of an identity: CC_DONE, CC_NOT_FOUND or
 * CC_DB_UNAVAILABLE. */
cc_result cc_reference_photo(request_rec *r, ap_dbd_t *dbd, const char *id_number, unsigned char **jpeg,
                             apr_size_t *len);

#endif
