/* The built-in reference FaceVerifier provider (demo and tests). */
#ifndef CC_FACE_REFERENCE_H
#define CC_FACE_REFERENCE_H

#include "cc_db.h"

#define CC_FACE_REFERENCE_HANDLER "cicpa-face-reference"

int cc_face_reference_handler(request_rec *r);

/* Its lookup of the stand-in database's reference photos. */
extern const cc_statement cc_reference_statements[];

#endif
