/* cc_photo_check on photos drawn and encoded here with libjpeg, one or more
 * cases per rule and its edges, and on the demo photos. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cc_unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jpeglib.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cc_photo_rules.h"

#ifndef CC_SRCDIR
#define CC_SRCDIR "."
#endif

static cc_photo_rules rules;

/* What to draw and how to encode it. */
typedef struct photo_spec {
    int width, height;
    J_COLOR_SPACE colour_space; /* JCS_RGB, JCS_GRAYSCALE or JCS_CMYK */
    int grey_pixels;            /* draw the portrait in grey levels only */
    unsigned char background[3];
    int quality;
    int progressive;          /* libjpeg's standard progressive script (10 scans) */
    int scan_per_coefficient; /* a progressive script of 190 scans */
    int jfif;                 /* write a JFIF APP0 with the density below */
    UINT8 density_unit;       /* 0 aspect ratio, 1 dots/inch, 2 dots/cm */
    UINT16 x_density, y_density;
    const unsigned char *app1; /* e.g. an EXIF payload, or NULL */
    size_t app1_len;
    size_t size; /* exact file size via a COM marker; 0: as encoded */
} photo_spec;

typedef struct photo {
    const unsigned char *data;
    size_t len;
} photo;

/* A photo that passes every rule. */
static photo_spec valid_spec(void)
{
    photo_spec spec = {
        .width = 178,
        .height = 220,
        .colour_space = JCS_RGB,
        .background = { 255, 255, 255 },
        .quality = 75,
        .jfif = 1,
        .density_unit = 1,
        .x_density = 96,
        .y_density = 96,
        .size = 15000,
    };
    return spec;
}

/* ---- drawing: white background, jacket, neck, hair, face, mild noise */

static int in_ellipse(double x, double y, double cx, double cy, double rx, double ry)
{
    double dx = (x - cx) / rx, dy = (y - cy) / ry;
    return dx * dx + dy * dy <= 1;
}

static void portrait_pixel(const photo_spec *spec, int px, int py, unsigned *noise, unsigned char rgb[3])
{
    static const unsigned char jacket[3] = { 40, 52, 84 }, skin[3] = { 228, 182, 150 },
                               hair[3] = { 42, 30, 24 };
    double w = spec->width, h = spec->height, x = px, y = py;
    const unsigned char *colour = spec->background;

    if (in_ellipse(x, y, w / 2, h * 1.05, w * 0.55, h * 0.33))
        colour = jacket;
    else if (y > h * 0.55 && x > w * 0.42 && x < w * 0.58)
        colour = skin; /* neck */
    else if (in_ellipse(x, y, w / 2, h * 0.42, w * 0.2, h * 0.2))
        colour = skin;
    else if (in_ellipse(x, y, w / 2, h * 0.36, w * 0.23, h * 0.2))
        colour = hair;
    for (int c = 0; c < 3; c++) {
        int value = colour[c];

        if (colour != spec->background) {
            *noise = *noise * 1103515245u + 12345u;
            value += (int)(*noise >> 16) % 13 - 6;
        }
        rgb[c] = (unsigned char)(value < 0 ? 0 : value > 255 ? 255 : value);
    }
    if (spec->grey_pixels || spec->colour_space == JCS_GRAYSCALE)
        rgb[0] = rgb[1] = rgb[2] = (unsigned char)((rgb[0] * 299 + rgb[1] * 587 + rgb[2] * 114) / 1000);
}

/* One row in the encoder's input layout. */
static void draw_row(const photo_spec *spec, int y, unsigned *noise, JSAMPLE *row)
{
    for (int x = 0; x < spec->width; x++) {
        unsigned char rgb[3];

        portrait_pixel(spec, x, y, noise, rgb);
        if (spec->colour_space == JCS_GRAYSCALE)
            row[x] = rgb[0];
        else if (spec->colour_space == JCS_CMYK) {
            for (int c = 0; c < 3; c++)
                row[x * 4 + c] = (JSAMPLE)(255 - rgb[c]);
            row[x * 4 + 3] = 0;
        } else
            memcpy(row + x * 3, rgb, 3);
    }
}

