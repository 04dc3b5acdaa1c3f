/* Certificates rendered by cc_pdf_render, checked with tools nobody here
 * wrote: qpdf --check, pdffonts, pdftotext and pdfimages (poppler). The
 * photo is made by ImageMagick. Also the ways cc_font_load and rendering
 * must fail: without crashing, with a reason. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>

#include "cc_unit_files.h"
#include "cc_pdf.h"

#ifndef CC_SRCDIR
#define CC_SRCDIR "."
#endif

#define FONT_PATH "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define THREADS 4
#define RENDERS_PER_THREAD 20

static const cc_font *font;
static const unsigned char *photo;
static apr_size_t photo_len;

static const cc_cert_style style = {
    "中国注册会计师协会会员证",
    "中国注册会计师协会",
    0xA01D22,
    0x8A6A2F,
};

static cc_cert_data member(const char *name, const char *member_no)
{
    cc_cert_data data = {
        name,         "男",  "非执业会员", member_no, "CICPA-2024-000123", "2020-06-15", "北京注册会计师协会",
        "2024-05-20", photo, photo_len,
    };
    return data;
}

/* ---- helpers -------------------------------------------------------------- */

static unsigned char *read_file(const char *path, apr_size_t *len)
{
    apr_file_t *file;
    apr_finfo_t info;
    unsigned char *data;

    assert_int_equal(apr_file_open(&file, path, APR_FOPEN_READ, 0, pool), APR_SUCCESS);
    assert_int_equal(apr_file_info_get(&info, APR_FINFO_SIZE, file), APR_SUCCESS);
    *len = (apr_size_t)info.size;
    data = apr_palloc(pool, *len + 1);
    assert_int_equal(apr_file_read_full(file, data, *len, NULL), APR_SUCCESS);
    apr_file_close(file);
    return data;
}

/* Reads the whole PDF through cc_pdf_read in chunks of chunk bytes. */
static unsigned char *pdf_bytes(cc_pdf *pdf, apr_size_t chunk)
{
    apr_size_t size = cc_pdf_size(pdf), total = 0, n;
    unsigned char *bytes = apr_palloc(pool, size + chunk);

    do {
        n = chunk;
        assert_int_equal(cc_pdf_read(pdf, bytes + total, &n), APR_SUCCESS);
        total += n;
        assert_true(total <= size);
    } while (n);
    assert_int_equal(total, size);
    return bytes;
}

/* Renders data into the working directory as name; returns the path. */
static const char *render_file(const cc_cert_data *data, const char *name)
{
    const char *err = NULL, *path = work_path(name);
    cc_pdf *pdf = cc_pdf_render(&style, data, font, pool, &err);
    apr_file_t *file;

    if (!pdf)
        fail_msg("render failed: %s", err);
    assert_int_equal(apr_file_open(&file, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                                   APR_FPROT_OS_DEFAULT, pool),
                     APR_SUCCESS);
    assert_int_equal(apr_file_write_full(file, pdf_bytes(pdf, 4096), cc_pdf_size(pdf), NULL), APR_SUCCESS);
    apr_file_close(file);
    return path;
}

/* Expects rendering to fail with a reason containing expected. */
static void expect_render_failure(const cc_cert_data *data, const char *expected)
{
    const char *err = NULL;

    assert_null(cc_pdf_render(&style, data, font, pool, &err));
    assert_non_null(err);
    if (!strstr(err, expected))
        fail_msg("error \"%s\" does not mention \"%s\"", err, expected);
}

/* Expects cc_font_load to refuse path with a reason containing expected. */
static void expect_font_refused(const char *path, const char *expected)
{
    const char *err = NULL;

    assert_null(cc_font_load(path, pool, &err));
    assert_non_null(err);
    if (!strstr(err, expected))
        fail_msg("error \"%s\" does not mention \"%s\"", err, expected);
}

/* ---- a rendered certificate ---------------------------------------------- */

