/* The ID-photo rules of the guide, checked with libjpeg on the uploaded bytes.
 *
 * Order of work: the size, then the SOI marker, then the header (markers up
 * to the first scan: no pixel buffers yet), and only when the header shows
 * exactly width x height pixels in a colour space libjpeg can turn into RGB
 * are the pixels decoded, one row at a time into a pool buffer of width x 3
 * bytes.  Every rule that can be judged is judged, so the member sees all
 * problems at once.  libjpeg never exits or prints here: the cc_jpeg
 * reader turns its errors, its warnings (corrupt data) and floods of scans
 * into a longjmp, and each of those refuses the file as corrupt. */
#include "cc_photo_rules.h"

#include <string.h>

#include <apr_strings.h>

#include "cc_jpeg.h"

#define CM_PER_INCH 2.54
#define JFIF_UNIT_INCH 1
#define JFIF_UNIT_CM 2

/* The few TIFF (EXIF IFD0) fields read: the density and the orientation. */
#define TIFF_ORIENTATION 0x0112
#define TIFF_X_RESOLUTION 0x011A
#define TIFF_Y_RESOLUTION 0x011B
#define TIFF_RESOLUTION_UNIT 0x0128
#define TIFF_SHORT 3
#define TIFF_RATIONAL 5
#define TIFF_UNIT_INCH 2
#define TIFF_UNIT_CM 3
#define TIFF_ENTRY_BYTES 12

/* EXIF Orientation: 1 is upright; 2-8 tell viewers to flip and/or rotate
 * the stored pixels; 5-8 turn them a quarter, swapping width and height. */
#define ORIENTATION_UPRIGHT 1
#define ORIENTATION_LAST 8
#define ORIENTATION_FIRST_QUARTER_TURN 5

/* A density in dots per inch, when the file records one. */
typedef struct photo_density {
    int known;
    double x_dpi;
    double y_dpi;
} photo_density;

/* What the colour and background rules need, counted row by row. */
typedef struct pixel_tally {
    apr_size_t total;      /* all pixels */
    apr_size_t coloured;   /* pixels whose chroma reaches colour_min_chroma */
    apr_size_t band;       /* pixels in the background band */
    apr_size_t band_white; /* band pixels whose every channel reaches white_min */
} pixel_tally;

/* A TIFF structure inside an EXIF APP1 marker. */
typedef struct tiff_view {
    const unsigned char *data;
    apr_size_t len;
    int big_endian;
} tiff_view;

/* What the first IFD of an EXIF APP1 says (absent fields as TIFF defaults
 * them: inches, upright); resolutions -1 when absent or unusable. */
typedef struct exif_ifd0 {
    double x_resolution, y_resolution;
    apr_uint32_t resolution_unit;
    apr_uint32_t orientation;
} exif_ifd0;

/* The photo as a viewer shows it: the stored size turned by the EXIF
 * orientation (1 when absent). */
typedef struct photo_view {
    apr_uint32_t orientation;
    JDIMENSION width, height;
} photo_view;

void cc_photo_rules_default(cc_photo_rules *rules)
{
    rules->min_bytes = 10 * 1024;
    rules->max_bytes = 20 * 1024;
    rules->width = 178;
    rules->height = 220;
    rules->min_dpi = 96;
    rules->border_px = 8;
    rules->white_min = 200;
    rules->white_share_pct = 90;
    rules->colour_min_chroma = 24;
    rules->colour_share_pct = 2;
}

static void add_problem(apr_array_header_t *problems, const char *code, const char *message)
{
    cc_photo_problem *problem = apr_array_push(problems);
    problem->code = code;
    problem->message = message;
}

static void add_corrupt(apr_array_header_t *problems)
{
    add_problem(problems, "corrupt", "照片文件已损坏或不完整，无法读取");
}

/* Creates the decompressor and reads the markers up to the first scan: the
 * dimensions, the JFIF density and the APP1 (EXIF) markers, which are kept.
 * False when libjpeg gives up or warns. */
static int read_header(cc_jpeg_reader *reader, const unsigned char *data, apr_size_t len)
{
    j_decompress_ptr cinfo = &reader->cinfo;

    if (setjmp(reader->escape))
        return 0;
    cc_jpeg_reader_create(reader);
    jpeg_mem_src(cinfo, data, len);
    jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
    return jpeg_read_header(cinfo, TRUE) == JPEG_HEADER_OK;
}