static int components_of(J_COLOR_SPACE colour_space)
{
    return colour_space == JCS_GRAYSCALE ? 1 : colour_space == JCS_CMYK ? 4 : 3;
}

/* A legal but abusive progressive script: the DC of all components, then
 * each AC coefficient of each component in a scan of its own. */
static void use_scan_per_coefficient(struct jpeg_compress_struct *cinfo)
{
    static jpeg_scan_info scans[1 + 3 * 63];
    int n = 0;

    scans[n++] = (jpeg_scan_info){ .comps_in_scan = 3, .component_index = { 0, 1, 2 } };
    for (int c = 0; c < 3; c++)
        for (int k = 1; k < 64; k++)
            scans[n++] = (jpeg_scan_info){ .comps_in_scan = 1, .component_index = { c }, .Ss = k, .Se = k };
    cinfo->scan_info = scans;
    cinfo->num_scans = n;
}

/* Encodes spec, with a COM marker of comment_len bytes when comment_len >= 0. */
static photo encode(const photo_spec *spec, long comment_len)
{
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr err;
    unsigned char *out = NULL;
    unsigned long out_len = 0;
    JSAMPLE *row = malloc((size_t)spec->width * 4);
    unsigned noise = 1;
    photo result;

    cinfo.err = jpeg_std_error(&err);
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &out, &out_len);
    cinfo.image_width = (JDIMENSION)spec->width;
    cinfo.image_height = (JDIMENSION)spec->height;
    cinfo.input_components = components_of(spec->colour_space);
    cinfo.in_color_space = spec->colour_space;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, spec->quality, TRUE);
    if (spec->progressive)
        jpeg_simple_progression(&cinfo);
    if (spec->scan_per_coefficient)
        use_scan_per_coefficient(&cinfo);
    cinfo.write_JFIF_header = (boolean)spec->jfif;
    cinfo.density_unit = spec->density_unit;
    cinfo.X_density = spec->x_density;
    cinfo.Y_density = spec->y_density;
    jpeg_start_compress(&cinfo, TRUE);
    if (spec->app1)
        jpeg_write_marker(&cinfo, JPEG_APP0 + 1, spec->app1, (unsigned)spec->app1_len);
    if (comment_len >= 0) {
        JOCTET *comment = malloc((size_t)comment_len + 1);

        memset(comment, 'x', (size_t)comment_len);
        jpeg_write_marker(&cinfo, JPEG_COM, comment, (unsigned)comment_len);
        free(comment);
    }
    while (cinfo.next_scanline < cinfo.image_height) {
        draw_row(spec, (int)cinfo.next_scanline, &noise, row);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    result.data = apr_pmemdup(pool, out, out_len);
    result.len = out_len;
    free(out);
    free(row);
    return result;
}

/* The photo of spec, padded to exactly spec->size bytes by a COM marker
 * (4 bytes of marker and length, then the comment) when a size is given. */
static photo make_photo(const photo_spec *spec)
{
    photo bare = encode(spec, -1);

    if (spec->size == 0)
        return bare;
    assert_true(bare.len + 4 <= spec->size);
    bare = encode(spec, (long)(spec->size - bare.len - 4));
    assert_int_equal(bare.len, spec->size);
    return bare;
}

/* Writes TIFF integers in either byte order. */
typedef struct tiff_writer {
    unsigned char *at;
    int big_endian;
} tiff_writer;

static void put(tiff_writer *w, unsigned value, int bytes)
{
    for (int i = 0; i < bytes; i++)
        *w->at++ = (unsigned char)(value >> 8 * (w->big_endian ? bytes - 1 - i : i));
}

#define EXIF_MAX 84

/* An EXIF APP1 payload whose IFD0 holds Orientation (unless 0),
 * XResolution x/1, YResolution y/1 and ResolutionUnit, in either byte
 * order; returns its length. */
