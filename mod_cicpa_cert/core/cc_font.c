/* A CJK TrueType font loaded once per process and subset per document.
 *
 * The whole LXGW WenKai font is 15 MB; embedding it costs ~100 ms and
 * ~280 KB per PDF, so every document gets its own subset built by hb-subset
 * with only the characters on its page. libharu 2.3.0 then parses that subset
 * itself, reading only a (3,1) format 4 cmap, i.e. 16-bit codes. The subset's
 * cmap is therefore written here, over small dense codes (see cc_font.h). */

#include "cc_font.h"
#include "cc_utf8.h"

#include <apr_file_info.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <hb.h>
#include <hb-subset.h>
#include <string.h>

/* The codes given to a document's characters, in order of first use: all
 * two bytes in UTF-8, and low, because the PDF's CIDToGIDMap has an entry
 * for every code below the last one. */
#define CODE_FIRST 0x0100UL
#define CODE_LAST 0x07FFUL

/* One past the last Unicode character. */
#define UNICODE_END 0x110000UL

/* Loading proves the font can be subset and shows Chinese with this text. */
#define PROBE_TEXT "中"

#define TAG_CMAP HB_TAG('c', 'm', 'a', 'p')

struct cc_font {
    hb_face_t *face;      /* over the memory-mapped file */
    unsigned char *shown; /* bitmap of the characters it can show; plain
                               memory, so threads can read it at once */
};

struct cc_font_subset {
    const cc_font *font;
    apr_pool_t *pool;
    hb_map_t *codes;           /* character -> code */
    apr_array_header_t *chars; /* cc_font_char, in code order */
};

static apr_status_t destroy_face(void *face)
{
    hb_face_destroy(face);
    return APR_SUCCESS;
}

static apr_status_t destroy_map(void *map)
{
    hb_map_destroy(map);
    return APR_SUCCESS;
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Writes a code (U+0080..U+07FF) as two bytes of UTF-8 and returns the
 * position after them. */
static char *utf8_put_code(char *o, unsigned code)
{
    *o++ = (char)(0xC0 | (code >> 6));
    *o++ = (char)(0x80 | (code & 0x3F));
    return o;
}

/* ---- the per-document subset ---------------------------------------------- */

cc_font_subset *cc_font_subset_make(const cc_font *font, apr_pool_t *p)
{
    cc_font_subset *subset = apr_palloc(p, sizeof *subset);

    subset->font = font;
    subset->pool = p;
    subset->codes = hb_map_create();
    apr_pool_cleanup_register(p, subset->codes, destroy_map, apr_pool_cleanup_null);
    subset->chars = apr_array_make(p, 64, sizeof(cc_font_char));
    return subset;
}

/* The code of character c, given on first use; 0 when none is left. */
static int shows(const cc_font *font, unsigned long c)
{
    return c >= 0x20 && (font->shown[c >> 3] >> (c & 7) & 1);
}

unsigned long cc_font_lacks(const cc_font *font, const char *text)
{
    apr_uint32_t c;
    int n;

    for (const char *in = text; *in; in += n) {
        if (!(n = cc_utf8_next(in, &c)))
            return 0xFFFD;
        if (!shows(font, c))
            return c;
    }
    return 0;
}

static unsigned code_of(cc_font_subset *subset, unsigned long c)
{
    hb_codepoint_t code = hb_map_get(subset->codes, c);
    cc_font_char *ch;

    if (code != HB_MAP_VALUE_INVALID)
        return code;
    if (CODE_FIRST + (unsigned long)subset->chars->nelts > CODE_LAST)
        return 0;
    ch = apr_array_push(subset->chars);
    ch->code = (unsigned)(CODE_FIRST + (unsigned long)subset->chars->nelts - 1);
    ch->unicode = c;
    hb_map_set(subset->codes, c, ch->code);
    return ch->code;
}

const char *cc_font_subset_encode(cc_font_subset *subset, const char *text, const char **err)
{
    /* Every character becomes a two-byte code: at most twice as long. */
    char *out = apr_palloc(subset->pool, 2 * strlen(text) + 1);
    char *o = out;
    int n;

    for (const char *in = text; *in; in += n) {
        apr_uint32_t c;
        unsigned code;

        if (!(n = cc_utf8_next(in, &c))) {
            *err = "text is not valid UTF-8";
            return NULL;
        }
        if (!shows(subset->font, c)) {
            *err =
                apr_psprintf(subset->pool, "the certificate font has no glyph for U+%04lX", (unsigned long)c);
            return NULL;
        }
        code = code_of(subset, c);
        if (!code) {
            *err = "too many different characters for one document";
            return NULL;
        }
        o = utf8_put_code(o, code);
    }
    *o = '\0';
    return out;
}

static hb_subset_input_t *subset_input(const cc_font_subset *subset)
{
    /* libharu reads none of these; without layout tables hb-subset also
     * leaves out alternate glyphs (e.g. vertical forms) the page never uses. */
    static const hb_tag_t unused[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
        HB_TAG('B', 'A', 'S', 'E'), HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'),
        HB_TAG('V', 'O', 'R', 'G'),
    };
    hb_subset_input_t *input = hb_subset_input_create_or_fail();
    const cc_font_char *chars = (const cc_font_char *)subset->chars->elts;
    hb_set_t *unicodes, *drop;
    size_t i;

    if (!input)
        return NULL;
    unicodes = hb_subset_input_unicode_set(input);
    for (i = 0; i < (size_t)subset->chars->nelts; i++)
        hb_set_add(unicodes, chars[i].unicode);
    drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (i = 0; i < sizeof unused / sizeof unused[0]; i++)
        hb_set_add(drop, unused[i]);
    /* The font carries no fpgm/prep, so glyph programs would be dead weight. */
    hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);
    return input;
}