static void qpdf_finds_no_errors(void **state)
{
    cc_cert_data data = member("张三丰", "110000000001");
    const char *path = render_file(&data, "qpdf.pdf");
    char *out;

    assert_int_equal(run(apr_pstrcat(pool, "qpdf --check '", path, "'", NULL), &out), 0);
    assert_non_null(strstr(out, "No syntax or stream encoding errors"));
}

/* pdffonts: one font, a tagged subset of LXGW WenKai, embedded, subset, with
 * a ToUnicode map. */
static void pdffonts_shows_embedded_subset(void **state)
{
    cc_cert_data data = member("张三丰", "110000000001");
    const char *path = render_file(&data, "fonts.pdf");
    char *out, *row, name[128], type[32], type2[32], encoding[32];
    char emb[8], sub[8], uni[8];
    int i;

    assert_int_equal(run(apr_pstrcat(pool, "pdffonts '", path, "'", NULL), &out), 0);
    row = strstr(out, "+LXGWWenKai-Regular");
    assert_non_null(row);
    row -= 6;
    assert_true(row >= out);
    for (i = 0; i < 6; i++)
        assert_true(row[i] >= 'A' && row[i] <= 'Z');
    assert_null(strstr(row + 7, "+LXGWWenKai")); /* only one font */
    assert_int_equal(
        sscanf(row, "%127s %31s %31s %31s %7s %7s %7s", name, type, type2, encoding, emb, sub, uni), 7);
    assert_string_equal(type, "CID");
    assert_string_equal(type2, "TrueType");
    assert_string_equal(encoding, "Identity-H");
    assert_string_equal(emb, "yes");
    assert_string_equal(sub, "yes");
    assert_string_equal(uni, "yes");
}

/* pdftotext finds the name (middle dot and a character above U+FFFF
 * included) and the member number, and poppler has nothing to complain about
 * (libharu's own ToUnicode map made it warn). */
static void pdftotext_finds_name_and_number(void **state)
{
    static const char *const names[] = { "张三丰", "买买提·艾力", "王𫖯" };
    char *out;
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *number = apr_psprintf(pool, "11000000000%u", (unsigned)i);
        cc_cert_data data = member(names[i], number);
        const char *path = render_file(&data, "text.pdf");

        assert_int_equal(run(apr_pstrcat(pool, "pdftotext -enc UTF-8 '", path, "' -", NULL), &out), 0);
        if (!strstr(out, names[i]) || !strstr(out, number))
            fail_msg("pdftotext output lacks %s / %s:\n%s", names[i], number, out);
        assert_non_null(strstr(out, "北京注册会计师协会"));
        assert_null(strstr(out, "Warning"));
        assert_null(strstr(out, "Error"));
    }
}

/* pdfimages: exactly one 178x220 JPEG, and its stream is the photo as given. */
static void pdfimages_shows_the_jpeg_as_is(void **state)
{
    cc_cert_data data = member("张三丰", "110000000001");
    const char *path = render_file(&data, "image.pdf");
    char *out, *row, type[16], enc[16];
    int page, num, width, height;
    unsigned char *extracted;
    apr_size_t extracted_len;

    assert_int_equal(run(apr_pstrcat(pool, "pdfimages -list '", path, "'", NULL), &out), 0);
    row = strstr(out, "-\n"); /* end of the dashed header rule */
    assert_non_null(row);
    assert_int_equal(
        sscanf(row + 2, "%d %d %15s %d %d %*s %*d %*d %15s", &page, &num, type, &width, &height, enc), 6);
    assert_string_equal(type, "image");
    assert_int_equal(width, 178);
    assert_int_equal(height, 220);
    assert_string_equal(enc, "jpeg");
    assert_int_equal(strchr(row + 2, '\n')[1], '\0'); /* one image only */

    assert_int_equal(
        run(apr_pstrcat(pool, "pdfimages -j '", path, "' '", work_path("extracted"), "'", NULL), &out), 0);
    extracted = read_file(work_path("extracted-000.jpg"), &extracted_len);
    assert_int_equal(extracted_len, photo_len);
    assert_memory_equal(extracted, photo, photo_len);
}