static size_t make_exif_oriented(unsigned char out[EXIF_MAX], int big_endian, unsigned x, unsigned y,
                                 unsigned unit, unsigned orientation)
{
    tiff_writer w = { out + 6, big_endian };
    unsigned entries = orientation ? 4 : 3, rationals = 8 + 2 + 12 * entries + 4;

    memcpy(out, "Exif\0\0", 6);
    memcpy(w.at, big_endian ? "MM\0*" : "II*\0", 4);
    w.at += 4;
    put(&w, 8, 4);       /* IFD0 offset */
    put(&w, entries, 2); /* entries: tag, type, count, value */
    if (orientation)
        put(&w, 0x0112, 2), put(&w, 3, 2), put(&w, 1, 4), put(&w, orientation, 2), put(&w, 0, 2);
    put(&w, 0x011A, 2), put(&w, 5, 2), put(&w, 1, 4), put(&w, rationals, 4);
    put(&w, 0x011B, 2), put(&w, 5, 2), put(&w, 1, 4), put(&w, rationals + 8, 4);
    put(&w, 0x0128, 2), put(&w, 3, 2), put(&w, 1, 4), put(&w, unit, 2), put(&w, 0, 2);
    put(&w, 0, 4);                /* no next IFD */
    put(&w, x, 4), put(&w, 1, 4); /* the rationals */
    put(&w, y, 4), put(&w, 1, 4);
    return (size_t)(w.at - out);
}

static size_t make_exif(unsigned char out[EXIF_MAX], int big_endian, unsigned x, unsigned y, unsigned unit)
{
    return make_exif_oriented(out, big_endian, x, y, unit, 0);
}

/* Offset of the first marker FF m among the segments before the scan data. */
static size_t find_marker(photo ph, unsigned char m)
{
    size_t at = 2;

    while (at + 4 <= ph.len && ph.data[at] == 0xFF) {
        if (ph.data[at + 1] == m)
            return at;
        if (ph.data[at + 1] == 0xDA)
            break;
        at += 2 + ((size_t)ph.data[at + 2] << 8 | ph.data[at + 3]);
    }
    fail_msg("marker FF %02X not found", m);
    return 0;
}

/* ---- assertions */

static apr_array_header_t *check(photo ph)
{
    return cc_photo_check(&rules, ph.data, ph.len, pool);
}

/* The problems are exactly the codes given (NULL-terminated), in order, and
 * each has a message. */
static void assert_codes(const apr_array_header_t *problems, ...)
{
    const cc_photo_problem *problem = (const cc_photo_problem *)problems->elts;
    const char *code;
    int i = 0;
    va_list codes;

    va_start(codes, problems);
    for (; (code = va_arg(codes, const char *)) != NULL; i++) {
        assert_true(i < problems->nelts);
        assert_string_equal(problem[i].code, code);
        assert_true(problem[i].message != NULL && problem[i].message[0] != '\0');
    }
    va_end(codes);
    assert_int_equal(problems->nelts, i);
}

static const char *message_of(const apr_array_header_t *problems, const char *code)
{
    const cc_photo_problem *problem = (const cc_photo_problem *)problems->elts;

    for (int i = 0; i < problems->nelts; i++)
        if (strcmp(problem[i].code, code) == 0)
            return problem[i].message;
    fail_msg("no problem %s", code);
    return NULL;
}

static void assert_passes(const photo_spec *spec)
{
    assert_codes(check(make_photo(spec)), NULL);
}

/* ---- valid photos */

static void test_valid_photo_passes(void **state)
{
    photo_spec spec = valid_spec();

    assert_passes(&spec);
}

static void test_progressive_photo_passes(void **state)
{
    photo_spec spec = valid_spec();

    spec.progressive = 1;
    assert_passes(&spec);
}

