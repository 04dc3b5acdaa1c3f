#include "cc_captcha.h"

#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h> /* jpeglib.h uses FILE without including it */
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cc_crypto.h"

#define W CC_CAPTCHA_WIDTH
#define H CC_CAPTCHA_HEIGHT
#define GLYPH_COLS 5
#define GLYPH_ROWS 7
#define SUPERSAMPLE 3  /* per axis: smooth glyph edges */
#define MARGIN 12      /* pixels left free at the left and right */
#define LINES_BEHIND 2 /* noise lines under the characters */
#define LINES_OVER 2   /* and over them */
#define NOISE_DOTS 220
#define JPEG_QUALITY 80

const char cc_captcha_alphabet[] = "23456789ACDEFGHJKLMNPRTUVWXY";

/* A 5x7 bitmap character: one byte per row, bit 4 is the left column. */
typedef struct glyph {
    char ch;
    unsigned char rows[GLYPH_ROWS];
} glyph;

static const glyph font[] = {
    { '2', { 0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F } },
    { '3', { 0x0E, 0x11, 0x01, 0x06, 0x01, 0x11, 0x0E } },
    { '4', { 0x12, 0x12, 0x12, 0x1F, 0x02, 0x02, 0x02 } },
    { '5', { 0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E } },
    { '6', { 0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E } },
    { '7', { 0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
    { '8', { 0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E } },
    { '9', { 0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C } },
    { 'A', { 0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11 } },
    { 'C', { 0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E } },
    { 'D', { 0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C } },
    { 'E', { 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F } },
    { 'F', { 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10 } },
    { 'G', { 0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F } },
    { 'H', { 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11 } },
    { 'J', { 0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C } },
    { 'K', { 0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11 } },
    { 'L', { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F } },
    { 'M', { 0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11 } },
    { 'N', { 0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11 } },
    { 'P', { 0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10 } },
    { 'R', { 0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11 } },
    { 'T', { 0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 } },
    { 'U', { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E } },
    { 'V', { 0x11, 0x11, 0x11, 0x0A, 0x0A, 0x04, 0x04 } },
    { 'W', { 0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A } },
    { 'X', { 0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11 } },
    { 'Y', { 0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04 } },
};

/* splitmix64: the distortions need no secrecy, only variety; every seed,
 * 0 included, gives a good sequence. */
typedef struct rng {
    apr_uint64_t state;
} rng;

static apr_uint64_t rng_next(rng *g)
{
    apr_uint64_t z = (g->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double uniform(rng *g, double lo, double hi)
{
    return lo + (hi - lo) * (double)(rng_next(g) >> 11) / 9007199254740992.0;
}

static void random_colour(rng *g, int lo, int hi, unsigned char rgb[3])
{
    for (int c = 0; c < 3; c++) {
        rgb[c] = (unsigned char)uniform(g, lo, hi);
    }
}

static void blend(unsigned char *px, int x, int y, const unsigned char rgb[3], double alpha)
{
    if (x < 0 || y < 0 || x >= W || y >= H || alpha <= 0.0) {
        return;
    }
    unsigned char *p = px + 3 * ((apr_size_t)y * W + x);
    for (int c = 0; c < 3; c++) {
        p[c] = (unsigned char)lround(p[c] + (rgb[c] - p[c]) * alpha);
    }
}

/* A light background with a gentle left-to-right shift and grain. */
static void paint_background(unsigned char *px, rng *g)
{
    unsigned char from[3], to[3];
    random_colour(g, 225, 252, from);
    random_colour(g, 225, 252, to);
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            unsigned char *p = px + 3 * ((apr_size_t)y * W + x);
            double t = (double)x / (W - 1), grain = uniform(g, -6, 6);
            for (int c = 0; c < 3; c++) {
                p[c] = (unsigned char)lround(fmin(255, from[c] + (to[c] - from[c]) * t + grain));
            }
        }
    }
}

/* A curve from the left edge to the right one: a slope plus a sine. */
static void draw_noise_line(unsigned char *px, rng *g)
{
    double y0 = uniform(g, 6, H - 6), y1 = uniform(g, 6, H - 6);
    double amplitude = uniform(g, 0, 7), period = uniform(g, 40, 120), phase = uniform(g, 0, 6.3);
    int thickness = (int)uniform(g, 1, 3);
    unsigned char rgb[3];
    random_colour(g, 50, 170, rgb);
    for (double x = 0; x < W; x += 0.25) {
        double y = y0 + (y1 - y0) * x / W + amplitude * sin(2 * M_PI * x / period + phase);
        double below = y - floor(y);
        for (int k = 0; k < thickness; k++) {
            /* Split between the two rows the curve passes: no jagged steps. */
            blend(px, (int)x, (int)floor(y) + k, rgb, 0.35 * (1 - below));
            blend(px, (int)x, (int)floor(y) + k + 1, rgb, 0.35 * below);
        }
    }
}

static void draw_noise_dots(unsigned char *px, rng *g)
{
    unsigned char rgb[3];
    for (int i = 0; i < NOISE_DOTS; i++) {
        random_colour(g, 0, 255, rgb);
        blend(px, (int)uniform(g, 0, W), (int)uniform(g, 0, H), rgb, uniform(g, 0.5, 0.9));
    }
}

static const glyph *glyph_of(char ch)
{
    for (apr_size_t i = 0; i < sizeof(font) / sizeof(font[0]); i++) {
        if (font[i].ch == ch) {
            return &font[i];
        }
    }
    return NULL;
}

/* Where and how one character is drawn. */
typedef struct placement {
    double cx, cy;        /* centre, in pixels */
    double scale;         /* pixels per font cell */
    double cos_a, sin_a;  /* rotation */
    double shear;         /* horizontal slant per unit of height */
    unsigned char rgb[3]; /* ink */
} placement;

/* The baseline wave shared by all characters. */
typedef struct wave {
    double amplitude, period, phase;
} wave;

static double wave_at(const wave *wv, double x)
{
    return wv->amplitude * sin(2 * M_PI * x / wv->period + wv->phase);
}

static int cell(const glyph *gl, int col, int row)
{
    if (col < 0 || row < 0 || col >= GLYPH_COLS || row >= GLYPH_ROWS) {
        return 0;
    }
    return (gl->rows[row] >> (GLYPH_COLS - 1 - col)) & 1;
}

/* Where the image point (x, y) falls on the glyph's cell grid: columns and
 * rows from its top-left corner. */
static void grid_position(const placement *pl, const wave *wv, double x, double y, double *col, double *row)
{
    double dx = x - pl->cx, dy = y - pl->cy - wave_at(wv, x);
    double v = -pl->sin_a * dx + pl->cos_a * dy;
    double u = pl->cos_a * dx + pl->sin_a * dy - pl->shear * v;
    *col = u / pl->scale + GLYPH_COLS / 2.0;
    *row = v / pl->scale + GLYPH_ROWS / 2.0;
}

/* 1 when the grid position is ink. The cells are interpolated between their
 * centres and cut at INK_LEVEL, so strokes come out rounded and diagonal
 * neighbours join instead of touching at a corner; ink stays within a tenth
 * of a cell of the grid. */
#define INK_LEVEL 0.4
static int inked(const glyph *gl, double col, double row)
{
    int c0 = (int)floor(col - 0.5), r0 = (int)floor(row - 0.5);
    double fc = col - 0.5 - c0, fr = row - 0.5 - r0;
    double top = cell(gl, c0, r0) * (1 - fc) + cell(gl, c0 + 1, r0) * fc;
    double bottom = cell(gl, c0, r0 + 1) * (1 - fc) + cell(gl, c0 + 1, r0 + 1) * fc;
    return top * (1 - fr) + bottom * fr >= INK_LEVEL;
}

static void draw_glyph(unsigned char *px, const glyph *gl, const placement *pl, const wave *wv)
{
    /* Generous enough for the rotated, sheared and waved cell grid. */
    int reach = (int)ceil(pl->scale * 5.5 + wv->amplitude);
    for (int y = (int)pl->cy - reach; y <= (int)pl->cy + reach; y++) {
        for (int x = (int)pl->cx - reach; x <= (int)pl->cx + reach; x++) {
            double col, row;
            int hits = 0;
            /* A pixel whose centre is a cell away from the grid has no
             * sample on ink: skip the supersampling (most of the box). */
            grid_position(pl, wv, x + 0.5, y + 0.5, &col, &row);
            if (col < -1 || row < -1 || col > GLYPH_COLS + 1 || row > GLYPH_ROWS + 1) {
                continue;
            }
            for (int i = 0; i < SUPERSAMPLE * SUPERSAMPLE; i++) {
                grid_position(pl, wv, x + (i % SUPERSAMPLE + 0.5) / SUPERSAMPLE,
                              y + (i / SUPERSAMPLE + 0.5) / SUPERSAMPLE, &col, &row);
                hits += inked(gl, col, row);
            }
            blend(px, x, y, pl->rgb, (double)hits / (SUPERSAMPLE * SUPERSAMPLE));
        }
    }
}

static void place(placement *pl, rng *g, apr_size_t index, apr_size_t count)
{
    double slot = (double)(W - 2 * MARGIN) / (double)count;
    double angle = uniform(g, -0.30, 0.30);
    pl->cx = MARGIN + slot * ((double)index + 0.5) + uniform(g, -2.5, 2.5);
    pl->cy = H / 2.0 + uniform(g, -5, 5);
    pl->scale = uniform(g, 3.4, 4.2);
    pl->cos_a = cos(angle);
    pl->sin_a = sin(angle);
    pl->shear = uniform(g, -0.25, 0.25);
    random_colour(g, 10, 120, pl->rgb);
}

unsigned char *cc_captcha_render(const char *answer, apr_uint64_t seed, apr_pool_t *p)
{
    unsigned char *px = apr_palloc(p, (apr_size_t)W * H * 3);
    rng g = { seed };
    wave wv = { uniform(&g, 1.5, 4), uniform(&g, 50, 90), uniform(&g, 0, 6.3) };
    apr_size_t count = strlen(answer);
    paint_background(px, &g);
    for (int i = 0; i < LINES_BEHIND; i++) {
        draw_noise_line(px, &g);
    }
    for (apr_size_t i = 0; i < count; i++) {
        placement pl;
        const glyph *gl = glyph_of(answer[i]);
        place(&pl, &g, i, count);
        if (gl != NULL) {
            draw_glyph(px, gl, &pl, &wv);
        }
    }
    for (int i = 0; i < LINES_OVER; i++) {
        draw_noise_line(px, &g);
    }
    draw_noise_dots(px, &g);
    return px;
}

/* The libjpeg state of one encoding. It lives in the caller of the function
 * that calls setjmp, so a longjmp cannot clobber it. */
typedef struct jpeg_writer {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr err;
    jmp_buf escape;
    unsigned char *buf; /* malloc'd by jpeg_mem_dest */
    unsigned long size;
} jpeg_writer;

static void writer_escape(j_common_ptr cinfo)
{
    longjmp(((jpeg_writer *)cinfo->client_data)->escape, 1);
}

/* httpd's stderr is the error log: libjpeg prints nothing. */
static void writer_silent(j_common_ptr cinfo)
{
}

static int compress_rows(jpeg_writer *w, const unsigned char *rgb)
{
    j_compress_ptr cinfo = &w->cinfo;
    if (setjmp(w->escape)) {
        return 0;
    }
    jpeg_create_compress(cinfo); /* keeps err and client_data */
    jpeg_mem_dest(cinfo, &w->buf, &w->size);
    cinfo->image_width = W;
    cinfo->image_height = H;
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, JPEG_QUALITY, TRUE);
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (apr_size_t)cinfo->next_scanline * W * 3);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    return 1;
}