/* The new glyph id of character c, HB_MAP_VALUE_INVALID if it has none. */
static hb_codepoint_t subset_gid(const hb_subset_plan_t *plan, unsigned long c)
{
    hb_codepoint_t old = hb_map_get(hb_subset_plan_unicode_to_old_glyph_mapping(plan), c);

    return hb_map_get(hb_subset_plan_old_to_new_glyph_mapping(plan), old);
}

static unsigned char *put16(unsigned char *w, unsigned v)
{
    w[0] = (unsigned char)(v >> 8);
    w[1] = (unsigned char)v;
    return w + 2;
}

/* A cmap table with one (3,1) format 4 subtable mapping the codes
 * CODE_FIRST .. CODE_FIRST + n - 1 to gids[0 .. n - 1]: one segment through
 * a glyph index array, then the mandatory segment for 0xFFFF. */
static hb_blob_t *cmap_table(const unsigned *gids, apr_size_t n, apr_pool_t *p)
{
    const unsigned subtable = (unsigned)(32 + 2 * n);
    unsigned char *table = apr_palloc(p, 12 + subtable), *w;
    apr_size_t i;

    w = put16(table, 0);                          /* cmap version */
    w = put16(w, 1);                              /* one encoding record: */
    w = put16(w, 3);                              /*   Windows */
    w = put16(w, 1);                              /*   Unicode BMP */
    w = put16(put16(w, 0), 12);                   /*   32-bit offset of the subtable */
    w = put16(w, 4);                              /* format */
    w = put16(w, subtable);                       /* length */
    w = put16(w, 0);                              /* language */
    w = put16(w, 2 * 2);                          /* segCountX2 */
    w = put16(w, 4);                              /* searchRange */
    w = put16(w, 1);                              /* entrySelector */
    w = put16(w, 0);                              /* rangeShift */
    w = put16(w, (unsigned)(CODE_FIRST + n - 1)); /* endCode */
    w = put16(w, 0xFFFF);
    w = put16(w, 0);          /* reservedPad */
    w = put16(w, CODE_FIRST); /* startCode */
    w = put16(w, 0xFFFF);
    w = put16(w, 0); /* idDelta */
    w = put16(w, 1); /*   0xFFFF + 1: .notdef */
    w = put16(w, 4); /* idRangeOffset: from here to glyphs */
    w = put16(w, 0);
    for (i = 0; i < n; i++) /* glyphIdArray */
        w = put16(w, gids[i]);
    return hb_blob_create((const char *)table, 12 + subtable, HB_MEMORY_MODE_READONLY, NULL, NULL);
}