/* ---- pixels */

/* Locals rather than fields in the loops below: stores through a pointer
 * would force reloads, since JSAMPLE (unsigned char) aliases everything. */
static void tally_band(pixel_tally *tally, const cc_photo_rules *rules, const JSAMPLE *row, int from, int to)
{
    const int white_min = rules->white_min;
    apr_size_t white = 0;

    for (const JSAMPLE *rgb = row + from * 3; rgb < row + to * 3; rgb += 3)
        white += rgb[0] >= white_min && rgb[1] >= white_min && rgb[2] >= white_min;
    tally->band_white += white;
    tally->band += (apr_size_t)(to - from);
}

/* Counts the coloured pixels of row y, and the white ones of the band that
 * must be background: the top border_px rows, and border_px columns at each
 * side over the upper half (shoulders may reach the sides and the bottom
 * edge, so those are not measured). */
static void tally_row(pixel_tally *tally, const cc_photo_rules *rules, const JSAMPLE *row, int y)
{
    const JSAMPLE *end = row + rules->width * 3;
    const int min_chroma = rules->colour_min_chroma;
    apr_size_t coloured = 0;

    for (const JSAMPLE *rgb = row; rgb < end; rgb += 3) {
        int lo = rgb[0] < rgb[1] ? rgb[0] : rgb[1];
        int hi = rgb[0] < rgb[1] ? rgb[1] : rgb[0];

        lo = rgb[2] < lo ? rgb[2] : lo;
        hi = rgb[2] > hi ? rgb[2] : hi;
        coloured += hi - lo >= min_chroma;
    }
    tally->coloured += coloured;
    tally->total += (apr_size_t)rules->width;
    if (y < rules->border_px)
        tally_band(tally, rules, row, 0, rules->width);
    else if (y < rules->height / 2) {
        tally_band(tally, rules, row, 0, rules->border_px);
        tally_band(tally, rules, row, rules->width - rules->border_px, rules->width);
    }
}

/* Decodes every row to RGB and tallies it; false when libjpeg gives up or
 * warns (corrupt or truncated data).  Called only once the header showed
 * exactly rules->width x rules->height pixels, so the row buffer fits. */
static int decode_pixels(cc_jpeg_reader *reader, const cc_photo_rules *rules, pixel_tally *tally,
                         apr_pool_t *p)
{
    j_decompress_ptr cinfo = &reader->cinfo;
    /* libjpeg-turbo's SIMD colour conversion writes a 16-byte-aligned row
     * with non-temporal stores, which bypass the cache, and reading the row
     * right back then waits on memory.  An odd address keeps the stores
     * ordinary: the whole check runs about 2.5 times faster. */
    JSAMPROW row = (JSAMPROW)apr_palloc(p, (apr_size_t)rules->width * 3 + 1) + 1;

    if (setjmp(reader->escape))
        return 0;
    cinfo->out_color_space = JCS_RGB;
    jpeg_start_decompress(cinfo);
    while (cinfo->output_scanline < cinfo->output_height) {
        int y = (int)cinfo->output_scanline;

        if (jpeg_read_scanlines(cinfo, &row, 1) != 1)
            return 0;
        tally_row(tally, rules, row, y);
    }
    jpeg_finish_decompress(cinfo); /* reads on to EOI: a cut file warns here */
    return 1;
}

/* ---- density: JFIF APP0, else EXIF IFD0 */

/* units_per_inch: how many of the density's length units make an inch. */
static photo_density density_of(double x, double y, double units_per_inch)
{
    photo_density density = { 1, x * units_per_inch, y * units_per_inch };
    return density;
}

static photo_density jfif_density(const struct jpeg_decompress_struct *cinfo)
{
    photo_density unknown = { 0, 0, 0 };

    if (!cinfo->saw_JFIF_marker)
        return unknown;
    switch (cinfo->density_unit) {
    case JFIF_UNIT_INCH:
        return density_of(cinfo->X_density, cinfo->Y_density, 1);
    case JFIF_UNIT_CM:
        return density_of(cinfo->X_density, cinfo->Y_density, CM_PER_INCH);
    default: /* 0: an aspect ratio only */
        return unknown;
    }
}