static void test_off_white_background_passes(void **state)
{
    photo_spec spec = valid_spec();

    memcpy(spec.background, (unsigned char[3]){ 232, 230, 226 }, 3);
    assert_passes(&spec);
}

static void test_demo_photos_pass(void **state)
{
    static const char *const names[] = {
        "110000000001.jpg",
        "110000000003.jpg",
        "110000000002-reference.jpg",
        "110000000002-upload-match.jpg",
        "110000000002-upload-nomatch.jpg",
    };
    unsigned char buffer[64 * 1024];

    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *path = apr_pstrcat(pool, CC_SRCDIR, "/sql/demo/photos/", names[i], NULL);
        FILE *file = fopen(path, "rb");
        photo ph = { buffer, 0 };

        if (file == NULL)
            fail_msg("cannot open %s", path);
        ph.len = fread(buffer, 1, sizeof buffer, file);
        fclose(file);
        assert_codes(check(ph), NULL);
    }
}

/* ---- file size: 10 KB = 10240 bytes, 20 KB = 20480 bytes, both inclusive */

static void test_size_bounds_are_inclusive(void **state)
{
    photo_spec spec = valid_spec();

    spec.size = 10240;
    assert_passes(&spec);
    spec.size = 20480;
    assert_passes(&spec);
}

static void test_size_just_outside_is_refused(void **state)
{
    photo_spec spec = valid_spec();
    apr_array_header_t *problems;

    spec.size = 10239;
    assert_codes(check(make_photo(&spec)), "file_too_small", NULL);
    spec.size = 20481;
    problems = check(make_photo(&spec));
    assert_codes(problems, "file_too_large", NULL);
    assert_non_null(strstr(message_of(problems, "file_too_large"), "20481字节"));
}

/* ---- dimensions */

static void test_wrong_dimensions_are_refused(void **state)
{
    photo_spec spec = valid_spec();
    apr_array_header_t *problems;

    spec.width = 177;
    problems = check(make_photo(&spec));
    assert_codes(problems, "bad_dimensions", NULL);
    assert_non_null(strstr(message_of(problems, "bad_dimensions"), "当前为177×220"));
    spec.width = 178;
    spec.height = 221;
    assert_codes(check(make_photo(&spec)), "bad_dimensions", NULL);
    spec.width = 220;
    spec.height = 178;
    assert_codes(check(make_photo(&spec)), "bad_dimensions", NULL);
}

/* A real photo whose SOF0 is rewritten to claim 30000x30000 pixels: refused
 * from the header alone, long before anything of that size could be decoded. */
static void test_huge_header_is_refused_quickly(void **state)
{
    photo_spec spec = valid_spec();
    photo ph = make_photo(&spec);
    unsigned char *patched = apr_pmemdup(pool, ph.data, ph.len);
    size_t sof = find_marker(ph, 0xC0);
    struct timespec start, end;
    apr_array_header_t *problems;

    patched[sof + 5] = patched[sof + 7] = 30000 >> 8; /* height, width */
    patched[sof + 6] = patched[sof + 8] = 30000 & 0xFF;
    ph.data = patched;
    clock_gettime(CLOCK_MONOTONIC, &start);
    problems = check(ph);
    clock_gettime(CLOCK_MONOTONIC, &end);
    assert_codes(problems, "bad_dimensions", NULL);
    assert_non_null(strstr(message_of(problems, "bad_dimensions"), "当前为30000×30000"));
    assert_true((end.tv_sec - start.tv_sec) * 1000.0 + (end.tv_nsec - start.tv_nsec) / 1e6 < 100);
}

/* ---- density: JFIF units 1 (dpi) and 2 (dpcm x 2.54), else EXIF */