/* One row of pdfimages -list: what it is, its size, and its object number. */
typedef struct listed_image {
    char type[16], enc[16];
    int width, height, object;
} listed_image;

/* Reads up to max rows of pdfimages -list for path; returns how many. */
static int list_images(const char *path, listed_image *rows, int max)
{
    char *out, *line;
    int n = 0;

    assert_int_equal(run(apr_pstrcat(pool, "pdfimages -list '", path, "'", NULL), &out), 0);
    line = strstr(out, "-\n"); /* end of the dashed header rule */
    assert_non_null(line);
    for (line += 2; *line && n < max; line = strchr(line, '\n') + 1) {
        assert_int_equal(sscanf(line, "%*d %*d %15s %d %d %*s %*d %*d %15s %*s %d", rows[n].type,
                                &rows[n].width, &rows[n].height, rows[n].enc, &rows[n].object),
                         5);
        n++;
    }
    return n;
}

/* The seals as pdfimages lists them: one picture with a soft mask, the
 * seals stacked in it, drawn once per seal. */
static void expect_seal_draws(const listed_image *rows, int draws, int height)
{
    for (int i = 0; i < draws; i++) {
        const listed_image *image = &rows[2 * i], *mask = &rows[2 * i + 1];

        assert_string_equal(image->type, "image");
        assert_string_equal(mask->type, "smask");
        assert_int_equal(image->width, 180);
        assert_int_equal(image->height, height);
        assert_int_equal(mask->width, 180);
        assert_int_equal(mask->height, height);
        assert_int_equal(image->object, rows[0].object);
        assert_int_equal(mask->object, rows[0].object);
    }
}

/* How red the page is in a box (points from the top left, at 72 dpi):
 * the mean of red minus green, 0 on grey paper and black text. */
static double redness(const char *png, int x, int y, int w, int h)
{
    char *out;

    assert_int_equal(run(apr_psprintf(pool,
                                      "convert '%s' -crop %dx%d+%d+%d "
                                      "-format '%%[fx:mean.r-mean.g]' info:",
                                      png, w, h, x, y),
                         &out),
                     0);
    return atof(out);
}

/* Renders page 1 at 72 dpi into name.png; returns its path. */
static const char *page_png(const char *pdf, const char *name)
{
    char *out;

    assert_int_equal(
        run(apr_pstrcat(pool, "pdftoppm -r 72 -png -singlefile '", pdf, "' '", work_path(name), "'", NULL),
            &out),
        0);
    return apr_pstrcat(pool, work_path(name), ".png", NULL);
}

/* With both seals: the photo is still the given JPEG byte for byte, each
 * seal is stamped over its issuer's name (the page is red there, and was
 * not without seals), and the seals are one picture drawn twice. */
