/* The ID-photo rules of the guide, checked on the uploaded bytes alone. */
#ifndef CC_PHOTO_RULES_H
#define CC_PHOTO_RULES_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct cc_photo_rules {
    apr_size_t min_bytes; /* smallest accepted file (10 KB = 10240) */
    apr_size_t max_bytes; /* largest accepted file (20 KB = 20480) */
    int width;            /* exact width in pixels (178) */
    int height;           /* exact height in pixels (220) */
    int min_dpi;          /* least density per axis in dots per inch (96) */
    int border_px; /* depth of the background band: top rows, and side columns over the upper half (8) */
    int white_min; /* least value every channel of a band pixel needs to count as white (200) */
    int white_share_pct;   /* least percentage of band pixels that must be white (90) */
    int colour_min_chroma; /* least max(R,G,B) - min(R,G,B) for a pixel to count as coloured (24) */
    int colour_share_pct;  /* least percentage of all pixels that must be coloured (2) */
} cc_photo_rules;

/* One failed rule: a stable code for programs and a Chinese message for people.
 * Codes (docs/photo.md has the messages and thresholds):
 *   file_too_small, file_too_large   size outside [min_bytes, max_bytes]
 *   not_jpeg                         content does not start with a JPEG SOI
 *   corrupt                          libjpeg cannot read it, or warns while reading
 *   bad_dimensions                   not width x height pixels as viewers show it
 *   exif_orientation                 EXIF asks viewers to flip or turn it
 *   no_density, low_density          density unknown, or below min_dpi
 *   unsupported_colour_space         CMYK/YCCK or another non-RGB JPEG
 *   not_colour                       greyscale, or too few coloured pixels
 *   background_not_white             too few white pixels in the band */
typedef struct cc_photo_problem {
    const char *code;    /* e.g. "not_jpeg", "file_too_small", "bad_dimensions" */
    const char *message; /* e.g. "照片像素须为178×220，当前为…" */
} cc_photo_problem;

/* The guide's defaults. */
void cc_photo_rules_default(cc_photo_rules *rules);

/* Checks every rule; returns an array of cc_photo_problem (empty: passes).
 * Never exits, never allocates for pixels before the header is validated. */
apr_array_header_t *cc_photo_check(const cc_photo_rules *rules, const unsigned char *data, apr_size_t len,
                                   apr_pool_t *p);

#endif
