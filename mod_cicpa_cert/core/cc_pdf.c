/* The one-page membership certificate, drawn by libharu into memory.
 *
 * A document is made in three steps: encode every text on the page (which
 * collects the characters for the font subset), embed the subset and the
 * photo, then draw. libharu 2.3.0 only loads TrueType from files through its
 * public API, so the subset goes in through its (installed, exported) font
 * definition layer: a memory stream, HPDF_TTFontDef_Load and
 * HPDF_Doc_RegisterFontDef. */

#include "cc_pdf.h"

#include <apr_atomic.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <hpdf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cc_file.h"
#include "cc_qr.h"

/* A4 landscape, in points. */
#define PAGE_W 841.89f
#define PAGE_H 595.28f

#define OUTER_FRAME 26.0f /* inset of the thick outer frame */
#define INNER_FRAME 34.0f /* inset of the thin inner frame */
#define CORNER_LEN 38.0f  /* corner brackets inside the inner frame */
#define CORNER_INSET 8.0f

#define TITLE_SIZE 36.0f
#define TITLE_SPACING 6.0f /* extra space between title characters */
#define TITLE_BASELINE (PAGE_H - 122.0f)

#define FIELD_SIZE 15.0f
#define FIELD_PITCH 32.0f /* baseline to baseline */
#define FIRST_FIELD (PAGE_H - 205.0f)
#define LABEL_WIDTH (4 * FIELD_SIZE) /* labels spread to four characters */
#define VALUE_GAP 24.0f
#define VALUE_WIDTH 280.0f /* length of the rule under each value */

#define PHOTO_H 165.0f  /* 220 px at 96 dpi */
#define PHOTO_GAP 60.0f /* between photo and labels */

#define ISSUER_SIZE 17.0f
#define ISSUED_SIZE 14.0f
#define ISSUER_RIGHT (PAGE_W - 100.0f)
#define ISSUER_LEFT 300.0f /* the issuers' band ends here, right of the QR code */
#define ISSUER_GAP 36.0f   /* between the co-issuer and the issuer */
#define ISSUER_BASELINE 120.0f
#define SEAL_SIZE 100.0f /* a seal's diameter, centred just above its issuer */
#define SEAL_RAISE 6.0f

#define QR_LEFT 100.0f /* clear of the corner bracket */
#define QR_BOTTOM 80.0f
#define QR_SIZE 92.0f /* with its quiet zone: about 4 px a module at 200 dpi */
#define QR_RGB 0x000000u
#define SERIAL_SIZE 9.0f
#define PERSONAL_SIZE 11.0f

#define MAX_SEAL_FILE (2 * 1024 * 1024)
/* A seal's transparency is kept to 4 levels between clear and the most
 * opaque: the edges stay smooth, and a seal costs 2.2 KB instead of 7.4. */
#define SEAL_ALPHA_BITS 2
#define SEAL_GAP 4      /* clear rows between two stacked seals */
#define SEAL_PALETTE 16 /* the most colours seals are indexed with */

#define VALUE_RGB 0x1F1F1Fu
#define PAPER_TINT 0.96f /* the paper is the title colour, this much whiter */

enum { FIELD_COUNT = 7 };

static const char *const field_labels[FIELD_COUNT] = {
    "姓名", "性别", "会员类别", "会员编号", "证书编号", "入会日期", "所属注协",
};

/* One plane of an image: its samples, deflated. */
typedef struct image_plane {
    const unsigned char *deflated;
    apr_size_t len;
    const char *colour_space;     /* DeviceRGB or DeviceGray */
    unsigned bits;                /* per sample */
    float top;                    /* what the highest sample means (0..1] */
    const unsigned char *palette; /* RGB of each index, or NULL */
    unsigned colours;             /* in the palette */
} image_plane;

/* A seal as loaded, its pixels kept to be stacked with the page's other. */
struct cc_cert_image {
    unsigned width, height;
    const unsigned char *rgb;   /* 3 bytes a pixel, rows from the top */
    const unsigned char *alpha; /* a byte a pixel, 0 clear .. 255 opaque */
    unsigned top;               /* its most opaque pixel */
    volatile void *stack;       /* seal_stack kept here, see stacked_seals */
};

/* The page's seals stacked top to bottom, SEAL_GAP clear rows apart, into
 * one picture with one soft mask: deflate finds what they share (the demo
 * seals' ring, star and 演示样章), and two seals cost 2.7 KB, not 4.5. */
typedef struct seal_stack {
    const cc_cert_image *above; /* over the seal it is kept on; NULL: alone */
    apr_pool_t *pool;           /* its own when kept; NULL for one document's */
    unsigned width, height;
    struct {
        unsigned row, width, height;
    } at[2]; /* each seal's place */
    image_plane colour, alpha;
} seal_stack;

struct cc_pdf {
    const unsigned char *bytes;
    apr_size_t size;
    apr_size_t pos; /* of the next byte cc_pdf_read copies */
};

/* libharu's error handler records the first error of a document here. */
typedef struct hpdf_errors {
    HPDF_STATUS code;
    HPDF_STATUS detail;
} hpdf_errors;

/* The page's texts, encoded for the font subset; the optional ones are NULL
 * when absent. */
typedef struct cert_text {
    const char *title;
    const char *issuer;
    const char *issued; /* 发证日期 line */
    const char *labels[FIELD_COUNT];
    const char *values[FIELD_COUNT];
    const char *co_issuer; /* the provincial institute beside the issuer */
    const char *valid;     /* 有效期至 line */
    const char *serial;    /* under the QR code */
    const char *personal;  /* 仅供本人使用 */
} cert_text;

/* What the page shows besides text, embedded in the document. */
typedef struct cert_art {
    HPDF_Font font;
    HPDF_Image photo;
    const seal_stack *seals;         /* NULL: none */
    HPDF_Image seal_image;           /* the stack, as drawn */
    int issuer_seal, co_issuer_seal; /* index in the stack, -1: none */
    const cc_qr *qr;                 /* NULL: none */
    HPDF_Image qr_image;             /* its modules, a stencil */
} cert_art;

static void on_hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *data)
{
    hpdf_errors *errors = data;

    if (!errors->code) {
        errors->code = code;
        errors->detail = detail;
    }
}

static apr_status_t free_doc(void *doc)
{
    HPDF_Free(doc);
    return APR_SUCCESS;
}

static const char *failure(apr_pool_t *p, const hpdf_errors *errors, const char *step)
{
    if (!errors->code)
        return apr_psprintf(p, "%s failed", step);
    return apr_psprintf(p, "%s failed (libharu error 0x%04X, detail %u)", step, (unsigned)errors->code,
                        (unsigned)errors->detail);
}

/* ---- text ----------------------------------------------------------------- */