static void test_density_edges(void **state)
{
    photo_spec spec = valid_spec();
    apr_array_header_t *problems;

    spec.x_density = spec.y_density = 96;
    assert_passes(&spec);
    spec.x_density = spec.y_density = 95;
    assert_codes(check(make_photo(&spec)), "low_density", NULL);
    spec.x_density = 96; /* one axis short is enough */
    assert_codes(check(make_photo(&spec)), "low_density", NULL);
    spec.density_unit = 2;
    spec.x_density = spec.y_density = 38; /* 96.52 dpi */
    assert_passes(&spec);
    spec.x_density = spec.y_density = 37; /* 93.98 dpi */
    problems = check(make_photo(&spec));
    assert_codes(problems, "low_density", NULL);
    assert_non_null(strstr(message_of(problems, "low_density"), "93.98×93.98"));
}

static void test_unknown_density_is_refused(void **state)
{
    photo_spec spec = valid_spec();

    spec.density_unit = 0; /* JFIF aspect ratio only */
    spec.x_density = spec.y_density = 1;
    assert_codes(check(make_photo(&spec)), "no_density", NULL);
    spec.jfif = 0; /* no JFIF, no EXIF */
    assert_codes(check(make_photo(&spec)), "no_density", NULL);
}

static void test_exif_density_is_read(void **state)
{
    photo_spec spec = valid_spec();
    unsigned char exif[EXIF_MAX];

    spec.jfif = 0;
    spec.app1 = exif;
    spec.app1_len = make_exif(exif, 0, 300, 300, 2);
    assert_passes(&spec);
    spec.app1_len = make_exif(exif, 1, 72, 72, 2);
    assert_codes(check(make_photo(&spec)), "low_density", NULL);
    spec.app1_len = make_exif(exif, 1, 38, 38, 3); /* dots per cm */
    assert_passes(&spec);
    spec.app1_len = make_exif(exif, 0, 300, 300, 1); /* "no unit" */
    assert_codes(check(make_photo(&spec)), "no_density", NULL);
    spec.jfif = 1; /* JFIF units 0 defers to EXIF */
    spec.density_unit = 0;
    spec.app1_len = make_exif(exif, 0, 96, 96, 2);
    assert_passes(&spec);
}

/* ---- EXIF orientation: judged as viewers show the photo */

/* spec with an EXIF of that orientation (0: none) in either byte order. */
static apr_array_header_t *check_oriented(photo_spec spec, int big_endian, unsigned orientation)
{
    unsigned char exif[EXIF_MAX];

    spec.app1 = exif;
    spec.app1_len = make_exif_oriented(exif, big_endian, 96, 96, 2, orientation);
    return check(make_photo(&spec));
}

static void test_upright_or_untagged_photos_pass_as_before(void **state)
{
    photo_spec spec = valid_spec();

    assert_codes(check_oriented(spec, 0, 1), NULL);
    assert_codes(check_oriented(spec, 1, 1), NULL);
    assert_codes(check_oriented(spec, 1, 0), NULL);
    assert_codes(check_oriented(spec, 0, 0), NULL);
    /* Values outside 1-8 mean nothing to viewers: shown as stored. */
    assert_codes(check_oriented(spec, 0, 9), NULL);
    assert_codes(check_oriented(spec, 1, 0xFFFF), NULL);
}

/* 178x220 stored, shown turned a quarter: 220x178 on screen. */
static void test_a_photo_shown_sideways_is_refused(void **state)
{
    photo_spec spec = valid_spec();

    for (int big_endian = 0; big_endian <= 1; big_endian++) {
        apr_array_header_t *problems = check_oriented(spec, big_endian, 6);

        assert_codes(problems, "bad_dimensions", "exif_orientation", NULL);
        assert_non_null(strstr(message_of(problems, "bad_dimensions"), "当前为220×178"));
        assert_non_null(strstr(message_of(problems, "exif_orientation"), "值为6：查看时顺时针旋转90°显示"));
        assert_codes(check_oriented(spec, big_endian, 8), "bad_dimensions", "exif_orientation", NULL);
    }
}

