#include <math.h>
#include <string.h>

#include "cc_jpeg.h"
#include "cc_photo_compare.h"

/* Larger photos are not ID photos; refusing them bounds the work. */
#define MAX_SIDE 4096

/* Standard deviation (of 0..255 grey) below which a photo is one flat tone. */
#define UNIFORM_STDDEV 6.0

typedef struct thumb {
    double px[CC_THUMB_W * CC_THUMB_H]; /* mean grey per cell, then normalised */
    double stddev;                      /* before normalisation */
} thumb;

/* Adds one decoded grey row to the cells it falls in. */
static void add_row(thumb *t, unsigned *counts, const JSAMPLE *row, unsigned width, unsigned y,
                    unsigned height)
{
    unsigned cy = y * CC_THUMB_H / height;
    for (unsigned x = 0; x < width; x++) {
        unsigned cell = cy * CC_THUMB_W + x * CC_THUMB_W / width;
        t->px[cell] += row[x];
        counts[cell]++;
    }
}

/* The mean of the 3×3 cells around (x, y), clipped at the edges. */
static double local_mean(const double *px, int x, int y)
{
    double sum = 0;
    int n = 0;
    for (int dy = -1; dy <= 1; dy++) {
        for (int dx = -1; dx <= 1; dx++) {
            int cx = x + dx, cy = y + dy;
            if (cx >= 0 && cx < CC_THUMB_W && cy >= 0 && cy < CC_THUMB_H) {
                sum += px[cy * CC_THUMB_W + cx];
                n++;
            }
        }
    }
    return sum / n;
}

/* Keeps only the detail (each cell minus its neighbourhood): every ID photo
 * is a dark figure on white, so the overall layout would make any two alike. */
static void keep_detail(thumb *t)
{
    double means[CC_THUMB_W * CC_THUMB_H];
    for (int y = 0; y < CC_THUMB_H; y++) {
        for (int x = 0; x < CC_THUMB_W; x++) {
            means[y * CC_THUMB_W + x] = local_mean(t->px, x, y);
        }
    }
    for (unsigned i = 0; i < CC_THUMB_W * CC_THUMB_H; i++) {
        t->px[i] -= means[i];
    }
}

/* Cell means; the flatness test on them; then the detail, at zero mean and
 * unit variance (so brightness and contrast differences do not count). */
static void normalise(thumb *t, const unsigned *counts)
{
    const unsigned n = CC_THUMB_W * CC_THUMB_H;
    double sum = 0, sq = 0;
    for (unsigned i = 0; i < n; i++) {
        t->px[i] = counts[i] ? t->px[i] / counts[i] : 0;
        sum += t->px[i];
    }
    double mean = sum / n;
    for (unsigned i = 0; i < n; i++) {
        sq += (t->px[i] - mean) * (t->px[i] - mean);
    }
    t->stddev = sqrt(sq / n);
    keep_detail(t);
    sum = sq = 0;
    for (unsigned i = 0; i < n; i++) {
        sum += t->px[i];
    }
    mean = sum / n;
    for (unsigned i = 0; i < n; i++) {
        sq += (t->px[i] - mean) * (t->px[i] - mean);
    }
    double spread = sqrt(sq / n);
    for (unsigned i = 0; i < n; i++) {
        t->px[i] = spread > 0 ? (t->px[i] - mean) / spread : 0;
    }
}

static int decode_rows(cc_jpeg_reader *reader, thumb *t, unsigned *counts, apr_pool_t *p)
{
    j_decompress_ptr cinfo = &reader->cinfo;
    if (setjmp(reader->escape)) {
        return 0;
    }
    jpeg_start_decompress(cinfo);
    JSAMPLE *row = apr_palloc(p, cinfo->output_width);
    while (cinfo->output_scanline < cinfo->output_height) {
        unsigned y = cinfo->output_scanline;
        jpeg_read_scanlines(cinfo, &row, 1);
        add_row(t, counts, row, cinfo->output_width, y, cinfo->output_height);
    }
    jpeg_finish_decompress(cinfo);
    return 1;
}

static int read_header(cc_jpeg_reader *reader, const unsigned char *data, apr_size_t len)
{
    j_decompress_ptr cinfo = &reader->cinfo;
    if (setjmp(reader->escape)) {
        return 0;
    }
    cc_jpeg_reader_create(reader);
    jpeg_mem_src(cinfo, data, len);
    if (jpeg_read_header(cinfo, TRUE) != JPEG_HEADER_OK || cinfo->image_width > MAX_SIDE
        || cinfo->image_height > MAX_SIDE) {
        return 0;
    }
    cinfo->out_color_space = JCS_GRAYSCALE;
    return 1;
}

static int make_thumb(const unsigned char *data, apr_size_t len, apr_pool_t *p, thumb *t)
{
    cc_jpeg_reader reader;
    unsigned counts[CC_THUMB_W * CC_THUMB_H] = { 0 };
    memset(t, 0, sizeof(*t));
    cc_jpeg_reader_init(&reader);
    int ok = read_header(&reader, data, len) && decode_rows(&reader, t, counts, p);
    jpeg_destroy_decompress(&reader.cinfo);
    if (ok) {
        normalise(t, counts);
    }
    return ok;
}

static double correlation(const thumb *a, const thumb *b)
{
    const unsigned n = CC_THUMB_W * CC_THUMB_H;
    double sum = 0;
    for (unsigned i = 0; i < n; i++) {
        sum += a->px[i] * b->px[i];
    }
    return sum / n;
}

apr_status_t cc_photo_compare(const unsigned char *upload, apr_size_t upload_len,
                              const unsigned char *reference, apr_size_t reference_len, apr_pool_t *p,
                              cc_photo_similarity *out)
{
    thumb a, b;
    if (!make_thumb(upload, upload_len, p, &a) || !make_thumb(reference, reference_len, p, &b)) {
        return APR_EGENERAL;
    }
    out->uniform = a.stddev < UNIFORM_STDDEV;
    double r = out->uniform ? 0 : correlation(&a, &b);
    out->score = r > 0 ? (int)lround(r * 100) : 0;
    return APR_SUCCESS;
}