static void seals_are_stamped_beside_the_photo_as_is(void **state)
{
    cc_cert_data data = member("张三丰", "110000000001");
    const char *err = NULL, *path, *plain, *sealed;
    listed_image rows[8];
    char *out;
    unsigned char *extracted;
    apr_size_t extracted_len;

    data.co_issuer = "北京注册会计师协会";
    plain = page_png(render_file(&data, "unsealed.pdf"), "unsealed");
    data.issuer_seal = cc_cert_image_load(CC_SRCDIR "/conf/demo-seals/00.png", pool, &err);
    data.co_issuer_seal = cc_cert_image_load(CC_SRCDIR "/conf/demo-seals/11.png", pool, &err);
    assert_non_null(data.co_issuer_seal);
    path = render_file(&data, "sealed.pdf");
    sealed = page_png(path, "sealed");
    /* each seal is centred over its name: the co-issuer left of the issuer */
    assert_true(redness(sealed, 436, 430, 80, 80) > redness(plain, 436, 430, 80, 80) + 0.03);
    assert_true(redness(sealed, 625, 430, 80, 80) > redness(plain, 625, 430, 80, 80) + 0.03);

    assert_int_equal(list_images(path, rows, 8), 5);
    assert_string_equal(rows[0].enc, "jpeg");
    assert_int_equal(rows[0].width, 178);
    assert_int_equal(rows[0].height, 220);
    expect_seal_draws(&rows[1], 2, 180 + 4 + 180);
    assert_int_equal(
        run(apr_pstrcat(pool, "pdfimages -j '", path, "' '", work_path("sealed"), "'", NULL), &out), 0);
    extracted = read_file(work_path("sealed-000.jpg"), &extracted_len);
    assert_int_equal(extracted_len, photo_len);
    assert_memory_equal(extracted, photo, photo_len);

    /* a narrower seal of many colours: padded, and its colours kept as RGB */
    assert_int_equal(run(apr_pstrcat(pool,
                                     "convert -size 120x150 gradient:red-blue -alpha set "
                                     "-channel A -evaluate set 60% +channel PNG32:'",
                                     work_path("gradient.png"), "'", NULL),
                         &out),
                     0);
    data.co_issuer_seal = cc_cert_image_load(work_path("gradient.png"), pool, &err);
    assert_non_null(data.co_issuer_seal);
    path = render_file(&data, "gradient.pdf");
    assert_int_equal(list_images(path, rows, 8), 5);
    expect_seal_draws(&rows[1], 2, 180 + 4 + 150);
    assert_true(redness(page_png(path, "gradient"), 436, 430, 80, 80)
                > redness(plain, 436, 430, 80, 80) + 0.03);

    data.co_issuer_seal = data.issuer_seal; /* the same picture twice */
    assert_int_equal(list_images(render_file(&data, "same-seal.pdf"), rows, 8), 5);
    expect_seal_draws(&rows[1], 2, 180);
    data.co_issuer_seal = NULL;
    assert_int_equal(list_images(render_file(&data, "one-seal.pdf"), rows, 8), 3);
    expect_seal_draws(&rows[1], 1, 180);
}

/* The whole document can be read a byte at a time, and the end stays the end. */
static void reads_in_any_chunk_size(void **state)
{
    cc_cert_data data = member("张三丰", "110000000001");
    const char *err = NULL;
    cc_pdf *pdf = cc_pdf_render(&style, &data, font, pool, &err);
    unsigned char *whole, *bytewise, byte;
    apr_size_t n = 1;

    assert_non_null(pdf);
    assert_true(cc_pdf_size(pdf) > 1000 && cc_pdf_size(pdf) <= 60 * 1024);
    bytewise = pdf_bytes(pdf, 1);
    assert_int_equal(cc_pdf_read(pdf, &byte, &n), APR_SUCCESS);
    assert_int_equal(n, 0);
    assert_memory_equal(bytewise, "%PDF-", 5);

    pdf = cc_pdf_render(&style, &data, font, pool, &err);
    assert_non_null(pdf);
    whole = pdf_bytes(pdf, cc_pdf_size(pdf) * 2);
    assert_memory_equal(whole, bytewise, cc_pdf_size(pdf));
}

/* ---- several threads share one font --------------------------------------- */

typedef struct render_job {
    const cc_cert_data *data;
    const unsigned char *expected;
    apr_size_t expected_len;
    int mismatches;
} render_job;

