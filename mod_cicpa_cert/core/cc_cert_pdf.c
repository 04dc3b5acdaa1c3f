/* The one-page membership certificate, drawn by libharu into memory.
 *
 * A document is made in three steps: encode every text on the page (which
 * collects the characters for the font subset), embed the subset and the
 * photo, then draw. libharu 2.3.0 only loads TrueType from files through its
 * public API, so the subset goes in through its (installed, exported) font
 * definition layer: a memory stream, HPDF_TTFontDef_Load and
 * HPDF_Doc_RegisterFontDef. */

#include "cc_cert_pdf.h"

#include <apr_strings.h>
#include <hpdf.h>
#include <stdint.h>
#include <stdio.h>

/* A4 landscape, in points. */
#define PAGE_W 841.89f
#define PAGE_H 595.28f

#define OUTER_FRAME 26.0f    /* inset of the thick outer frame */
#define INNER_FRAME 34.0f    /* inset of the thin inner frame */
#define CORNER_LEN 38.0f     /* corner brackets inside the inner frame */
#define CORNER_INSET 8.0f

#define TITLE_SIZE 36.0f
#define TITLE_SPACING 6.0f   /* extra space between title characters */
#define TITLE_BASELINE (PAGE_H - 122.0f)

#define FIELD_SIZE 15.0f
#define FIELD_PITCH 32.0f    /* baseline to baseline */
#define FIRST_FIELD (PAGE_H - 205.0f)
#define LABEL_WIDTH (4 * FIELD_SIZE)  /* labels spread to four characters */
#define VALUE_GAP 24.0f
#define VALUE_WIDTH 280.0f   /* length of the rule under each value */

#define PHOTO_H 165.0f       /* 220 px at 96 dpi */
#define PHOTO_GAP 60.0f      /* between photo and labels */

#define ISSUER_SIZE 17.0f
#define ISSUED_SIZE 14.0f
#define ISSUER_RIGHT (PAGE_W - 100.0f)
#define ISSUER_BASELINE 120.0f

#define VALUE_RGB 0x1F1F1Fu
#define PAPER_TINT 0.96f     /* the paper is the title colour, this much whiter */

enum { FIELD_COUNT = 7 };

static const char *const field_labels[FIELD_COUNT] = {
    "姓名", "性别", "会员类别", "会员编号", "证书编号", "入会日期", "所属注协",
};

struct cc_pdf {
    HPDF_Doc doc;
    apr_size_t size;
};

/* libharu's error handler records the first error of a document here. */
typedef struct hpdf_errors {
    HPDF_STATUS code;
    HPDF_STATUS detail;
} hpdf_errors;

/* The page's texts, encoded for the font subset. */
typedef struct cert_text {
    const char *title;
    const char *issuer;
    const char *issued;  /* 发证日期 line */
    const char *labels[FIELD_COUNT];
    const char *values[FIELD_COUNT];
} cert_text;

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

static const char *failure(apr_pool_t *p, const hpdf_errors *errors,
                           const char *step)
{
    if (!errors->code)
        return apr_psprintf(p, "%s failed", step);
    return apr_psprintf(p, "%s failed (libharu error 0x%04X, detail %u)", step,
                        (unsigned)errors->code, (unsigned)errors->detail);
}

/* ---- text ----------------------------------------------------------------- */

static int encode_one(cc_font_subset *subset, const char *text,
                      const char *what, const char **out, apr_pool_t *p,
                      const char **err)
{
    const char *problem = NULL;

    *out = cc_font_subset_encode(subset, text ? text : "", &problem);
    if (!*out)
        *err = apr_psprintf(p, "%s: %s", what, problem);
    return *out != NULL;
}

static int encode_texts(cc_font_subset *subset, const cc_cert_style *style,
                        const cc_cert_data *data, cert_text *t, apr_pool_t *p,
                        const char **err)
{
    const char *values[FIELD_COUNT] = {
        data->name, data->sex, data->category, data->member_no, data->cert_no,
        data->admission_date, data->institute,
    };
    const char *issued = apr_pstrcat(p, "发证日期：",
                                      data->issue_date ? data->issue_date : "",
                                      NULL);
    int i;

    if (!encode_one(subset, style->title, "title", &t->title, p, err)
        || !encode_one(subset, style->issuer, "issuer", &t->issuer, p, err)
        || !encode_one(subset, issued, "issue date", &t->issued, p, err))
        return 0;
    for (i = 0; i < FIELD_COUNT; i++)
        if (!encode_one(subset, field_labels[i], "label", &t->labels[i], p, err)
            || !encode_one(subset, values[i], field_labels[i], &t->values[i], p,
                           err))
            return 0;
    return 1;
}

/* ---- the embedded font ---------------------------------------------------- */

/* The six-letter subset tag of the font name (PDF 32000 9.6.4), derived from
 * the codes and characters so that equal subsets get equal names. */