static apr_uint32_t tiff_u16(const tiff_view *tiff, const unsigned char *at)
{
    return tiff->big_endian ? (apr_uint32_t)at[0] << 8 | at[1] : (apr_uint32_t)at[1] << 8 | at[0];
}

static apr_uint32_t tiff_u32(const tiff_view *tiff, const unsigned char *at)
{
    return tiff->big_endian ? tiff_u16(tiff, at) << 16 | tiff_u16(tiff, at + 2)
                            : tiff_u16(tiff, at + 2) << 16 | tiff_u16(tiff, at);
}

/* The RATIONAL at offset, or -1 when it lies outside the data or divides by 0. */
static double tiff_rational(const tiff_view *tiff, apr_uint32_t offset)
{
    apr_uint32_t denominator;

    if (offset > tiff->len || tiff->len - offset < 8)
        return -1;
    denominator = tiff_u32(tiff, tiff->data + offset + 4);
    if (denominator == 0)
        return -1;
    return (double)tiff_u32(tiff, tiff->data + offset) / denominator;
}

/* XResolution, YResolution, ResolutionUnit and Orientation from the
 * first IFD of the TIFF data; every read bounded by its length. */
static exif_ifd0 tiff_ifd0(const tiff_view *tiff)
{
    exif_ifd0 tags = { -1, -1, TIFF_UNIT_INCH, ORIENTATION_UPRIGHT };
    apr_uint32_t ifd = tiff_u32(tiff, tiff->data + 4), entries;

    if (ifd > tiff->len || tiff->len - ifd < 2)
        return tags;
    entries = tiff_u16(tiff, tiff->data + ifd);
    if (entries > (tiff->len - ifd - 2) / TIFF_ENTRY_BYTES)
        return tags;
    for (apr_uint32_t i = 0; i < entries; i++) {
        const unsigned char *entry = tiff->data + ifd + 2 + i * TIFF_ENTRY_BYTES;
        apr_uint32_t tag = tiff_u16(tiff, entry), type = tiff_u16(tiff, entry + 2);

        if (tag == TIFF_X_RESOLUTION && type == TIFF_RATIONAL)
            tags.x_resolution = tiff_rational(tiff, tiff_u32(tiff, entry + 8));
        else if (tag == TIFF_Y_RESOLUTION && type == TIFF_RATIONAL)
            tags.y_resolution = tiff_rational(tiff, tiff_u32(tiff, entry + 8));
        else if (tag == TIFF_RESOLUTION_UNIT && type == TIFF_SHORT)
            tags.resolution_unit = tiff_u16(tiff, entry + 8);
        else if (tag == TIFF_ORIENTATION && type == TIFF_SHORT)
            tags.orientation = tiff_u16(tiff, entry + 8);
    }
    return tags;
}

/* The IFD0 of an APP1 marker that holds EXIF ("Exif\0\0" + TIFF); false
 * when it holds something else. */
static int exif_read(const unsigned char *data, apr_size_t len, exif_ifd0 *tags)
{
    static const unsigned char exif_id[6] = { 'E', 'x', 'i', 'f', 0, 0 };
    tiff_view tiff;

    if (len < sizeof exif_id + 8 || memcmp(data, exif_id, sizeof exif_id) != 0)
        return 0;
    tiff.data = data + sizeof exif_id;
    tiff.len = len - sizeof exif_id;
    if (memcmp(tiff.data, "MM\0*", 4) == 0)
        tiff.big_endian = 1;
    else if (memcmp(tiff.data, "II*\0", 4) == 0)
        tiff.big_endian = 0;
    else
        return 0;
    *tags = tiff_ifd0(&tiff);
    return 1;
}

static photo_density exif_density(const exif_ifd0 *tags)
{
    photo_density unknown = { 0, 0, 0 };
    apr_uint32_t unit = tags->resolution_unit;

    if (tags->x_resolution < 0 || tags->y_resolution < 0 || (unit != TIFF_UNIT_INCH && unit != TIFF_UNIT_CM))
        return unknown;
    return density_of(tags->x_resolution, tags->y_resolution, unit == TIFF_UNIT_CM ? CM_PER_INCH : 1);
}