static void *APR_THREAD_FUNC render_repeatedly(apr_thread_t *thread, void *arg)
{
    render_job *job = arg;
    apr_pool_t *p;
    int i;

    apr_pool_create_unmanaged(&p);
    for (i = 0; i < RENDERS_PER_THREAD; i++) {
        const char *err = NULL;
        cc_pdf *pdf = cc_pdf_render(&style, job->data, font, p, &err);
        unsigned char *buf = apr_palloc(p, job->expected_len + 1);
        apr_size_t n = job->expected_len + 1;

        if (!pdf || cc_pdf_read(pdf, buf, &n) != APR_SUCCESS || n != job->expected_len
            || memcmp(buf, job->expected, n) != 0)
            job->mismatches++;
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}

/* The member with both demo seals, loaded afresh: seals not yet stacked. */
static cc_cert_data sealed_member(void)
{
    cc_cert_data data = member("买买提·艾力", "110000000001");
    const char *err = NULL;

    data.co_issuer = "北京注册会计师协会";
    data.issuer_seal = cc_cert_image_load(CC_SRCDIR "/conf/demo-seals/00.png", pool, &err);
    data.co_issuer_seal = cc_cert_image_load(CC_SRCDIR "/conf/demo-seals/11.png", pool, &err);
    assert_non_null(data.co_issuer_seal);
    return data;
}

/* Documents render the same, byte for byte, whatever runs next to them,
 * also while the threads race to stack the same fresh seals. */
static void threads_render_identical_documents(void **state)
{
    cc_cert_data data = sealed_member(), fresh = sealed_member();
    const char *err = NULL;
    cc_pdf *pdf = cc_pdf_render(&style, &data, font, pool, &err);
    apr_thread_t *threads[THREADS];
    render_job jobs[THREADS];
    const unsigned char *expected;
    apr_status_t rv;
    int i;

    assert_non_null(pdf);
    expected = pdf_bytes(pdf, 65536);
    for (i = 0; i < THREADS; i++) {
        jobs[i].data = &fresh;
        jobs[i].expected = expected;
        jobs[i].expected_len = cc_pdf_size(pdf);
        jobs[i].mismatches = 0;
        assert_int_equal(apr_thread_create(&threads[i], NULL, render_repeatedly, &jobs[i], pool),
                         APR_SUCCESS);
    }
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(apr_thread_join(&rv, threads[i]), APR_SUCCESS);
        assert_int_equal(jobs[i].mismatches, 0);
    }
}

/* libharu 2.3.0 rebuilds the embedded font in a memory stream and then
 * seeks to each table's start; a table that is empty and last (prep: the
 * subset has no hinting) starts at the stream's end, and when that end
 * falls on a 4096-byte boundary the seek fails (HPDF_INVALID_OBJECT).
 * These texts made such a font; 王国强 is a common name. */
static void a_font_ending_on_a_stream_block_boundary_renders(void **state)
{
    cc_cert_data data = member("王强", "318000000561");
    const char *err = NULL;

    data.cert_no = "319000000561";
    data.admission_date = "2015-06-30";
    data.institute = data.co_issuer = "上海市注册会计师协会";
    data.issue_date = "2026-12-05";
    data.serial = "CICPA-31-2026-000561";
    data.valid_until = "2027-12-05";
    data.verify_url = "http://127.0.0.1:18098/cert/verify/q3Kx9cVb2mLw8RtYzA1nBg?k=0a1b2c3d";
    data.issuer_seal = cc_cert_image_load(CC_SRCDIR "/conf/demo-seals/00.png", pool, &err);
    data.co_issuer_seal = cc_cert_image_load(CC_SRCDIR "/conf/demo-seals/11.png", pool, &err);
    assert_non_null(data.co_issuer_seal);
    for (const char *const *name = (const char *const[]){ "王强", "王国强", "王强国", NULL }; *name; name++) {
        data.name = *name;
        if (!cc_pdf_render(&style, &data, font, pool, &err))
            fail_msg("%s: %s", *name, err);
    }
}

/* ---- failures --------------------------------------------------------------- */

static void missing_font_is_refused(void **state)
{
    expect_font_refused("/nonexistent/LXGWWenKai-Regular.ttf", "No such file or directory");
}

static void non_font_files_are_refused(void **state)
{
    expect_font_refused(work_path("photo.jpg"), "is not a font");
    expect_font_refused(workdir, "cannot be read");
}