static int encode_one(cc_font_subset *subset, const char *text, const char *what, const char **out,
                      apr_pool_t *p, const char **err)
{
    const char *problem = NULL;

    *out = cc_font_subset_encode(subset, text ? text : "", &problem);
    if (!*out)
        *err = apr_psprintf(p, "%s: %s", what, problem);
    return *out != NULL;
}

static int is_set(const char *s)
{
    return s && *s;
}

/* Encodes text into *out when it is set; leaves *out NULL otherwise. */
static int encode_optional(cc_font_subset *subset, const char *text, const char *what, const char **out,
                           apr_pool_t *p, const char **err)
{
    *out = NULL;
    return !is_set(text) || encode_one(subset, text, what, out, p, err);
}

static int encode_identity(cc_font_subset *subset, const cc_cert_data *data, cert_text *t, apr_pool_t *p,
                           const char **err)
{
    const char *valid =
        is_set(data->valid_until) ? apr_pstrcat(p, "有效期至：", data->valid_until, NULL) : NULL;

    return encode_optional(subset, data->co_issuer, "co-issuer", &t->co_issuer, p, err)
           && encode_optional(subset, valid, "validity", &t->valid, p, err)
           && encode_optional(subset, data->serial, "serial", &t->serial, p, err)
           && encode_one(subset, "仅供本人使用", "personal use", &t->personal, p, err);
}

static int encode_texts(cc_font_subset *subset, const cc_cert_style *style, const cc_cert_data *data,
                        cert_text *t, apr_pool_t *p, const char **err)
{
    const char *values[FIELD_COUNT] = {
        data->name,           data->sex,       data->category, data->member_no, data->cert_no,
        data->admission_date, data->institute,
    };
    const char *issued = apr_pstrcat(p, "发证日期：", data->issue_date ? data->issue_date : "", NULL);
    int i;

    if (!encode_one(subset, style->title, "title", &t->title, p, err)
        || !encode_one(subset, style->issuer, "issuer", &t->issuer, p, err)
        || !encode_one(subset, issued, "issue date", &t->issued, p, err))
        return 0;
    for (i = 0; i < FIELD_COUNT; i++)
        if (!encode_one(subset, field_labels[i], "label", &t->labels[i], p, err)
            || !encode_one(subset, values[i], field_labels[i], &t->values[i], p, err))
            return 0;
    return encode_identity(subset, data, t, p, err);
}

/* ---- the embedded font ---------------------------------------------------- */

/* The six-letter subset tag of the font name (PDF 32000 9.6.4), derived from
 * the codes and characters so that equal subsets get equal names. */
static void subset_tag(const cc_font_file *file, char tag[7])
{
    uint32_t h = 2166136261u; /* FNV-1a */
    apr_size_t i;
    int k;

    for (i = 0; i < file->nchars; i++) {
        h = (h ^ file->chars[i].code) * 16777619u;
        h = (h ^ (uint32_t)file->chars[i].unicode) * 16777619u;
    }
    for (k = 0; k < 6; k++, h /= 26)
        tag[k] = (char)('A' + h % 26);
    tag[6] = '\0';
}

/* One "<code> <UTF-16BE>" line of a bfchar block. */
static void bfchar_entry(const cc_font_char *ch, char *line, size_t size)
{
    const unsigned code = ch->code & 0xFFFF;
    const unsigned long c = ch->unicode;

    if (c <= 0xFFFF)
        snprintf(line, size, "<%04X> <%04lX>\n", code, c);
    else
        snprintf(line, size, "<%04X> <%04lX%04lX>\n", code, 0xD800 + (((c - 0x10000) >> 10) & 0x3FF),
                 0xDC00 + ((c - 0x10000) & 0x3FF));
}

/* libharu 2.3.0 points the font's ToUnicode at its UTF-8 encoding CMap,
 * which text extractors reject ("Invalid 'begincidrange' operator in
 * ToUnicode CMap") and which would map the codes to themselves.
 * This rewrites that stream as a bfchar CMap of the subset's characters. */