/* Upside down, or mirrored: the right size, still not what the PDF shows. */
static void test_a_photo_shown_upside_down_or_mirrored_is_refused(void **state)
{
    photo_spec spec = valid_spec();
    apr_array_header_t *problems = check_oriented(spec, 0, 3);

    assert_codes(problems, "exif_orientation", NULL);
    assert_non_null(strstr(message_of(problems, "exif_orientation"), "旋转180°"));
    assert_non_null(strstr(message_of(problems, "exif_orientation"), "转正"));
    assert_codes(check_oriented(spec, 1, 2), "exif_orientation", NULL);
    assert_codes(check_oriented(spec, 1, 4), "exif_orientation", NULL);
}

/* A phone's 220x178 file that viewers turn upright (178x220): the size is
 * right as shown, and it is refused for its tag alone, with what to do. */
static void test_a_sideways_file_shown_upright_is_refused_for_its_tag_only(void **state)
{
    photo_spec spec = valid_spec();

    spec.width = 220;
    spec.height = 178;
    for (unsigned orientation = 5; orientation <= 8; orientation++)
        assert_codes(check_oriented(spec, orientation & 1, orientation), "exif_orientation", NULL);
    assert_codes(check_oriented(spec, 0, 1), "bad_dimensions", NULL);
}

/* The orientation of any EXIF counts (viewers differ in which they read);
 * an IFD cut short is read no further than its marker. */
static void test_orientation_in_a_later_exif_or_a_cut_ifd(void **state)
{
    photo_spec spec = valid_spec();
    unsigned char exif[EXIF_MAX];
    photo ph;
    size_t at;
    unsigned char *two;

    spec.app1 = exif;
    spec.app1_len = make_exif_oriented(exif, 0, 96, 96, 2, 3);
    ph = make_photo(&spec);
    /* a first, upright EXIF in front of the one that turns it */
    at = find_marker(ph, 0xE1);
    two = apr_palloc(pool, ph.len + 4 + spec.app1_len);
    memcpy(two, ph.data, at);
    two[at] = 0xFF, two[at + 1] = 0xE1;
    two[at + 2] = (unsigned char)((spec.app1_len + 2) >> 8), two[at + 3] = (unsigned char)(spec.app1_len + 2);
    make_exif_oriented(two + at + 4, 0, 96, 96, 2, 1);
    memcpy(two + at + 4 + spec.app1_len, ph.data + at, ph.len - at);
    assert_codes(cc_photo_check(&rules, two, ph.len + 4 + spec.app1_len, pool), "exif_orientation", NULL);
    /* entries claimed beyond the marker's end: nothing read, as untagged */
    spec.app1_len = make_exif_oriented(exif, 0, 96, 96, 2, 6);
    exif[6 + 8] = 200;
    assert_codes(check(make_photo(&spec)), NULL);
}

/* ---- colour and background */

static void test_greyscale_is_refused(void **state)
{
    photo_spec spec = valid_spec();

    spec.colour_space = JCS_GRAYSCALE; /* one component */
    assert_codes(check(make_photo(&spec)), "not_colour", NULL);
    spec.colour_space = JCS_RGB; /* three components, grey pixels */
    spec.grey_pixels = 1;
    assert_codes(check(make_photo(&spec)), "not_colour", NULL);
}

static void test_cmyk_is_refused(void **state)
{
    photo_spec spec = valid_spec();

    spec.colour_space = JCS_CMYK;
    assert_codes(check(make_photo(&spec)), "unsupported_colour_space", NULL);
}

static void test_coloured_backgrounds_are_refused(void **state)
{
    static const unsigned char backgrounds[][3] = {
        { 128, 128, 128 }, /* grey */
        { 190, 190, 190 }, /* light grey, just under white_min */
        { 67, 142, 219 },  /* the usual ID-photo blue */
        { 220, 40, 40 },   /* red */
    };
    photo_spec spec = valid_spec();

    for (size_t i = 0; i < sizeof backgrounds / sizeof *backgrounds; i++) {
        memcpy(spec.background, backgrounds[i], 3);
        assert_codes(check(make_photo(&spec)), "background_not_white", NULL);
    }
}