apr_status_t cc_captcha_jpeg(const unsigned char *rgb, apr_pool_t *p, const unsigned char **jpeg,
                             apr_size_t *len)
{
    jpeg_writer w;
    memset(&w, 0, sizeof w);
    w.cinfo.err = jpeg_std_error(&w.err);
    w.err.error_exit = writer_escape;
    w.err.output_message = writer_silent;
    w.cinfo.client_data = &w;
    int ok = compress_rows(&w, rgb);
    if (ok) {
        *jpeg = apr_pmemdup(p, w.buf, w.size);
        *len = w.size;
    }
    jpeg_destroy_compress(&w.cinfo);
    free(w.buf);
    return ok ? APR_SUCCESS : APR_EGENERAL;
}

apr_status_t cc_captcha_create(cc_captcha *out, apr_pool_t *p)
{
    apr_uint64_t seed;
    out->answer = cc_random_chars(cc_captcha_alphabet, CC_CAPTCHA_LENGTH, p);
    if (out->answer == NULL
        || apr_generate_random_bytes((unsigned char *)&seed, sizeof seed) != APR_SUCCESS) {
        return APR_EGENERAL;
    }
    return cc_captcha_jpeg(cc_captcha_render(out->answer, seed, p), p, &out->jpeg, &out->jpeg_len);
}

const char *cc_captcha_normalise(const char *typed, apr_pool_t *p)
{
    while (isspace((unsigned char)*typed)) {
        typed++;
    }
    apr_size_t n = strlen(typed);
    while (n > 0 && isspace((unsigned char)typed[n - 1])) {
        n--;
    }
    if (n > CC_CAPTCHA_LENGTH) {
        return NULL;
    }
    char *out = apr_pstrmemdup(p, typed, n);
    for (char *c = out; *c; c++) {
        *c = (char)toupper((unsigned char)*c);
    }
    return out;
}