/* JFIF's density when it has units; otherwise the first EXIF that has one. */
static photo_density recorded_density(const struct jpeg_decompress_struct *cinfo)
{
    photo_density density = jfif_density(cinfo);
    exif_ifd0 tags;

    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m && !density.known; m = m->next)
        if (m->marker == JPEG_APP0 + 1 && exif_read(m->data, m->data_length, &tags))
            density = exif_density(&tags);
    return density;
}

/* How viewers show the photo. Any EXIF that asks to flip or turn it counts
 * (viewers differ in which of several they follow); values outside 1-8 are
 * ignored, as viewers ignore them. */
static photo_view viewed(const struct jpeg_decompress_struct *cinfo)
{
    photo_view view = { ORIENTATION_UPRIGHT, cinfo->image_width, cinfo->image_height };
    exif_ifd0 tags;

    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next)
        if (m->marker == JPEG_APP0 + 1 && exif_read(m->data, m->data_length, &tags)
            && tags.orientation > ORIENTATION_UPRIGHT && tags.orientation <= ORIENTATION_LAST) {
            view.orientation = tags.orientation;
            break;
        }
    if (view.orientation >= ORIENTATION_FIRST_QUARTER_TURN) {
        view.width = cinfo->image_height;
        view.height = cinfo->image_width;
    }
    return view;
}

/* ---- the rules */

static void check_size(const cc_photo_rules *rules, apr_size_t len, apr_array_header_t *problems,
                       apr_pool_t *p)
{
    const char *code = len < rules->min_bytes   ? "file_too_small"
                       : len > rules->max_bytes ? "file_too_large"
                                                : NULL;

    if (code)
        add_problem(problems, code,
                    apr_psprintf(p,
                                 "照片文件大小须在%" APR_SIZE_T_FMT "-%" APR_SIZE_T_FMT "K（%" APR_SIZE_T_FMT
                                 "-%" APR_SIZE_T_FMT "字节）之间，当前为%" APR_SIZE_T_FMT "字节",
                                 rules->min_bytes / 1024, rules->max_bytes / 1024, rules->min_bytes,
                                 rules->max_bytes, len));
}

static int starts_with_soi(const unsigned char *data, apr_size_t len)
{
    return len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

/* Judged as shown: a 220x178 file that viewers turn upright is 178x220. */
static int check_dimensions(const cc_photo_rules *rules, const photo_view *view, apr_array_header_t *problems,
                            apr_pool_t *p)
{
    if (view->width == (JDIMENSION)rules->width && view->height == (JDIMENSION)rules->height)
        return 1;
    add_problem(problems, "bad_dimensions",
                apr_psprintf(p, "照片像素须为%d×%d（宽×高），当前为%u×%u", rules->width, rules->height,
                             view->width, view->height));
    return 0;
}

/* A photo viewers flip or turn is refused: the PDF embeds the stored pixels
 * as they are (PDF knows no EXIF), so the certificate would show it other
 * than the member's browser did. Turning it here without loss is not
 * possible at these sizes (JPEG turns losslessly only whole 8/16-pixel
 * blocks), so the member saves it upright once, with any image tool. */
static int check_orientation(const photo_view *view, apr_array_header_t *problems, apr_pool_t *p)
{
    static const char *const shown_as[ORIENTATION_LAST + 1] = {
        NULL,
        NULL,
        "左右翻转",
        "旋转180°",
        "上下翻转",
        "左右翻转并逆时针旋转90°",
        "顺时针旋转90°",
        "左右翻转并顺时针旋转90°",
        "逆时针旋转90°",
    };

    if (view->orientation == ORIENTATION_UPRIGHT)
        return 1;
    add_problem(problems, "exif_orientation",
                apr_psprintf(p,
                             "照片带有EXIF方向标记（值为%u：查看时%s显示），证书上的照片会与所见方向不同；"
                             "请用图片工具将照片转正后另存为不带方向标记的JPG再上传",
                             view->orientation, shown_as[view->orientation]));
    return 0;
}

/* Whole numbers as such, others with two decimals (93.98 from 37 dots/cm). */
static const char *format_dpi(double dpi, apr_pool_t *p)
{
    apr_int64_t whole = (apr_int64_t)dpi;

    return (double)whole == dpi ? apr_psprintf(p, "%" APR_INT64_T_FMT, whole) : apr_psprintf(p, "%.2f", dpi);
}

static void check_density(const cc_photo_rules *rules, const struct jpeg_decompress_struct *cinfo,
                          apr_array_header_t *problems, apr_pool_t *p)
{
    photo_density density = recorded_density(cinfo);

    if (!density.known)
        add_problem(problems, "no_density",
                    apr_psprintf(p, "照片未记录分辨率，须至少为每英寸%d×%d点（%d dpi）", rules->min_dpi,
                                 rules->min_dpi, rules->min_dpi));
    else if (density.x_dpi < rules->min_dpi || density.y_dpi < rules->min_dpi)
        add_problem(problems, "low_density",
                    apr_psprintf(p, "照片分辨率须至少为每英寸%d×%d点（%d dpi），当前为每英寸%s×%s点",
                                 rules->min_dpi, rules->min_dpi, rules->min_dpi, format_dpi(density.x_dpi, p),
                                 format_dpi(density.y_dpi, p)));
}

/* libjpeg turns only greyscale, YCbCr and RGB into RGB. */
static int check_colour_space(const struct jpeg_decompress_struct *cinfo, apr_array_header_t *problems)
{
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
        return 1;
    default:
        add_problem(problems, "unsupported_colour_space", "照片须为RGB彩色JPEG，不支持CMYK等色彩模式");
        return 0;
    }
}

