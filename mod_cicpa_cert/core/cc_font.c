/* A CJK TrueType font loaded once per process and subset per document.
 *
 * The whole LXGW WenKai font is 15 MB; embedding it costs ~100 ms and
 * ~280 KB per PDF, so every document gets its own subset built by hb-subset
 * with only the characters on its page. libharu 2.3.0 then parses that subset
 * itself, and it reads only a (3,1) format 4 cmap, i.e. 16-bit codes. The
 * subset's cmap is therefore written here: BMP characters map as themselves,
 * characters above U+FFFF (rare CJK in names) get private-use codes. */

#include "cc_font.h"

#include <apr_file_info.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <hb.h>
#include <hb-subset.h>
#include <stdlib.h>
#include <string.h>

/* Private-use codes for characters above U+FFFF; the font's own private-use
 * glyphs are never shown, so these codes cannot clash. */
#define ALIAS_FIRST 0xE000UL
#define ALIAS_LAST 0xF8FFUL

/* A format 4 subtable's length is 16 bits: 16 + 8 bytes per segment. */
#define MAX_SUBSET_CHARS 8000

/* Loading proves the font can be subset and shows Chinese with this text. */
#define PROBE_TEXT "中"

#define TAG_CMAP HB_TAG('c', 'm', 'a', 'p')

struct cc_font {
    hb_face_t *face;     /* preprocessed for fast repeated subsetting */
    hb_set_t *unicodes;  /* characters with a glyph, private-use area removed */
};

struct cc_font_subset {
    const cc_font *font;
    apr_pool_t *pool;
    hb_set_t *unicodes;           /* every character added so far */
    apr_array_header_t *aliased;  /* unsigned long: element i has code
                                     ALIAS_FIRST + i */
};

static apr_status_t destroy_face(void *face)
{
    hb_face_destroy(face);
    return APR_SUCCESS;
}