static void rewrite_to_unicode(HPDF_Font font, const cc_font_file *file)
{
    HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
    HPDF_Dict cmap = attr->cmap_stream;
    HPDF_Stream s = cmap->stream;
    apr_size_t i;
    char line[48];

    HPDF_Dict_RemoveElement(cmap, "CMapName");
    HPDF_Dict_RemoveElement(cmap, "CIDSystemInfo");
    HPDF_Dict_RemoveElement(cmap, "WMode");
    HPDF_MemStream_FreeData(s);
    HPDF_Stream_WriteStr(s, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >>"
                            " def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    for (i = 0; i < file->nchars; i++) {
        if (i % 100 == 0) { /* at most 100 entries per block */
            snprintf(line, sizeof line, "%s%u beginbfchar\n", i ? "endbfchar\n" : "",
                     (unsigned)(file->nchars - i < 100 ? file->nchars - i : 100));
            HPDF_Stream_WriteStr(s, line);
        }
        bfchar_entry(&file->chars[i], line, sizeof line);
        HPDF_Stream_WriteStr(s, line);
    }
    if (file->nchars)
        HPDF_Stream_WriteStr(s, "endbfchar\n");
    HPDF_Stream_WriteStr(s, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* libharu makes the font by asking for the glyph and width of every code
 * its encoder can produce: all 65,536 for UTF-8 (8 M instructions, a third
 * of a certificate, and a 131,070-byte CIDToGIDMap to deflate). While it
 * makes the font, the document's encoder is a plain map of the subset's
 * codes and one more (libharu leaves the last code it is given out of the
 * font's widths and glyph map); text is decoded as UTF-8 again after. */
static HPDF_Font make_font(HPDF_Doc doc, const char *name, const cc_font_file *file)
{
    HPDF_Encoder encoder = HPDF_GetEncoder(doc, "UTF-8");
    HPDF_CMapEncoderAttr attr = encoder ? (HPDF_CMapEncoderAttr)encoder->attr : NULL;
    HPDF_Encoder_ToUnicode_Func utf8;
    HPDF_Font font;
    apr_size_t i;

    if (!attr)
        return NULL;
    memset(attr->cid_map, 0, sizeof attr->cid_map);
    for (i = 0; i <= file->nchars; i++) {
        const unsigned code = i < file->nchars ? file->chars[i].code : file->chars[i - 1].code + 1;

        attr->cid_map[code >> 8][code & 0xFF] = (HPDF_UINT16)code;
        attr->unicode_map[code >> 8][code & 0xFF] = (HPDF_UNICODE)code;
    }
    utf8 = encoder->to_unicode_fn;
    encoder->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
    font = HPDF_GetFont(doc, name, "UTF-8");
    encoder->to_unicode_fn = utf8;
    return font;
}

/* Hands the subset to libharu from memory; NULL on failure. */
static HPDF_Font embed_font(HPDF_Doc doc, const cc_font_file *file)
{
    HPDF_Stream stream = HPDF_MemStream_New(doc->mmgr, (HPDF_UINT)file->len);
    HPDF_FontDef def;
    HPDF_Font font;
    char tag[7];

    if (!stream)
        return NULL;
    if (HPDF_Stream_Write(stream, file->data, (HPDF_UINT)file->len) != HPDF_OK) {
        HPDF_Stream_Free(stream);
        HPDF_CheckError(&doc->error);
        return NULL;
    }
    def = HPDF_TTFontDef_Load(doc->mmgr, stream, HPDF_TRUE); /* owns stream */
    if (!def) {
        HPDF_CheckError(&doc->error);
        return NULL;
    }
    subset_tag(file, tag);
    HPDF_TTFontDef_SetTagName(def, tag);
    if (HPDF_Doc_RegisterFontDef(doc, def) != HPDF_OK) { /* frees def */
        HPDF_CheckError(&doc->error);
        return NULL;
    }
    font = make_font(doc, def->base_font, file);
    if (font)
        rewrite_to_unicode(font, file);
    return font;
}

/* ---- drawing -------------------------------------------------------------- */

static float red(unsigned rgb)
{
    return (float)((rgb >> 16) & 0xFF) / 255;
}
static float green(unsigned rgb)
{
    return (float)((rgb >> 8) & 0xFF) / 255;
}
static float blue(unsigned rgb)
{
    return (float)(rgb & 0xFF) / 255;
}

static void fill_colour(HPDF_Page page, unsigned rgb)
{
    HPDF_Page_SetRGBFill(page, red(rgb), green(rgb), blue(rgb));
}

static void stroke_colour(HPDF_Page page, unsigned rgb)
{
    HPDF_Page_SetRGBStroke(page, red(rgb), green(rgb), blue(rgb));
}

/* rgb moved towards white by the given share (0..1). */
static unsigned whiter(unsigned rgb, float share)
{
    unsigned r = (unsigned)(red(rgb) * 255 * (1 - share) + 255 * share);
    unsigned g = (unsigned)(green(rgb) * 255 * (1 - share) + 255 * share);
    unsigned b = (unsigned)(blue(rgb) * 255 * (1 - share) + 255 * share);

    return r << 16 | g << 8 | b;
}

static void line(HPDF_Page page, float x0, float y0, float x1, float y1)
{
    HPDF_Page_MoveTo(page, x0, y0);
    HPDF_Page_LineTo(page, x1, y1);
    HPDF_Page_Stroke(page);
}

static void text_at(HPDF_Page page, float x, float y, const char *text)
{
    HPDF_Page_BeginText(page);
    HPDF_Page_TextOut(page, x, y, text);
    HPDF_Page_EndText(page);
}

/* Selects font at size, shrunk so that text is at most max_width wide. */
static void fit_font(HPDF_Page page, HPDF_Font font, float size, const char *text, float max_width)
{
    float width;

    HPDF_Page_SetFontAndSize(page, font, size);
    width = HPDF_Page_TextWidth(page, text);
    if (width > max_width)
        HPDF_Page_SetFontAndSize(page, font, size * max_width / width);
}

static int utf8_length(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A tinted paper, a thick and a thin frame and a bracket in each corner. */
static void draw_frame(HPDF_Page page, const cc_cert_style *style)
{
    static const float sx[4] = { 1, -1, 1, -1 }, sy[4] = { 1, 1, -1, -1 };
    const float inset = INNER_FRAME + CORNER_INSET;
    int k;

    fill_colour(page, whiter(style->title_rgb, PAPER_TINT));
    HPDF_Page_Rectangle(page, OUTER_FRAME, OUTER_FRAME, PAGE_W - 2 * OUTER_FRAME, PAGE_H - 2 * OUTER_FRAME);
    HPDF_Page_Fill(page);

    stroke_colour(page, style->title_rgb);
    HPDF_Page_SetLineWidth(page, 4);
    HPDF_Page_Rectangle(page, OUTER_FRAME, OUTER_FRAME, PAGE_W - 2 * OUTER_FRAME, PAGE_H - 2 * OUTER_FRAME);
    HPDF_Page_Stroke(page);
    HPDF_Page_SetLineWidth(page, 1);
    HPDF_Page_Rectangle(page, INNER_FRAME, INNER_FRAME, PAGE_W - 2 * INNER_FRAME, PAGE_H - 2 * INNER_FRAME);
    HPDF_Page_Stroke(page);

    stroke_colour(page, style->accent_rgb);
    HPDF_Page_SetLineWidth(page, 1.5f);
    for (k = 0; k < 4; k++) {
        float x = sx[k] > 0 ? inset : PAGE_W - inset;
        float y = sy[k] > 0 ? inset : PAGE_H - inset;

        HPDF_Page_MoveTo(page, x + sx[k] * CORNER_LEN, y);
        HPDF_Page_LineTo(page, x, y);
        HPDF_Page_LineTo(page, x, y + sy[k] * CORNER_LEN);
        HPDF_Page_Stroke(page);
    }
}

/* The heading, centred and slightly emboldened by stroking its outline, over
 * a double rule. */
static void draw_title(HPDF_Page page, HPDF_Font font, const cert_text *t, const cc_cert_style *style)
{
    const float max_width = PAGE_W - 2 * (INNER_FRAME + CORNER_INSET + CORNER_LEN);
    const float rule = 150, centre = PAGE_W / 2;
    float width;

    HPDF_Page_GSave(page);
    HPDF_Page_SetCharSpace(page, TITLE_SPACING);
    fit_font(page, font, TITLE_SIZE, t->title, max_width);
    width = HPDF_Page_TextWidth(page, t->title) - TITLE_SPACING;
    fill_colour(page, style->title_rgb);
    stroke_colour(page, style->title_rgb);
    HPDF_Page_SetLineWidth(page, 0.6f);
    HPDF_Page_SetTextRenderingMode(page, HPDF_FILL_THEN_STROKE);
    text_at(page, centre - width / 2, TITLE_BASELINE, t->title);
    HPDF_Page_GRestore(page);

    stroke_colour(page, style->accent_rgb);
    HPDF_Page_SetLineWidth(page, 1.2f);
    line(page, centre - rule, TITLE_BASELINE - 22, centre + rule, TITLE_BASELINE - 22);
    HPDF_Page_SetLineWidth(page, 0.5f);
    line(page, centre - rule, TITLE_BASELINE - 26, centre + rule, TITLE_BASELINE - 26);
}

/* The photo at height PHOTO_H, its left edge at x, vertically centred on
 * middle, in a thin accent border. */
static void draw_photo(HPDF_Page page, HPDF_Image photo, float x, float middle, float width,
                       const cc_cert_style *style)
{
    const float y = middle - PHOTO_H / 2;

    HPDF_Page_DrawImage(page, photo, x, y, width, PHOTO_H);
    stroke_colour(page, style->accent_rgb);
    HPDF_Page_SetLineWidth(page, 0.8f);
    HPDF_Page_Rectangle(page, x - 4, y - 4, width + 8, PHOTO_H + 8);
    HPDF_Page_Stroke(page);
}

/* A label spread over LABEL_WIDTH, the way Chinese forms align them. */
static void draw_label(HPDF_Page page, float x, float y, const char *label)
{
    int n = utf8_length(label);

    if (n > 1)
        HPDF_Page_SetCharSpace(page, (LABEL_WIDTH - HPDF_Page_TextWidth(page, label)) / (float)(n - 1));
    text_at(page, x, y, label);
    HPDF_Page_SetCharSpace(page, 0);
}

/* Labelled lines starting at x, each value over a thin rule. */
static void draw_fields(HPDF_Page page, HPDF_Font font, const cert_text *t, float x,
                        const cc_cert_style *style)
{
    const float value_x = x + LABEL_WIDTH + VALUE_GAP;
    int i;

    stroke_colour(page, whiter(style->accent_rgb, 0.4f));
    HPDF_Page_SetLineWidth(page, 0.5f);
    for (i = 0; i < FIELD_COUNT; i++) {
        const float y = FIRST_FIELD - i * FIELD_PITCH;

        HPDF_Page_SetFontAndSize(page, font, FIELD_SIZE);
        fill_colour(page, style->accent_rgb);
        draw_label(page, x, y, t->labels[i]);
        fit_font(page, font, FIELD_SIZE, t->values[i], VALUE_WIDTH - 8);
        fill_colour(page, VALUE_RGB);
        text_at(page, value_x + 4, y, t->values[i]);
        line(page, value_x, y - 5, value_x + VALUE_WIDTH, y - 5);
    }
}

/* Seal i of the stack in the SEAL_SIZE square centred at (x, y): the whole
 * stack drawn so that this seal fills the square, clipped to it. Its
 * transparency lets the text show through. */
static void draw_seal(HPDF_Page page, const cert_art *art, int i, float x, float y)
{
    const seal_stack *st = art->seals;
    const float x0 = x - SEAL_SIZE / 2, y0 = y - SEAL_SIZE / 2;
    float sx, sy, below;

    if (i < 0)
        return;
    sx = SEAL_SIZE * (float)st->width / (float)st->at[i].width;
    sy = SEAL_SIZE * (float)st->height / (float)st->at[i].height;
    below = (float)(st->height - st->at[i].row - st->at[i].height) / (float)st->height;
    HPDF_Page_GSave(page);
    HPDF_Page_Rectangle(page, x0, y0, SEAL_SIZE, SEAL_SIZE);
    HPDF_Page_Clip(page);
    HPDF_Page_EndPath(page);
    HPDF_Page_DrawImage(page, art->seal_image, x0, y0 - sy * below, sx, sy);
    HPDF_Page_GRestore(page);
}

/* Right-aligned text at the bottom right; returns its left edge. */
static float text_right(HPDF_Page page, HPDF_Font font, float size, const char *text, float right, float y,
                        float max_width)
{
    float left;

    fit_font(page, font, size, text, max_width);
    left = right - HPDF_Page_TextWidth(page, text);
    text_at(page, left, y, text);
    return left;
}

/* The issuer, right-aligned at the bottom, with the co-issuer to its left,
 * each under its seal; the issue date and the validity below them. */
static void draw_issuers(HPDF_Page page, const cert_art *art, const cert_text *t, const cc_cert_style *style)
{
    const float band = ISSUER_RIGHT - ISSUER_LEFT;
    const float each = t->co_issuer ? (band - ISSUER_GAP) / 2 : band;
    const float seal_y = ISSUER_BASELINE + SEAL_RAISE;
    float issuer_left, co_left = 0, co_right = 0;

    fill_colour(page, VALUE_RGB);
    issuer_left = text_right(page, art->font, ISSUER_SIZE, t->issuer, ISSUER_RIGHT, ISSUER_BASELINE, each);
    if (t->co_issuer) {
        co_right = issuer_left - ISSUER_GAP;
        co_left = text_right(page, art->font, ISSUER_SIZE, t->co_issuer, co_right, ISSUER_BASELINE, each);
    }
    fill_colour(page, style->accent_rgb);
    text_right(page, art->font, ISSUED_SIZE, t->issued, ISSUER_RIGHT, ISSUER_BASELINE - 28, band);
    if (t->valid)
        text_right(page, art->font, ISSUED_SIZE, t->valid, ISSUER_RIGHT, ISSUER_BASELINE - 48, band);

    draw_seal(page, art, art->issuer_seal, (issuer_left + ISSUER_RIGHT) / 2, seal_y);
    if (t->co_issuer)
        draw_seal(page, art, art->co_issuer_seal, (co_left + co_right) / 2, seal_y);
}

/* The QR code on a white square that includes the quiet zone. Its modules
 * are a 1-bit stencil painted in QR_RGB, one image pixel per module, never
 * interpolated, so they stay sharp squares at any size; as ~800 filled
 * rectangles they cost 2.2 KB more and a tenth of the CPU. */
static void draw_qr(HPDF_Page page, const cc_qr *qr, HPDF_Image modules)
{
    const float module = QR_SIZE / (float)(qr->width + 2 * CC_QR_QUIET_ZONE);
    const float inset = CC_QR_QUIET_ZONE * module;

    fill_colour(page, 0xFFFFFF);
    HPDF_Page_Rectangle(page, QR_LEFT, QR_BOTTOM, QR_SIZE, QR_SIZE);
    HPDF_Page_Fill(page);
    fill_colour(page, QR_RGB);
    HPDF_Page_DrawImage(page, modules, QR_LEFT + inset, QR_BOTTOM + inset, (float)qr->width * module,
                        (float)qr->width * module);
}

/* Text centred under the QR code at baseline y. */
static void text_under_qr(HPDF_Page page, HPDF_Font font, float size, const char *text, float y)
{
    fit_font(page, font, size, text, ISSUER_LEFT - QR_LEFT);
    text_at(page, QR_LEFT + (QR_SIZE - HPDF_Page_TextWidth(page, text)) / 2, y, text);
}

/* Bottom left: the QR code, the serial under it, and the personal-use line. */
static void draw_identity(HPDF_Page page, const cert_art *art, const cert_text *t, const cc_cert_style *style)
{
    if (art->qr)
        draw_qr(page, art->qr, art->qr_image);
    fill_colour(page, VALUE_RGB);
    if (t->serial)
        text_under_qr(page, art->font, SERIAL_SIZE, t->serial, QR_BOTTOM - 12);
    fill_colour(page, style->accent_rgb);
    text_under_qr(page, art->font, PERSONAL_SIZE, t->personal, QR_BOTTOM - 28);
}

static void draw_page(HPDF_Page page, const cert_art *art, const cert_text *t, const cc_cert_style *style)
{
    const float photo_w =
        PHOTO_H * (float)HPDF_Image_GetWidth(art->photo) / (float)HPDF_Image_GetHeight(art->photo);
    const float block = photo_w + PHOTO_GAP + LABEL_WIDTH + VALUE_GAP + VALUE_WIDTH;
    const float left = (PAGE_W - block) / 2;
    const float fields_top = FIRST_FIELD + FIELD_SIZE * 0.8f;
    const float fields_bottom = FIRST_FIELD - (FIELD_COUNT - 1) * FIELD_PITCH - 5;

    draw_frame(page, style);
    draw_title(page, art->font, t, style);
    draw_photo(page, art->photo, left, (fields_top + fields_bottom) / 2, photo_w, style);
    draw_fields(page, art->font, t, left + photo_w + PHOTO_GAP, style);
    draw_identity(page, art, t, style);
    draw_issuers(page, art, t, style);
}

/* ---- the document ---------------------------------------------------------- */

/* The creation date in UTC, from Unix time. */
static HPDF_Date pdf_date(apr_time_t t)
{
    apr_time_exp_t e;
    HPDF_Date d;

    apr_time_exp_gmt(&e, t);
    memset(&d, 0, sizeof d);
    d.year = e.tm_year + 1900;
    d.month = e.tm_mon + 1;
    d.day = e.tm_mday;
    d.hour = e.tm_hour;
    d.minutes = e.tm_min;
    d.seconds = e.tm_sec;
    d.ind = 'Z';
    return d;
}

static void set_info(HPDF_Doc doc, const cc_cert_style *style, const cc_cert_data *data, apr_pool_t *p)
{
    HPDF_SetInfoAttr(doc, HPDF_INFO_TITLE, style->title ? style->title : "");
    HPDF_SetInfoAttr(doc, HPDF_INFO_AUTHOR, style->issuer ? style->issuer : "");
    HPDF_SetInfoAttr(doc, HPDF_INFO_SUBJECT,
                     is_set(data->serial) ? apr_pstrcat(p, "电子会员证 ", data->serial, NULL) : "电子会员证");
    HPDF_SetInfoAttr(doc, HPDF_INFO_CREATOR, "mod_cicpa_cert");
    if (data->issued_at)
        HPDF_SetInfoDateAttr(doc, HPDF_INFO_CREATION_DATE, pdf_date(data->issued_at));
    /* libharu's own name tells a reader nothing the Creator does not. */
    HPDF_Dict_RemoveElement(doc->info, "Producer");
}

static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* /ColorSpace: the plane's, or [/Indexed base hival <palette>]. */
static int add_colour_space(HPDF_Doc doc, HPDF_Dict dict, const image_plane *plane)
{
    HPDF_Array indexed;

    if (!plane->palette)
        return HPDF_Dict_AddName(dict, "ColorSpace", plane->colour_space) == HPDF_OK;
    indexed = HPDF_Array_New(doc->mmgr);
    return indexed && HPDF_Dict_Add(dict, "ColorSpace", indexed) == HPDF_OK
           && HPDF_Array_AddName(indexed, "Indexed") == HPDF_OK
           && HPDF_Array_AddName(indexed, plane->colour_space) == HPDF_OK
           && HPDF_Array_AddNumber(indexed, (HPDF_INT32)plane->colours - 1) == HPDF_OK
           && HPDF_Array_Add(indexed,
                             HPDF_Binary_New(doc->mmgr, (HPDF_BYTE *)plane->palette, 3 * plane->colours))
                  == HPDF_OK;
}

/* An empty image XObject of width x height pixels; NULL on failure. */
static HPDF_Dict image_object(HPDF_Doc doc, unsigned width, unsigned height)
{
    HPDF_Dict dict = HPDF_DictStream_New(doc->mmgr, doc->xref);

    if (!dict)
        return NULL;
    dict->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
    if (HPDF_Dict_AddName(dict, "Type", "XObject") != HPDF_OK
        || HPDF_Dict_AddName(dict, "Subtype", "Image") != HPDF_OK
        || HPDF_Dict_AddNumber(dict, "Width", (HPDF_INT32)width) != HPDF_OK
        || HPDF_Dict_AddNumber(dict, "Height", (HPDF_INT32)height) != HPDF_OK)
        return NULL;
    return dict;
}

/* An image XObject of one plane. Its stream is already deflated, so
 * libharu writes it as is (filter NONE) and write_fn names the filter. */
static HPDF_Dict plane_object(HPDF_Doc doc, unsigned width, unsigned height, const image_plane *plane)
{
    HPDF_Dict dict = image_object(doc, width, height);

    if (!dict)
        return NULL;
    dict->write_fn = write_flate_filter;
    if (!add_colour_space(doc, dict, plane)
        || HPDF_Dict_AddNumber(dict, "BitsPerComponent", (HPDF_INT32)plane->bits) != HPDF_OK
        || HPDF_Stream_Write(dict->stream, plane->deflated, (HPDF_UINT)plane->len) != HPDF_OK)
        return NULL;
    if (plane->top < 1) {
        HPDF_Array decode = HPDF_Array_New(doc->mmgr);

        if (!decode || HPDF_Dict_Add(dict, "Decode", decode) != HPDF_OK
            || HPDF_Array_AddReal(decode, 0) != HPDF_OK || HPDF_Array_AddReal(decode, plane->top) != HPDF_OK)
            return NULL;
    }
    return dict;
}

/* The QR code's modules as an image mask (1 = dark, painted); NULL on failure. */
static HPDF_Image qr_object(HPDF_Doc doc, const cc_qr *qr, apr_pool_t *p)
{
    HPDF_Dict dict = image_object(doc, (unsigned)qr->width, (unsigned)qr->width);
    apr_size_t row_bytes;
    const unsigned char *bits = cc_qr_bitmap(qr, &row_bytes, p);
    HPDF_Array decode = dict ? HPDF_Array_New(doc->mmgr) : NULL;

    if (!decode)
        return NULL;
    dict->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if (HPDF_Dict_Add(dict, "ImageMask", HPDF_Boolean_New(doc->mmgr, HPDF_TRUE)) != HPDF_OK
        || HPDF_Dict_Add(dict, "Decode", decode) != HPDF_OK || HPDF_Array_AddNumber(decode, 1) != HPDF_OK
        || HPDF_Array_AddNumber(decode, 0) != HPDF_OK
        || HPDF_Stream_Write(dict->stream, bits, (HPDF_UINT)(row_bytes * (apr_size_t)qr->width)) != HPDF_OK)
        return NULL;
    return dict;
}

/* src deflated by libharu, copied into p; NULL on failure. */
static const unsigned char *deflate_stream(HPDF_Doc doc, HPDF_Stream src, apr_pool_t *p, apr_size_t *len)
{
    HPDF_Stream dst = HPDF_MemStream_New(doc->mmgr, 16384);
    unsigned char *bytes = NULL;
    HPDF_UINT size;

    if (!dst)
        return NULL;
    if (HPDF_Stream_WriteToStream(src, dst, HPDF_STREAM_FILTER_FLATE_DECODE, NULL) == HPDF_OK
        && HPDF_Stream_Seek(dst, 0, HPDF_SEEK_SET) == HPDF_OK) {
        size = HPDF_Stream_Size(dst);
        bytes = apr_palloc(p, size ? size : 1);
        if (HPDF_Stream_Read(dst, bytes, &size) == HPDF_OK)
            *len = size;
        else
            bytes = NULL;
    }
    HPDF_Stream_Free(dst);
    return bytes;
}

static unsigned number_of(HPDF_Dict dict, const char *key)
{
    HPDF_Number n = HPDF_Dict_GetItem(dict, key, HPDF_OCLASS_NUMBER);

    return n && n->value > 0 ? (unsigned)n->value : 0;
}

/* bytes deflated by libharu, into p; NULL on failure. */
static const unsigned char *deflate_bytes(HPDF_Doc doc, const unsigned char *bytes, apr_size_t len,
                                          apr_pool_t *p, apr_size_t *out)
{
    HPDF_Stream src = HPDF_MemStream_New(doc->mmgr, 16384);
    const unsigned char *deflated = NULL;

    if (src && HPDF_Stream_Write(src, bytes, (HPDF_UINT)len) == HPDF_OK)
        deflated = deflate_stream(doc, src, p, out);
    if (src)
        HPDF_Stream_Free(src);
    return deflated;
}

/* A seal's rows into the stack from its row `row`: colours as they are,
 * alpha in SEAL_ALPHA_BITS, rounded against top (the stack's most opaque). */
static void stack_rows(const cc_cert_image *seal, unsigned row, unsigned top, const seal_stack *st,
                       unsigned char *rgb, unsigned char *packed)
{
    const unsigned levels = (1u << SEAL_ALPHA_BITS) - 1;
    const apr_size_t row_bytes = ((apr_size_t)st->width * SEAL_ALPHA_BITS + 7) / 8;
    unsigned x, y;

    for (y = 0; y < seal->height; y++) {
        const unsigned char *alpha = seal->alpha + (apr_size_t)y * seal->width;
        unsigned char *out = packed + (apr_size_t)(row + y) * row_bytes;

        memcpy(rgb + (apr_size_t)(row + y) * st->width * 3, seal->rgb + (apr_size_t)y * seal->width * 3,
               (apr_size_t)seal->width * 3);
        for (x = 0; x < seal->width; x++) {
            const unsigned level = (alpha[x] * levels + top / 2) / top;
            const unsigned bit = x * SEAL_ALPHA_BITS;

            out[bit / 8] |= (unsigned char)(level << (8 - SEAL_ALPHA_BITS - bit % 8));
        }
    }
}

/* The level of pixel x in a row of packed alpha. */
static unsigned level_at(const unsigned char *row, unsigned x)
{
    const unsigned bit = x * SEAL_ALPHA_BITS;

    return row[bit / 8] >> (8 - SEAL_ALPHA_BITS - bit % 8) & ((1u << SEAL_ALPHA_BITS) - 1);
}

/* The stack's colours as an indexed image when its visible pixels have at
 * most SEAL_PALETTE colours (a seal is mostly one ink): 1 to 4 bits a pixel
 * instead of 24. Returns 0 when they have more, or on failure. */
static int index_colours(HPDF_Doc doc, const unsigned char *rgb, const unsigned char *packed,
                         const seal_stack *st, image_plane *plane, apr_pool_t *p)
{
    const apr_size_t alpha_row = ((apr_size_t)st->width * SEAL_ALPHA_BITS + 7) / 8;
    unsigned char *palette = apr_pcalloc(p, 3 * SEAL_PALETTE), *out;
    unsigned n = 0, bits, x, y, k;
    apr_size_t row;

    bits = 4; /* first pass: count colours, indices written at 4 bits */
    row = ((apr_size_t)st->width * bits + 7) / 8;
    out = apr_pcalloc(p, row * st->height);
    for (y = 0; y < st->height; y++)
        for (x = 0; x < st->width; x++) {
            const unsigned char *c = rgb + ((apr_size_t)y * st->width + x) * 3;

            if (!level_at(packed + y * alpha_row, x))
                continue; /* clear: any index will do */
            for (k = 0; k < n && memcmp(palette + 3 * k, c, 3) != 0; k++)
                ;
            if (k == n && n++ == SEAL_PALETTE)
                return 0;
            memcpy(palette + 3 * k, c, 3);
            out[y * row + x / 2] |= (unsigned char)(k << (x % 2 ? 0 : 4));
        }
    for (bits = 1; (1u << bits) < n; bits *= 2)
        ;
    if (bits < 4) { /* repack: every index fits in fewer bits */
        const apr_size_t narrow = ((apr_size_t)st->width * bits + 7) / 8;
        unsigned char *repacked = apr_pcalloc(p, narrow * st->height);

        for (y = 0; y < st->height; y++)
            for (x = 0; x < st->width; x++) {
                const unsigned index = out[y * row + x / 2] >> (x % 2 ? 0 : 4) & 0xF;

                repacked[y * narrow + x * bits / 8] |= (unsigned char)(index << (8 - bits - x * bits % 8));
            }
        out = repacked;
        row = narrow;
    }
    plane->deflated = deflate_bytes(doc, out, row * st->height, p, &plane->len);
    plane->colour_space = "DeviceRGB";
    plane->bits = bits;
    plane->top = 1;
    plane->palette = palette;
    plane->colours = n ? n : 1;
    return plane->deflated != NULL;
}

/* Stacks first over second (second may be NULL) into st, deflated into p. */
static int build_stack(HPDF_Doc doc, const cc_cert_image *first, const cc_cert_image *second, seal_stack *st,
                       apr_pool_t *p)
{
    const cc_cert_image *const seals[2] = { first, second };
    unsigned top = 1;
    apr_size_t rgb_len, packed_len;
    unsigned char *rgb, *packed;
    int i, n = second ? 2 : 1;

    st->width = st->height = 0;
    for (i = 0; i < n; i++) {
        st->at[i].row = st->height + (i ? SEAL_GAP : 0);
        st->at[i].width = seals[i]->width;
        st->at[i].height = seals[i]->height;
        st->height = st->at[i].row + seals[i]->height;
        st->width = seals[i]->width > st->width ? seals[i]->width : st->width;
        top = seals[i]->top > top ? seals[i]->top : top;
    }
    rgb_len = (apr_size_t)st->width * st->height * 3;
    packed_len = (((apr_size_t)st->width * SEAL_ALPHA_BITS + 7) / 8) * st->height;
    rgb = apr_pcalloc(p, rgb_len);
    packed = apr_pcalloc(p, packed_len);
    for (i = 0; i < n; i++)
        stack_rows(seals[i], st->at[i].row, top, st, rgb, packed);
    if (!index_colours(doc, rgb, packed, st, &st->colour, p)) {
        st->colour.deflated = deflate_bytes(doc, rgb, rgb_len, p, &st->colour.len);
        st->colour.colour_space = "DeviceRGB";
        st->colour.bits = 8;
        st->colour.top = 1;
        st->colour.palette = NULL;
    }
    st->alpha.deflated = deflate_bytes(doc, packed, packed_len, p, &st->alpha.len);
    st->alpha.colour_space = "DeviceGray";
    st->alpha.bits = SEAL_ALPHA_BITS;
    st->alpha.top = (float)top / 255;
    return st->colour.deflated && st->alpha.deflated;
}

static apr_status_t destroy_pool(void *pool)
{
    apr_pool_destroy(pool);
    return APR_SUCCESS;
}

/* The stack of first over second (or first alone), built by the first
 * document that needs it and kept on the lower seal, lock-free, for every
 * later one: threads share the seals. A pair that finds the place taken
 * by another pair gets a stack of its own for its document. */
static const seal_stack *stacked_seals(HPDF_Doc doc, const cc_cert_image *first, const cc_cert_image *second,
                                       apr_pool_t *p)
{
    const cc_cert_image *owner = second ? second : first, *above = second ? first : NULL;
    volatile void **place = &((cc_cert_image *)owner)->stack;
    seal_stack *kept = apr_atomic_casptr(place, NULL, NULL), *st;
    apr_pool_t *own;

    if (kept && kept->above == above)
        return kept;
    if (apr_pool_create_unmanaged(&own) != APR_SUCCESS)
        return NULL;
    st = apr_pcalloc(own, sizeof *st);
    st->above = above;
    st->pool = own;
    if (!build_stack(doc, first, second, st, own)) {
        apr_pool_destroy(own);
        return NULL;
    }
    if (!kept && !apr_atomic_casptr(place, st, NULL))
        return st; /* kept from now on, freed with the seal */
    kept = apr_atomic_casptr(place, NULL, NULL);
    if (kept && kept->above == above && kept != st) {
        apr_pool_destroy(own); /* another thread kept the same stack first */
        return kept;
    }
    apr_pool_cleanup_register(p, own, destroy_pool, apr_pool_cleanup_null);
    return st;
}

/* The page's seals as one image with its soft mask (seal_stack). The
 * issuer's seal goes on top; a co-issuer with the same picture shares it. */
static int embed_seals(HPDF_Doc doc, const cc_cert_data *data, cert_art *art, apr_pool_t *p)
{
    const cc_cert_image *first = data->issuer_seal ? data->issuer_seal : data->co_issuer_seal;
    const cc_cert_image *second = data->co_issuer_seal != first ? data->co_issuer_seal : NULL;
    HPDF_Dict smask;

    art->issuer_seal = data->issuer_seal ? 0 : -1;
    art->co_issuer_seal = !data->co_issuer_seal ? -1 : second ? 1 : 0;
    if (!first)
        return 1;
    art->seals = stacked_seals(doc, first, second, p);
    if (!art->seals)
        return 0;
    smask = plane_object(doc, art->seals->width, art->seals->height, &art->seals->alpha);
    art->seal_image =
        smask ? plane_object(doc, art->seals->width, art->seals->height, &art->seals->colour) : NULL;
    return art->seal_image && HPDF_Dict_Add(art->seal_image, "SMask", smask) == HPDF_OK;
}

/* Builds the page into doc. *step names the step in progress, so that on
 * failure (0, or a libharu error recorded) it names the one that failed. */
static int compose(HPDF_Doc doc, const cc_cert_style *style, const cc_cert_data *data, const cert_text *t,
                   const cc_font_file *file, cert_art *art, apr_pool_t *p, const char **step)
{
    HPDF_Page page;

    *step = "setting up the document";
    if (HPDF_SetCompressionMode(doc, HPDF_COMP_ALL) != HPDF_OK || HPDF_UseUTFEncodings(doc) != HPDF_OK
        || HPDF_SetCurrentEncoder(doc, "UTF-8") != HPDF_OK)
        return 0;
    *step = "embedding the font subset";
    art->font = embed_font(doc, file);
    if (!art->font)
        return 0;
    /* The stored JPEG goes in byte for byte (DCTDecode), never re-encoded. */
    *step = "embedding the photo as JPEG";
    art->photo = HPDF_LoadJpegImageFromMem(doc, data->photo, (HPDF_UINT)data->photo_len);
    if (!art->photo || !HPDF_Image_GetWidth(art->photo) || !HPDF_Image_GetHeight(art->photo))
        return 0;
    *step = "embedding the QR code";
    if (art->qr && !(art->qr_image = qr_object(doc, art->qr, p)))
        return 0;
    *step = "embedding the seals";
    if (!embed_seals(doc, data, art, p))
        return 0;
    *step = "drawing the page";
    page = HPDF_AddPage(doc);
    if (!page || HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE) != HPDF_OK)
        return 0;
    draw_page(page, art, t, style);
    /* Readers since PDF 1.4 ignore /ProcSet; libharu writes it twice over. */
    HPDF_Dict_RemoveElement(HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT), "ProcSet");
    set_info(doc, style, data, p);
    return 1;
}

/* The QR code of data's verification URL, if it has one. */
static int make_qr(const cc_cert_data *data, cert_art *art, apr_pool_t *p, const char **err)
{
    const char *problem = NULL;

    if (!is_set(data->verify_url))
        return 1;
    art->qr = cc_qr_encode(data->verify_url, p, &problem);
    if (!art->qr) {
        *err = apr_pstrcat(p, "QR code: ", problem, NULL);
        return 0;
    }
    return 1;
}

/* Saves doc and copies its bytes out of libharu into pdf. */
static int save(HPDF_Doc doc, cc_pdf *pdf, apr_pool_t *p)
{
    unsigned char *bytes;
    HPDF_UINT32 n;

    if (HPDF_SaveToStream(doc) != HPDF_OK)
        return 0;
    pdf->size = HPDF_GetStreamSize(doc);
    bytes = apr_palloc(p, pdf->size ? pdf->size : 1);
    n = (HPDF_UINT32)pdf->size;
    if (HPDF_ReadFromStream(doc, bytes, &n) != HPDF_OK || n != pdf->size)
        return 0;
    pdf->bytes = bytes;
    pdf->pos = 0;
    return 1;
}

cc_pdf *cc_pdf_render(const cc_cert_style *style, const cc_cert_data *data, const cc_font *font,
                      apr_pool_t *p, const char **err)
{
    cc_font_subset *subset = cc_font_subset_make(font, p);
    hpdf_errors *errors = apr_pcalloc(p, sizeof *errors);
    cert_art *art = apr_pcalloc(p, sizeof *art);
    const cc_font_file *file;
    const char *step;
    cert_text t;
    HPDF_Doc doc;
    cc_pdf *pdf;

    if (!data->photo || !data->photo_len || data->photo_len > UINT32_MAX) {
        *err = "the member has no photo";
        return NULL;
    }
    if (!encode_texts(subset, style, data, &t, p, err) || !make_qr(data, art, p, err))
        return NULL;
    file = cc_font_subset_build(subset, err);
    if (!file)
        return NULL;

    doc = HPDF_New(on_hpdf_error, errors);
    if (!doc) {
        *err = "libharu could not create a document";
        return NULL;
    }
    apr_pool_cleanup_register(p, doc, free_doc, apr_pool_cleanup_null);

    pdf = apr_pcalloc(p, sizeof *pdf);
    if (!compose(doc, style, data, &t, file, art, p, &step) || errors->code) {
        *err = failure(p, errors, step);
        return NULL;
    }
    if (!save(doc, pdf, p) || errors->code) {
        *err = failure(p, errors, "saving the PDF");
        return NULL;
    }
    /* The bytes are ours now: the document's memory can go at once. */
    apr_pool_cleanup_run(p, doc, free_doc);
    return pdf;
}

static apr_status_t forget_stack(void *image)
{
    seal_stack *kept = (seal_stack *)((cc_cert_image *)image)->stack;

    if (kept)
        apr_pool_destroy(kept->pool);
    return APR_SUCCESS;
}

/* An image plane's 8-bit samples as libharu decoded them; NULL unless
 * there are exactly samples of them. */
static unsigned char *plane_samples(HPDF_Dict image, apr_size_t samples, apr_pool_t *p)
{
    unsigned char *bytes = apr_palloc(p, samples ? samples : 1);
    HPDF_UINT n = (HPDF_UINT)samples;

    if (!image->stream || number_of(image, "BitsPerComponent") != 8
        || HPDF_Dict_GetItem(image, "DecodeParms", HPDF_OCLASS_ARRAY)
        || HPDF_Stream_Size(image->stream) != samples
        || HPDF_Stream_Seek(image->stream, 0, HPDF_SEEK_SET) != HPDF_OK
        || HPDF_Stream_Read(image->stream, bytes, &n) != HPDF_OK || n != samples)
        return NULL;
    return bytes;
}

/* The seal's colours as RGB and its alpha, from libharu's planes. */
static int keep_pixels(cc_cert_image *image, HPDF_Dict loaded, HPDF_Dict smask, apr_pool_t *p)
{
    const apr_size_t pixels = (apr_size_t)image->width * image->height;
    HPDF_Name space = HPDF_Dict_GetItem(loaded, "ColorSpace", HPDF_OCLASS_NAME);
    const int grey = space && strcmp(space->value, "DeviceGray") == 0;
    const unsigned char *colours;
    unsigned char *rgb = apr_palloc(p, pixels * 3);
    apr_size_t i;

    if (!space || (!grey && strcmp(space->value, "DeviceRGB") != 0))
        return 0;
    colours = plane_samples(loaded, grey ? pixels : pixels * 3, p);
    image->alpha = plane_samples(smask, pixels, p);
    if (!colours || !image->alpha)
        return 0;
    for (i = 0; i < pixels * 3; i++)
        rgb[i] = grey ? colours[i / 3] : colours[i];
    image->rgb = rgb;
    image->top = 1;
    for (i = 0; i < pixels; i++)
        image->top = image->alpha[i] > image->top ? image->alpha[i] : image->top;
    return 1;
}

/* Decodes the PNG with libharu in a scratch document and keeps its pixels. */
static const char *decode_seal(cc_cert_image *image, const unsigned char *png, apr_size_t len, apr_pool_t *p)
{
    hpdf_errors errors = { 0, 0 };
    HPDF_Doc doc = HPDF_New(on_hpdf_error, &errors);
    HPDF_Image loaded;
    HPDF_Dict smask;
    const char *problem = NULL;

    if (!doc)
        return "libharu could not create a document";
    loaded = HPDF_LoadPngImageFromMem(doc, png, (HPDF_UINT)len);
    smask = loaded ? HPDF_Dict_GetItem(loaded, "SMask", HPDF_OCLASS_DICT) : NULL;
    image->width = loaded ? number_of(loaded, "Width") : 0;
    image->height = loaded ? number_of(loaded, "Height") : 0;
    if (!loaded || !image->width || !image->height || !number_of(loaded, "BitsPerComponent"))
        problem = apr_psprintf(p, "libharu cannot read this PNG (error 0x%04X)", (unsigned)errors.code);
    else if (!smask)
        problem = "the PNG has no transparency (an alpha channel is needed)";
    else if (!keep_pixels(image, loaded, smask, p) || errors.code)
        problem = "the PNG's colours must be RGB or grey with alpha (not a palette)";
    HPDF_Free(doc);
    return problem;
}

cc_cert_image *cc_cert_image_load(const char *path, apr_pool_t *p, const char **err)
{
    static const unsigned char png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    cc_cert_image *image = apr_pcalloc(p, sizeof *image);
    const unsigned char *png;
    const char *problem;
    apr_size_t len = 0;

    png = cc_file_read(path, MAX_SEAL_FILE, p, &len, err);
    if (!png)
        return NULL;
    problem = len < sizeof png_signature || memcmp(png, png_signature, sizeof png_signature) != 0
                  ? "not a PNG file"
                  : decode_seal(image, png, len, p);
    if (problem) {
        *err = apr_psprintf(p, "%s: %s", path, problem);
        return NULL;
    }
    apr_pool_cleanup_register(p, image, forget_stack, apr_pool_cleanup_null);
    return image;
}

apr_size_t cc_pdf_size(const cc_pdf *pdf)
{
    return pdf->size;
}

const unsigned char *cc_pdf_bytes(const cc_pdf *pdf)
{
    return pdf->bytes;
}

void cc_pdf_set_bytes(cc_pdf *pdf, const unsigned char *bytes, apr_size_t size)
{
    pdf->bytes = bytes;
    pdf->size = size;
    pdf->pos = 0;
}

apr_status_t cc_pdf_read(cc_pdf *pdf, unsigned char *buf, apr_size_t *len)
{
    apr_size_t n = pdf->size - pdf->pos;

    if (*len == 0)
        return APR_EINVAL;
    if (n > *len)
        n = *len;
    memcpy(buf, pdf->bytes + pdf->pos, n);
    pdf->pos += n;
    *len = n;
    return APR_SUCCESS;
}