/* libharu 2.3.0 cannot embed CFF outlines (Noto CJK and other .otf fonts). */
static void cff_font_is_refused(void **state)
{
    static const char *const candidates[] = {
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf",
    };
    size_t i;

    for (i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], R_OK) == 0) {
            expect_font_refused(candidates[i], "CFF");
            return;
        }
    skip();
}

/* A TrueType font without Chinese characters cannot make a certificate. */
static void latin_font_is_refused(void **state)
{
    const char *path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    if (access(path, R_OK) != 0)
        skip();
    expect_font_refused(path, "U+4E2D");
}

static void corrupt_photos_fail_cleanly(void **state)
{
    static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    static const unsigned char soi_only[] = { 0xFF, 0xD8, 0xFF };
    cc_cert_data data = member("张三丰", "110000000001");
    unsigned char *garbage = apr_palloc(pool, 4096);
    size_t i;

    for (i = 0; i < 4096; i++)
        garbage[i] = (unsigned char)(i * 7919 % 251);
    data.photo = garbage;
    data.photo_len = 4096;
    expect_render_failure(&data, "photo");
    data.photo = png;
    data.photo_len = sizeof png - 1;
    expect_render_failure(&data, "photo");
    data.photo = soi_only;
    data.photo_len = sizeof soi_only;
    expect_render_failure(&data, "photo");
    data.photo = photo;
    data.photo_len = 120; /* cut inside the headers */
    expect_render_failure(&data, "photo");
    data.photo_len = 0;
    expect_render_failure(&data, "photo");
}

/* Text the font cannot show is refused and named, never drawn as blanks. */
static void unshowable_text_fails_cleanly(void **state)
{
    cc_cert_data data = member("张\xEE\x80\x80", "110000000001"); /* U+E000 */

    expect_render_failure(&data, "姓名: the certificate font has no glyph for U+E000");
    data = member("张三丰", "1100\n0000001");
    expect_render_failure(&data, "会员编号");
    data = member("张\xFF三", "110000000001");
    expect_render_failure(&data, "not valid UTF-8");
    data = member("张\xF0\x9F\x98", "110000000001"); /* truncated 4-byte form */
    expect_render_failure(&data, "not valid UTF-8");
}

/* ---- fixture ----------------------------------------------------------------- */

static int setup(void **state)
{
    const char *err = NULL;
    char *out;

    if (cc_unit_setup(state) != 0 || cc_unit_workdir_create("test_cert_pdf") != 0)
        return -1;
    if (run(apr_pstrcat(pool,
                        "convert -size 178x220 xc:white -fill '#2b3a55' "
                        "-draw 'circle 89,88 89,40' "
                        "-draw 'ellipse 89,222 72,62 180,360' "
                        "-density 96 -units PixelsPerInch -quality 90 '",
                        work_path("photo.jpg"), "'", NULL),
            &out)
        != 0) {
        fprintf(stderr, "ImageMagick convert failed: %s\n", out);
        return -1;
    }
    photo = read_file(work_path("photo.jpg"), &photo_len);
    font = cc_font_load(FONT_PATH, pool, &err);
    if (!font) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    cc_unit_workdir_remove();
    return cc_unit_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qpdf_finds_no_errors),
        cmocka_unit_test(pdffonts_shows_embedded_subset),
        cmocka_unit_test(pdftotext_finds_name_and_number),
        cmocka_unit_test(pdfimages_shows_the_jpeg_as_is),
        cmocka_unit_test(seals_are_stamped_beside_the_photo_as_is),
        cmocka_unit_test(reads_in_any_chunk_size),
        cmocka_unit_test(threads_render_identical_documents),
        cmocka_unit_test(a_font_ending_on_a_stream_block_boundary_renders),
        cmocka_unit_test(missing_font_is_refused),
        cmocka_unit_test(non_font_files_are_refused),
        cmocka_unit_test(cff_font_is_refused),
        cmocka_unit_test(latin_font_is_refused),
        cmocka_unit_test(corrupt_photos_fail_cleanly),
        cmocka_unit_test(unshowable_text_fails_cleanly),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