static void subset_tag(const cc_font_file *file, char tag[7])
{
    uint32_t h = 2166136261u;  /* FNV-1a */
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
        snprintf(line, size, "<%04X> <%04lX%04lX>\n", code,
                 0xD800 + (((c - 0x10000) >> 10) & 0x3FF),
                 0xDC00 + ((c - 0x10000) & 0x3FF));
}

/* libharu 2.3.0 points the font's ToUnicode at its UTF-8 encoding CMap,
 * which text extractors reject ("Invalid 'begincidrange' operator in
 * ToUnicode CMap") and which would map private-use codes to themselves.
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
    HPDF_Stream_WriteStr(s,
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >>"
        " def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    for (i = 0; i < file->nchars; i++) {
        if (i % 100 == 0) {  /* at most 100 entries per block */
            snprintf(line, sizeof line, "%s%u beginbfchar\n",
                     i ? "endbfchar\n" : "",
                     (unsigned)(file->nchars - i < 100 ? file->nchars - i : 100));
            HPDF_Stream_WriteStr(s, line);
        }
        bfchar_entry(&file->chars[i], line, sizeof line);
        HPDF_Stream_WriteStr(s, line);
    }
    if (file->nchars)
        HPDF_Stream_WriteStr(s, "endbfchar\n");
    HPDF_Stream_WriteStr(s,
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
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
    font = HPDF_GetFont(doc, def->base_font, "UTF-8");
    if (font)
        rewrite_to_unicode(font, file);
    return font;
}

/* ---- drawing -------------------------------------------------------------- */

static float red(unsigned rgb) { return (float)((rgb >> 16) & 0xFF) / 255; }
static float green(unsigned rgb) { return (float)((rgb >> 8) & 0xFF) / 255; }
static float blue(unsigned rgb) { return (float)(rgb & 0xFF) / 255; }

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
static void fit_font(HPDF_Page page, HPDF_Font font, float size,
                     const char *text, float max_width)
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
    HPDF_Page_Rectangle(page, OUTER_FRAME, OUTER_FRAME, PAGE_W - 2 * OUTER_FRAME,
                        PAGE_H - 2 * OUTER_FRAME);
    HPDF_Page_Fill(page);

    stroke_colour(page, style->title_rgb);
    HPDF_Page_SetLineWidth(page, 4);
    HPDF_Page_Rectangle(page, OUTER_FRAME, OUTER_FRAME, PAGE_W - 2 * OUTER_FRAME,
                        PAGE_H - 2 * OUTER_FRAME);
    HPDF_Page_Stroke(page);
    HPDF_Page_SetLineWidth(page, 1);
    HPDF_Page_Rectangle(page, INNER_FRAME, INNER_FRAME, PAGE_W - 2 * INNER_FRAME,
                        PAGE_H - 2 * INNER_FRAME);
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
static void draw_title(HPDF_Page page, HPDF_Font font, const cert_text *t,
                       const cc_cert_style *style)
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
    line(page, centre - rule, TITLE_BASELINE - 22, centre + rule,
         TITLE_BASELINE - 22);
    HPDF_Page_SetLineWidth(page, 0.5f);
    line(page, centre - rule, TITLE_BASELINE - 26, centre + rule,
         TITLE_BASELINE - 26);
}

/* The photo at height PHOTO_H, its left edge at x, vertically centred on
 * middle, in a thin accent border. */
static void draw_photo(HPDF_Page page, HPDF_Image photo, float x, float middle,
                       float width, const cc_cert_style *style)
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
        HPDF_Page_SetCharSpace(page, (LABEL_WIDTH - HPDF_Page_TextWidth(page, label))
                                     / (float)(n - 1));
    text_at(page, x, y, label);
    HPDF_Page_SetCharSpace(page, 0);
}

/* Labelled lines starting at x, each value over a thin rule. */
static void draw_fields(HPDF_Page page, HPDF_Font font, const cert_text *t,
                        float x, const cc_cert_style *style)
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

/* The issuer and the issue date, right-aligned at the bottom. */
static void draw_issuer(HPDF_Page page, HPDF_Font font, const cert_text *t,
                        const cc_cert_style *style)
{
    const float max_width = ISSUER_RIGHT - PAGE_W / 2;

    fill_colour(page, VALUE_RGB);
    fit_font(page, font, ISSUER_SIZE, t->issuer, max_width);
    text_at(page, ISSUER_RIGHT - HPDF_Page_TextWidth(page, t->issuer),
            ISSUER_BASELINE, t->issuer);
    fill_colour(page, style->accent_rgb);
    fit_font(page, font, ISSUED_SIZE, t->issued, max_width);
    text_at(page, ISSUER_RIGHT - HPDF_Page_TextWidth(page, t->issued),
            ISSUER_BASELINE - 28, t->issued);
}