/* ---- damaged and foreign files */

static void test_truncated_scan_is_corrupt(void **state)
{
    photo_spec spec = valid_spec();
    photo ph;
    size_t sos;

    spec.size = 20000; /* the cut copy stays over 10 KB */
    ph = make_photo(&spec);
    sos = find_marker(ph, 0xDA);
    ph.len = sos + (ph.len - sos) / 2;
    assert_codes(check(ph), "corrupt", NULL);
    ph = make_photo(&spec);
    ph.len -= 2; /* every pixel there, EOI missing */
    assert_codes(check(ph), "corrupt", NULL);
}

/* Each scan makes libjpeg pass over the whole image again. */
static void test_scan_flood_is_refused(void **state)
{
    photo_spec spec = valid_spec();

    spec.size = 0;
    spec.scan_per_coefficient = 1;
    assert_non_null(message_of(check(make_photo(&spec)), "corrupt"));
}

static void test_non_jpeg_is_refused(void **state)
{
    static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                         0,    0,   0,   13,  'I',  'H',  'D',  'R' };
    unsigned char *noise = apr_palloc(pool, 15000);
    unsigned seed = 7;

    for (size_t i = 0; i < 15000; i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (unsigned char)(seed >> 16);
    }
    noise[0] = 0x00; /* never an SOI by chance */
    assert_codes(check((photo){ png, sizeof png }), "file_too_small", "not_jpeg", NULL);
    assert_codes(check((photo){ NULL, 0 }), "file_too_small", "not_jpeg", NULL);
    assert_codes(check((photo){ noise, 15000 }), "not_jpeg", NULL);
}

static void test_soi_then_garbage_is_corrupt(void **state)
{
    unsigned char *data = apr_pcalloc(pool, 12000);

    data[0] = 0xFF;
    data[1] = 0xD8;
    data[2] = 0xFF;
    data[3] = 0x01;
    assert_codes(check((photo){ data, 12000 }), "corrupt", NULL);
}

/* ---- every problem at once */

static void test_all_problems_are_reported_together(void **state)
{
    photo_spec spec = valid_spec();

    spec.size = 0; /* as encoded: a few KB */
    spec.width = 177;
    spec.x_density = spec.y_density = 72;
    spec.colour_space = JCS_GRAYSCALE; /* not judged: no pixels of a wrong size */
    assert_codes(check(make_photo(&spec)), "file_too_small", "bad_dimensions", "low_density", NULL);
    spec.width = 178;
    spec.size = 9000;
    memcpy(spec.background, (unsigned char[3]){ 67, 142, 219 }, 3);
    assert_codes(check(make_photo(&spec)), "file_too_small", "low_density", "not_colour",
                 "background_not_white", NULL);
}

static int setup(void **state)
{
    cc_photo_rules_default(&rules);
    return cc_unit_setup(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_valid_photo_passes, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_progressive_photo_passes, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_off_white_background_passes, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_demo_photos_pass, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_size_bounds_are_inclusive, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_size_just_outside_is_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_wrong_dimensions_are_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_huge_header_is_refused_quickly, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_density_edges, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_unknown_density_is_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_exif_density_is_read, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_upright_or_untagged_photos_pass_as_before, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_a_photo_shown_sideways_is_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_a_photo_shown_upside_down_or_mirrored_is_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_a_sideways_file_shown_upright_is_refused_for_its_tag_only,
                                  cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_orientation_in_a_later_exif_or_a_cut_ifd, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_greyscale_is_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_cmyk_is_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_coloured_backgrounds_are_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_truncated_scan_is_corrupt, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_scan_flood_is_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_non_jpeg_is_refused, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_soi_then_garbage_is_corrupt, cc_unit_clear_pool),
        cmocka_unit_test_teardown(test_all_problems_are_reported_together, cc_unit_clear_pool),
    };

    return cmocka_run_group_tests(tests, setup, cc_unit_teardown);
}