/* A control value program that does nothing (PUSHB[0] 0, POP). libharu
 * 2.3.0 writes the font's tables in a fixed order ending with prep, and
 * seeks to each table's start in its memory stream: an empty prep (the
 * subset has no hinting) starts at the stream's end, and that seek fails
 * when the end falls on the stream's 4096-byte block boundary, so about
 * one set of characters in a thousand could not be saved. */
static const char no_op_prep[] = { (char)0xB0, 0x00, 0x21 };

/* Serializes the subset face with its cmap replaced by cmap and a prep
 * that does nothing; an empty blob on failure. hb-subset returns a builder
 * face, whose tables hb 6.0 cannot list, so it is serialized and read back
 * first. */
static hb_blob_t *face_with_cmap(hb_face_t *subset, hb_blob_t *cmap)
{
    hb_blob_t *plain = hb_face_reference_blob(subset);
    hb_face_t *face = hb_face_create(plain, 0);
    hb_face_t *builder = hb_face_builder_create();
    hb_blob_t *file, *prep;
    hb_tag_t tags[16];
    unsigned start = 0, count, i;
    hb_bool_t ok = 1;

    do {
        count = sizeof tags / sizeof tags[0];
        hb_face_get_table_tags(face, start, &count, tags);
        for (i = 0; i < count; i++) {
            hb_blob_t *table;

            if (tags[i] == TAG_CMAP)
                continue;
            table = hb_face_reference_table(face, tags[i]);
            ok &= hb_face_builder_add_table(builder, tags[i], table);
            hb_blob_destroy(table);
        }
        start += count;
    } while (count == sizeof tags / sizeof tags[0]);
    ok &= hb_face_builder_add_table(builder, TAG_CMAP, cmap);
    prep = hb_blob_create(no_op_prep, sizeof no_op_prep, HB_MEMORY_MODE_READONLY, NULL, NULL);
    ok &= hb_face_builder_add_table(builder, HB_TAG('p', 'r', 'e', 'p'), prep);
    hb_blob_destroy(prep);
    file = ok ? hb_face_reference_blob(builder) : hb_blob_get_empty();
    hb_face_destroy(builder);
    hb_face_destroy(face);
    hb_blob_destroy(plain);
    return file;
}

/* Fills file from the executed plan; returns an error text or NULL. */
static const char *write_file(cc_font_subset *subset, const hb_subset_plan_t *plan, hb_face_t *face,
                              cc_font_file *file)
{
    const cc_font_char *chars = (const cc_font_char *)subset->chars->elts;
    apr_size_t n = (apr_size_t)subset->chars->nelts, i;
    unsigned *gids = apr_palloc(subset->pool, n * sizeof *gids);
    hb_blob_t *cmap, *blob;
    unsigned len;
    const char *data;

    for (i = 0; i < n; i++) {
        hb_codepoint_t gid = subset_gid(plan, chars[i].unicode);

        if (gid == HB_MAP_VALUE_INVALID || gid > 0xFFFF)
            return apr_psprintf(subset->pool, "the font subset lost U+%04lX", chars[i].unicode);
        gids[i] = gid;
    }
    cmap = cmap_table(gids, n, subset->pool);
    blob = face_with_cmap(face, cmap);
    hb_blob_destroy(cmap);
    data = hb_blob_get_data(blob, &len);
    if (!len) {
        hb_blob_destroy(blob);
        return "the font subset could not be serialized";
    }
    file->data = apr_pmemdup(subset->pool, data, len);
    file->len = len;
    file->chars = chars;
    file->nchars = n;
    hb_blob_destroy(blob);
    return NULL;
}

