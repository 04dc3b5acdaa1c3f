/* Captcha images, drawn in memory: a random answer in a built-in bitmap font,
 * every character scaled, moved, rotated and sheared on its own along a wavy
 * baseline, crossed by noise lines and dots, and encoded as a JPEG. */
#ifndef CC_CAPTCHA_H
#define CC_CAPTCHA_H

#include <apr_pools.h>

#define CC_CAPTCHA_LENGTH 5
#define CC_CAPTCHA_WIDTH 160
#define CC_CAPTCHA_HEIGHT 60

/* The characters of an answer: digits and upper-case letters without the
 * look-alikes 0/O/Q, 1/I/l, 2/Z, 5/S and 8/B. */
extern const char cc_captcha_alphabet[];

typedef struct cc_captcha {
    const char *answer;        /* CC_CAPTCHA_LENGTH characters of the alphabet */
    const unsigned char *jpeg; /* the image, CC_CAPTCHA_WIDTH x CC_CAPTCHA_HEIGHT */
    apr_size_t jpeg_len;       /* its size in bytes */
} cc_captcha;

/* A new captcha: a random answer drawn with random distortions. Returns
 * APR_SUCCESS, or APR_EGENERAL when the random generator or libjpeg fails. */
apr_status_t cc_captcha_create(cc_captcha *out, apr_pool_t *p);

/* Draws answer (characters of the alphabet; others are left blank) with the
 * distortions that seed selects: the same answer and seed give the same
 * pixels. Returns CC_CAPTCHA_WIDTH x CC_CAPTCHA_HEIGHT RGB pixels, row by row. */
unsigned char *cc_captcha_render(const char *answer, apr_uint64_t seed, apr_pool_t *p);

/* Encodes pixels from cc_captcha_render as a JPEG in p. APR_SUCCESS or
 * APR_EGENERAL (libjpeg failed). */
apr_status_t cc_captcha_jpeg(const unsigned char *rgb, apr_pool_t *p, const unsigned char **jpeg,
                             apr_size_t *len);

/* A typed answer as it is compared: surrounding spaces dropped, letters in
 * upper case (answers are case-insensitive). NULL when it is longer than an
 * answer could be. */
const char *cc_captcha_normalise(const char *typed, apr_pool_t *p);

#endif
