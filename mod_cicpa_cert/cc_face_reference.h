/* The built-in reference FaceVerifier provider (demo and tests). */
#ifndef CC_FACE_REFERENCE_H
#define CC_FACE_REFERENCE_H

#include "cc_module.h"

#define CC_FACE_REFERENCE_HANDLER "cicpa-face-reference"

int cc_face_reference_handler(request_rec *r);

#endif