const cc_font_file *cc_font_subset_build(cc_font_subset *subset, const char **err)
{
    hb_subset_input_t *input;
    hb_subset_plan_t *plan = NULL;
    hb_face_t *face = NULL;
    cc_font_file *file = apr_palloc(subset->pool, sizeof *file);
    const char *problem = "hb-subset failed";

    if (!subset->chars->nelts) {
        *err = "a font subset needs at least one character";
        return NULL;
    }
    if (!hb_map_allocation_successful(subset->codes)) {
        *err = "out of memory collecting the characters";
        return NULL;
    }
    input = subset_input(subset);
    if (input)
        plan = hb_subset_plan_create_or_fail(subset->font->face, input);
    if (plan)
        face = hb_subset_plan_execute_or_fail(plan);
    if (face)
        problem = write_file(subset, plan, face, file);
    hb_face_destroy(face);
    hb_subset_plan_destroy(plan);
    hb_subset_input_destroy(input);
    if (problem) {
        *err = problem;
        return NULL;
    }
    return file;
}

/* ---- loading -------------------------------------------------------------- */

/* Why face cannot serve as the certificate font, or NULL. */
static const char *unusable(hb_face_t *face)
{
    hb_blob_t *glyf;
    unsigned glyf_len;

    if (hb_face_get_glyph_count(face) == 0)
        return "is not a font";
    glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    glyf_len = hb_blob_get_length(glyf);
    hb_blob_destroy(glyf);
    if (!glyf_len)
        return "has no TrueType outlines (libharu cannot embed CFF fonts)";
    return NULL;
}

/* The bitmap of the characters face has glyphs for. Private-use characters
 * are left out: they mean different things in different fonts (and legacy
 * systems), and a name must never show a font's private guess. */
static unsigned char *shown_characters(hb_face_t *face, apr_pool_t *p)
{
    unsigned char *shown = apr_pcalloc(p, UNICODE_END / 8);
    hb_set_t *set = hb_set_create();
    hb_codepoint_t c = HB_SET_VALUE_INVALID;

    hb_face_collect_unicodes(face, set);
    hb_set_del_range(set, 0xE000, 0xF8FF);
    while (hb_set_next(set, &c))
        if (c < UNICODE_END)
            shown[c >> 3] |= (unsigned char)(1u << (c & 7));
    hb_set_destroy(set);
    return shown;
}

/* Subsets PROBE_TEXT once so that a font that cannot serve fails at load. */
static const char *probe(const cc_font *font, apr_pool_t *p)
{
    apr_pool_t *scratch;
    cc_font_subset *subset;
    const char *err = NULL;

    if (apr_pool_create(&scratch, p) != APR_SUCCESS)
        return "out of memory";
    subset = cc_font_subset_make(font, scratch);
    if (cc_font_subset_encode(subset, PROBE_TEXT, &err))
        cc_font_subset_build(subset, &err);
    if (err)
        err = apr_pstrdup(p, err);
    apr_pool_destroy(scratch);
    return err;
}

cc_font *cc_font_load(const char *path, apr_pool_t *p, const char **err)
{
    apr_finfo_t info;
    apr_status_t rv;
    hb_blob_t *blob;
    hb_face_t *face;
    cc_font *font;
    const char *problem;
    char reason[120];

    rv = apr_stat(&info, path, APR_FINFO_TYPE, p);
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "font %s: %s", path, apr_strerror(rv, reason, sizeof reason));
        return NULL;
    }
    blob = info.filetype == APR_REG ? hb_blob_create_from_file_or_fail(path) : NULL;
    if (!blob) {
        *err = apr_psprintf(p, "font %s cannot be read", path);
        return NULL;
    }
    face = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    problem = unusable(face);
    if (problem) {
        hb_face_destroy(face);
        *err = apr_psprintf(p, "font %s %s", path, problem);
        return NULL;
    }

    hb_face_make_immutable(face); /* shared by threads from here on */
    font = apr_palloc(p, sizeof *font);
    font->face = face;
    apr_pool_cleanup_register(p, face, destroy_face, apr_pool_cleanup_null);
    font->shown = shown_characters(face, p);

    problem = probe(font, p);
    if (problem) {
        *err = apr_psprintf(p, "font %s cannot be used: %s", path, problem);
        return NULL;
    }
    return font;
}