static void check_colour(const cc_photo_rules *rules, const struct jpeg_decompress_struct *cinfo,
                         const pixel_tally *tally, apr_array_header_t *problems)
{
    if (cinfo->jpeg_color_space == JCS_GRAYSCALE
        || tally->coloured * 100 < tally->total * (apr_size_t)rules->colour_share_pct)
        add_problem(problems, "not_colour", "照片须为彩色照片，不能是黑白照片");
}

static void check_background(const cc_photo_rules *rules, const pixel_tally *tally,
                             apr_array_header_t *problems)
{
    if (tally->band_white * 100 < tally->band * (apr_size_t)rules->white_share_pct)
        add_problem(problems, "background_not_white", "照片背景须为白色");
}

/* The rules that need libjpeg.  The reader belongs to the caller, which
 * destroys it however this ends. */
static void check_jpeg(cc_jpeg_reader *reader, const cc_photo_rules *rules, const unsigned char *data,
                       apr_size_t len, apr_array_header_t *problems, apr_pool_t *p)
{
    const struct jpeg_decompress_struct *cinfo = &reader->cinfo;
    pixel_tally tally = { 0, 0, 0, 0 };
    photo_view view;
    int right_size, upright, convertible;

    if (!read_header(reader, data, len)) {
        add_corrupt(problems);
        return;
    }
    view = viewed(cinfo);
    right_size = check_dimensions(rules, &view, problems, p);
    upright = check_orientation(&view, problems, p);
    check_density(rules, cinfo, problems, p);
    convertible = check_colour_space(cinfo, problems);
    if (!right_size || !upright || !convertible)
        return; /* no pixels are decoded for a wrong or unusable header, nor
                    judged on an edge that viewers show elsewhere */
    if (!decode_pixels(reader, rules, &tally, p)) {
        add_corrupt(problems);
        return;
    }
    check_colour(rules, cinfo, &tally, problems);
    check_background(rules, &tally, problems);
}

apr_array_header_t *cc_photo_check(const cc_photo_rules *rules, const unsigned char *data, apr_size_t len,
                                   apr_pool_t *p)
{
    apr_array_header_t *problems = apr_array_make(p, 4, sizeof(cc_photo_problem));
    cc_jpeg_reader reader;

    check_size(rules, len, problems, p);
    if (!starts_with_soi(data, len)) {
        add_problem(problems, "not_jpeg", "照片须为JPG格式的图片文件");
        return problems;
    }
    cc_jpeg_reader_init(&reader);
    check_jpeg(&reader, rules, data, len, problems, p);
    jpeg_destroy_decompress(&reader.cinfo);
    return problems;
}
