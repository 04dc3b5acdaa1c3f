/* A CJK TrueType font loaded once per process and subset per document. */
#ifndef CC_FONT_H
#define CC_FONT_H

#include <apr_pools.h>

typedef struct cc_font cc_font;

/* Loads (memory-maps) the TrueType font at path; the font lives as long as p.
 * Returns NULL and sets *err to a readable reason when the file is missing,
 * unreadable, not TrueType (e.g. CFF-based Noto CJK) or cannot be subset. */
cc_font *cc_font_load(const char *path, apr_pool_t *p, const char **err);

/* The characters one document shows, collected before its font is built.
 * A cc_font may be shared by threads; a subset belongs to one thread. */
typedef struct cc_font_subset cc_font_subset;

/* One character of a built subset: the 16-bit code that the encoded text
 * uses for it and the Unicode character it stands for. Codes run from
 * U+0100 up, given in order of first use: libharu 2.3.0 handles 16-bit
 * codes only (characters above U+FFFF, e.g. rare CJK in names, would not
 * fit), a dense code range keeps the subset's cmap a single segment (libharu
 * scans the segments for every code it looks up), and low codes keep the
 * PDF's code-to-glyph map (an entry per code up to the last) short. The
 * PDF's ToUnicode map gives text extraction the real characters back. */
typedef struct cc_font_char {
    unsigned code;
    unsigned long unicode;
} cc_font_char;

/* A built subset: a standalone TrueType file whose (3,1) format 4 cmap maps
 * exactly the codes in chars (in code order) to their glyphs. */
typedef struct cc_font_file {
    const unsigned char *data;
    apr_size_t len;
    const cc_font_char *chars;
    apr_size_t nchars;
} cc_font_file;

/* The first character of the UTF-8 text that font cannot show (as
 * cc_font_subset_encode would refuse it), or 0 when it shows them all;
 * text that is not valid UTF-8 gives 0xFFFD. */
unsigned long cc_font_lacks(const cc_font *font, const char *text);

/* Starts an empty subset of font; its memory lives as long as p. */
cc_font_subset *cc_font_subset_make(const cc_font *font, apr_pool_t *p);

/* Adds the characters of the UTF-8 text to the subset and returns the text
 * with every character replaced by its code (still UTF-8). Returns NULL and
 * sets *err when text is not valid UTF-8 or holds a character the font has
 * no glyph for (control and private-use characters included). */
const char *cc_font_subset_encode(cc_font_subset *subset, const char *text, const char **err);

/* Builds the TrueType file of the characters added so far (allocated in the
 * subset's pool). Returns NULL and sets *err on failure. */
const cc_font_file *cc_font_subset_build(cc_font_subset *subset, const char **err);

#endif
