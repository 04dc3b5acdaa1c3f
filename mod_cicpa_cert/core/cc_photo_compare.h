/* The reference provider's image-similarity measure (docs/face-verifier.md).
 * It stands in for a face-recognition service: it recognises the same
 * photograph (re-encoded, slightly shifted or recompressed), not the same
 * person in another photograph. */
#ifndef CC_PHOTO_COMPARE_H
#define CC_PHOTO_COMPARE_H

#include <apr_pools.h>

/* Thumbnail size the photos are reduced to (3:4 like an ID photo). */
#define CC_THUMB_W 48
#define CC_THUMB_H 64

typedef struct cc_photo_similarity {
    int score;   /* 0..100: correlation of the thumbnails' detail, clipped at 0 */
    int uniform; /* the upload is (nearly) one flat tone: no face to compare */
} cc_photo_similarity;

/* Compares the upload with the reference. APR_EGENERAL when either is not a
 * decodable JPEG of at most 4096×4096 pixels. */
apr_status_t cc_photo_compare(const unsigned char *upload, apr_size_t upload_len,
                              const unsigned char *reference, apr_size_t reference_len, apr_pool_t *p,
                              cc_photo_similarity *out);

#endif