static void draw_page(HPDF_Page page, HPDF_Font font, HPDF_Image photo,
                      const cert_text *t, const cc_cert_style *style)
{
    const float photo_w = PHOTO_H * (float)HPDF_Image_GetWidth(photo)
                          / (float)HPDF_Image_GetHeight(photo);
    const float block = photo_w + PHOTO_GAP + LABEL_WIDTH + VALUE_GAP + VALUE_WIDTH;
    const float left = (PAGE_W - block) / 2;
    const float fields_top = FIRST_FIELD + FIELD_SIZE * 0.8f;
    const float fields_bottom = FIRST_FIELD - (FIELD_COUNT - 1) * FIELD_PITCH - 5;

    draw_frame(page, style);
    draw_title(page, font, t, style);
    draw_photo(page, photo, left, (fields_top + fields_bottom) / 2, photo_w,
               style);
    draw_fields(page, font, t, left + photo_w + PHOTO_GAP, style);
    draw_issuer(page, font, t, style);
}

/* ---- the document ---------------------------------------------------------- */

static void set_info(HPDF_Doc doc, const cc_cert_style *style)
{
    HPDF_SetInfoAttr(doc, HPDF_INFO_TITLE, style->title ? style->title : "");
    HPDF_SetInfoAttr(doc, HPDF_INFO_AUTHOR, style->issuer ? style->issuer : "");
    HPDF_SetInfoAttr(doc, HPDF_INFO_CREATOR, "mod_cicpa_cert");
}

/* Builds the page into doc. *step names the step in progress, so that on
 * failure (0, or a libharu error recorded) it names the one that failed. */
static int compose(HPDF_Doc doc, const cc_cert_style *style,
                   const cc_cert_data *data, const cert_text *t,
                   const cc_font_file *file, const char **step)
{
    HPDF_Font font;
    HPDF_Image photo;
    HPDF_Page page;

    *step = "setting up the document";
    if (HPDF_SetCompressionMode(doc, HPDF_COMP_ALL) != HPDF_OK
        || HPDF_UseUTFEncodings(doc) != HPDF_OK
        || HPDF_SetCurrentEncoder(doc, "UTF-8") != HPDF_OK)
        return 0;
    *step = "embedding the font subset";
    font = embed_font(doc, file);
    if (!font)
        return 0;
    /* The stored JPEG goes in byte for byte (DCTDecode), never re-encoded. */
    *step = "embedding the photo as JPEG";
    photo = HPDF_LoadJpegImageFromMem(doc, data->photo, (HPDF_UINT)data->photo_len);
    if (!photo || !HPDF_Image_GetWidth(photo) || !HPDF_Image_GetHeight(photo))
        return 0;
    *step = "drawing the page";
    page = HPDF_AddPage(doc);
    if (!page || HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE)
                     != HPDF_OK)
        return 0;
    draw_page(page, font, photo, t, style);
    set_info(doc, style);
    return 1;
}

cc_pdf *cc_cert_pdf_render(const cc_cert_style *style, const cc_cert_data *data,
                           const cc_font *font, apr_pool_t *p, const char **err)
{
    cc_font_subset *subset = cc_font_subset_make(font, p);
    hpdf_errors *errors = apr_pcalloc(p, sizeof *errors);
    const cc_font_file *file;
    const char *step;
    cert_text t;
    cc_pdf *pdf;

    if (!data->photo || !data->photo_len || data->photo_len > UINT32_MAX) {
        *err = "the member has no photo";
        return NULL;
    }
    if (!encode_texts(subset, style, data, &t, p, err))
        return NULL;
    file = cc_font_subset_build(subset, err);
    if (!file)
        return NULL;

    pdf = apr_palloc(p, sizeof *pdf);
    pdf->doc = HPDF_New(on_hpdf_error, errors);
    if (!pdf->doc) {
        *err = "libharu could not create a document";
        return NULL;
    }
    apr_pool_cleanup_register(p, pdf->doc, free_doc, apr_pool_cleanup_null);

    if (!compose(pdf->doc, style, data, &t, file, &step) || errors->code) {
        *err = failure(p, errors, step);
        return NULL;
    }
    if (HPDF_SaveToStream(pdf->doc) != HPDF_OK || errors->code) {
        *err = failure(p, errors, "saving the PDF");
        return NULL;
    }
    pdf->size = HPDF_GetStreamSize(pdf->doc);
    return pdf;
}

apr_size_t cc_pdf_size(const cc_pdf *pdf)
{
    return pdf->size;
}

apr_status_t cc_pdf_read(cc_pdf *pdf, unsigned char *buf, apr_size_t *len)
{
    HPDF_UINT32 n = *len > UINT32_MAX ? UINT32_MAX : (HPDF_UINT32)*len;
    HPDF_STATUS rv;

    if (n == 0)
        return APR_EINVAL;
    rv = HPDF_ReadFromStream(pdf->doc, buf, &n);
    if (rv != HPDF_OK && rv != HPDF_STREAM_EOF) {
        *len = 0;
        return APR_EGENERAL;
    }
    *len = n;
    return APR_SUCCESS;
}