static apr_status_t destroy_set(void *set)
{
    hb_set_destroy(set);
    return APR_SUCCESS;
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Decodes the character at *s and advances past it. Returns 0 for bytes that
 * are not UTF-8, including overlong forms, surrogates and values above
 * U+10FFFF. */
static int utf8_decode(const unsigned char **s, unsigned long *cp)
{
    static const unsigned long smallest[] = { 0, 0x80, 0x800, 0x10000 };
    const unsigned char *b = *s;
    unsigned long c;
    int more, i;

    if (b[0] < 0x80) {
        c = b[0];
        more = 0;
    } else if ((b[0] & 0xE0) == 0xC0) {
        c = b[0] & 0x1F;
        more = 1;
    } else if ((b[0] & 0xF0) == 0xE0) {
        c = b[0] & 0x0F;
        more = 2;
    } else if ((b[0] & 0xF8) == 0xF0) {
        c = b[0] & 0x07;
        more = 3;
    } else {
        return 0;
    }
    for (i = 1; i <= more; i++) {
        if ((b[i] & 0xC0) != 0x80)  /* also stops at the terminating NUL */
            return 0;
        c = (c << 6) | (b[i] & 0x3F);
    }
    if (c < smallest[more] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    *s = b + more + 1;
    return 1;
}

/* Writes a BMP character as UTF-8 and returns the position after it. */
static char *utf8_put_bmp(char *o, unsigned long c)
{
    if (c < 0x80) {
        *o++ = (char)c;
    } else if (c < 0x800) {
        *o++ = (char)(0xC0 | (c >> 6));
        *o++ = (char)(0x80 | (c & 0x3F));
    } else {
        *o++ = (char)(0xE0 | (c >> 12));
        *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    }
    return o;
}

/* ---- the per-document subset ---------------------------------------------- */

cc_font_subset *cc_font_subset_make(const cc_font *font, apr_pool_t *p)
{
    cc_font_subset *subset = apr_palloc(p, sizeof *subset);

    subset->font = font;
    subset->pool = p;
    subset->unicodes = hb_set_create();
    apr_pool_cleanup_register(p, subset->unicodes, destroy_set,
                              apr_pool_cleanup_null);
    subset->aliased = apr_array_make(p, 4, sizeof(unsigned long));
    return subset;
}

/* The 16-bit code of character c in this subset; 0 when the private-use
 * range is exhausted. */
static unsigned long code_of(cc_font_subset *subset, unsigned long c)
{
    const unsigned long *aliased = (const unsigned long *)subset->aliased->elts;
    int i;

    if (c <= 0xFFFF)
        return c;
    for (i = 0; i < subset->aliased->nelts; i++)
        if (aliased[i] == c)
            return ALIAS_FIRST + (unsigned long)i;
    if (ALIAS_FIRST + (unsigned long)i > ALIAS_LAST)
        return 0;
    APR_ARRAY_PUSH(subset->aliased, unsigned long) = c;
    return ALIAS_FIRST + (unsigned long)i;
}

const char *cc_font_subset_encode(cc_font_subset *subset, const char *text,
                                  const char **err)
{
    const unsigned char *in = (const unsigned char *)text;
    /* Aliases (3 bytes) replace 4-byte characters: never longer. */
    char *out = apr_palloc(subset->pool, strlen(text) + 1);
    char *o = out;

    while (*in) {
        unsigned long c, code;

        if (!utf8_decode(&in, &c)) {
            *err = "text is not valid UTF-8";
            return NULL;
        }
        if (c < 0x20 || !hb_set_has(subset->font->unicodes, c)) {
            *err = apr_psprintf(subset->pool,
                                "the certificate font has no glyph for U+%04lX",
                                c);
            return NULL;
        }
        code = code_of(subset, c);
        if (!code) {
            *err = "too many different characters above U+FFFF";
            return NULL;
        }
        hb_set_add(subset->unicodes, c);
        o = utf8_put_bmp(o, code);
    }
    *o = '\0';
    return out;
}

static int by_code(const void *a, const void *b)
{
    const cc_font_char *x = a, *y = b;

    return (x->code > y->code) - (x->code < y->code);
}

/* The subset's characters with their codes, sorted by code. */
static cc_font_char *subset_chars(cc_font_subset *subset, apr_size_t n)
{
    cc_font_char *chars = apr_palloc(subset->pool, n * sizeof *chars);
    hb_codepoint_t c = HB_SET_VALUE_INVALID;
    apr_size_t i = 0;

    while (hb_set_next(subset->unicodes, &c)) {
        chars[i].unicode = c;
        chars[i].code = (unsigned)code_of(subset, c);
        i++;
    }
    qsort(chars, n, sizeof *chars, by_code);
    return chars;
}

static hb_subset_input_t *subset_input(const hb_set_t *unicodes)
{
    /* libharu reads none of these; without layout tables hb-subset also
     * leaves out alternate glyphs (e.g. vertical forms) the page never uses. */
    static const hb_tag_t unused[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
        HB_TAG('G', 'D', 'E', 'F'), HB_TAG('B', 'A', 'S', 'E'),
        HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'),
        HB_TAG('V', 'O', 'R', 'G'),
    };
    hb_subset_input_t *input = hb_subset_input_create_or_fail();
    hb_set_t *drop;
    size_t i;

    if (!input)
        return NULL;
    hb_set_union(hb_subset_input_unicode_set(input), unicodes);
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
    hb_codepoint_t old =
        hb_map_get(hb_subset_plan_unicode_to_old_glyph_mapping(plan), c);

    return hb_map_get(hb_subset_plan_old_to_new_glyph_mapping(plan), old);
}

static unsigned char *put16(unsigned char *w, unsigned v)
{
    w[0] = (unsigned char)(v >> 8);
    w[1] = (unsigned char)v;
    return w + 2;
}

/* A cmap table with one (3,1) format 4 subtable mapping chars[i].code to
 * gids[i]; chars are sorted by code. Runs of consecutive codes with
 * consecutive glyphs share a segment. */
static hb_blob_t *cmap_table(const cc_font_char *chars, const unsigned *gids,
                             apr_size_t n, apr_pool_t *p)
{
    unsigned *start = apr_palloc(p, (n + 1) * sizeof *start);
    unsigned *end = apr_palloc(p, (n + 1) * sizeof *end);
    unsigned *delta = apr_palloc(p, (n + 1) * sizeof *delta);
    unsigned segs = 0, search = 1, selector = 0, i, size;
    unsigned char *table, *w;

    for (i = 0; i < n; i++) {
        unsigned d = (gids[i] - chars[i].code) & 0xFFFF;

        if (segs && chars[i].code == end[segs - 1] + 1 && d == delta[segs - 1]) {
            end[segs - 1]++;
        } else {
            start[segs] = end[segs] = chars[i].code;
            delta[segs++] = d;
        }
    }
    start[segs] = end[segs] = 0xFFFF;  /* the mandatory last segment */
    delta[segs++] = 1;                 /* 0xFFFF + 1: .notdef */
    while (search * 2 <= segs) {
        search *= 2;
        selector++;
    }

    size = 12 + 16 + 8 * segs;
    table = apr_pcalloc(p, size);       /* idRangeOffset stays all zero */
    w = put16(table, 0);                /* cmap version */
    w = put16(w, 1);                    /* one encoding record: */
    w = put16(w, 3);                    /*   Windows */
    w = put16(w, 1);                    /*   Unicode BMP */
    w = put16(put16(w, 0), 12);         /*   32-bit offset of the subtable */
    w = put16(w, 4);                    /* format */
    w = put16(w, 16 + 8 * segs);        /* length */
    w = put16(w, 0);                    /* language */
    w = put16(w, 2 * segs);
    w = put16(w, 2 * search);
    w = put16(w, selector);
    w = put16(w, 2 * segs - 2 * search);
    for (i = 0; i < segs; i++)
        w = put16(w, end[i]);
    w += 2;                             /* reservedPad */
    for (i = 0; i < segs; i++)
        w = put16(w, start[i]);
    for (i = 0; i < segs; i++)
        w = put16(w, delta[i]);
    return hb_blob_create((const char *)table, size, HB_MEMORY_MODE_READONLY,
                          NULL, NULL);
}

/* Serializes the subset face with its cmap replaced by cmap; an empty blob
 * on failure. hb-subset returns a builder face, whose tables hb 6.0 cannot
 * list, so it is serialized and read back first. */
static hb_blob_t *face_with_cmap(hb_face_t *subset, hb_blob_t *cmap)
{
    hb_blob_t *plain = hb_face_reference_blob(subset);
    hb_face_t *face = hb_face_create(plain, 0);
    hb_face_t *builder = hb_face_builder_create();
    hb_blob_t *file;
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
    file = ok ? hb_face_reference_blob(builder) : hb_blob_get_empty();
    hb_face_destroy(builder);
    hb_face_destroy(face);
    hb_blob_destroy(plain);
    return file;
}

/* Fills file from the executed plan; returns an error text or NULL. */
static const char *write_file(cc_font_subset *subset,
                              const hb_subset_plan_t *plan, hb_face_t *face,
                              cc_font_file *file)
{
    apr_size_t n = hb_set_get_population(subset->unicodes), i;
    cc_font_char *chars = subset_chars(subset, n);
    unsigned *gids = apr_palloc(subset->pool, n * sizeof *gids);
    hb_blob_t *cmap, *blob;
    unsigned len;
    const char *data;

    for (i = 0; i < n; i++) {
        hb_codepoint_t gid = subset_gid(plan, chars[i].unicode);

        if (gid == HB_MAP_VALUE_INVALID || gid > 0xFFFF)
            return apr_psprintf(subset->pool, "the font subset lost U+%04lX",
                                chars[i].unicode);
        gids[i] = gid;
    }
    cmap = cmap_table(chars, gids, n, subset->pool);
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

const cc_font_file *cc_font_subset_build(cc_font_subset *subset,
                                         const char **err)
{
    hb_subset_input_t *input;
    hb_subset_plan_t *plan = NULL;
    hb_face_t *face = NULL;
    cc_font_file *file = apr_palloc(subset->pool, sizeof *file);
    const char *problem = "hb-subset failed";

    if (!hb_set_allocation_successful(subset->unicodes)) {
        *err = "out of memory collecting the characters";
        return NULL;
    }
    if (hb_set_get_population(subset->unicodes) > MAX_SUBSET_CHARS) {
        *err = "too many different characters for one font subset";
        return NULL;
    }
    input = subset_input(subset->unicodes);
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
        *err = apr_psprintf(p, "font %s: %s", path,
                            apr_strerror(rv, reason, sizeof reason));
        return NULL;
    }
    blob = info.filetype == APR_REG ? hb_blob_create_from_file_or_fail(path)
                                    : NULL;
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

    font = apr_palloc(p, sizeof *font);
    font->unicodes = hb_set_create();
    apr_pool_cleanup_register(p, font->unicodes, destroy_set,
                              apr_pool_cleanup_null);
    hb_face_collect_unicodes(face, font->unicodes);
    hb_set_del_range(font->unicodes, ALIAS_FIRST, ALIAS_LAST);
    font->face = hb_subset_preprocess(face);
    hb_face_destroy(face);
    apr_pool_cleanup_register(p, font->face, destroy_face,
                              apr_pool_cleanup_null);

    problem = probe(font, p);
    if (problem) {
        *err = apr_psprintf(p, "font %s cannot be used: %s", path, problem);
        return NULL;
    }
    return font;
}
