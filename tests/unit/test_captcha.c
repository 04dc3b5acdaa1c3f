/* Unit tests of cc_captcha: answers, drawing and the JPEG, decoded here
 * with libjpeg. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cc_unit.h"
#include <jpeglib.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "cc_captcha.h"

#define PIXELS (CC_CAPTCHA_WIDTH * CC_CAPTCHA_HEIGHT)

typedef struct decoded {
    int width, height, components;
    unsigned char *rgb;
} decoded;

static decoded decode(const unsigned char *jpeg, apr_size_t len)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    decoded out;
    cinfo.err = jpeg_std_error(&err);
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, jpeg, (unsigned long)len);
    assert_int_equal(jpeg_read_header(&cinfo, TRUE), JPEG_HEADER_OK);
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    out.width = (int)cinfo.output_width;
    out.height = (int)cinfo.output_height;
    out.components = cinfo.output_components;
    out.rgb = apr_palloc(pool, (apr_size_t)out.width * out.height * 3);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out.rgb + (apr_size_t)cinfo.output_scanline * out.width * 3;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return out;
}

/* Pixels whose channels differ by more than 48 somewhere. */
static int pixels_apart(const unsigned char *a, const unsigned char *b)
{
    int n = 0;
    for (int i = 0; i < PIXELS; i++) {
        n += abs(a[3 * i] - b[3 * i]) > 48 || abs(a[3 * i + 1] - b[3 * i + 1]) > 48
             || abs(a[3 * i + 2] - b[3 * i + 2]) > 48;
    }
    return n;
}

static int dark_pixels(const unsigned char *rgb)
{
    int n = 0;
    for (int i = 0; i < PIXELS; i++) {
        n += (rgb[3 * i] * 299 + rgb[3 * i + 1] * 587 + rgb[3 * i + 2] * 114) / 1000 < 130;
    }
    return n;
}

static void a_captcha_is_a_jpeg_of_its_answer(void **state)
{
    cc_captcha captcha;
    assert_int_equal(cc_captcha_create(&captcha, pool), APR_SUCCESS);
    assert_int_equal(strlen(captcha.answer), CC_CAPTCHA_LENGTH);
    assert_int_equal(strspn(captcha.answer, cc_captcha_alphabet), CC_CAPTCHA_LENGTH);
    assert_true(captcha.jpeg_len > 1000 && captcha.jpeg_len < 16 * 1024);
    decoded image = decode(captcha.jpeg, captcha.jpeg_len);
    assert_int_equal(image.width, CC_CAPTCHA_WIDTH);
    assert_int_equal(image.height, CC_CAPTCHA_HEIGHT);
    assert_int_equal(image.components, 3);
    /* Dark ink and noise on a light ground: neither blank nor a blot. */
    int dark = dark_pixels(image.rgb);
    assert_true(dark > PIXELS * 3 / 100);
    assert_true(dark < PIXELS * 40 / 100);
}

static void the_alphabet_has_no_lookalikes(void **state)
{
    assert_null(strpbrk(cc_captcha_alphabet, "0O1IlQZSBabcdefghijklmnopqrstuvwxyz"));
    for (const char *c = cc_captcha_alphabet; *c; c++) {
        assert_null(strchr(c + 1, *c));
    }
}

static void one_answer_and_seed_give_one_image(void **state)
{
    const unsigned char *a = cc_captcha_render("3K7PX", 42, pool);
    const unsigned char *b = cc_captcha_render("3K7PX", 42, pool);
    const unsigned char *c = cc_captcha_render("3K7PX", 43, pool);
    assert_memory_equal(a, b, PIXELS * 3);
    assert_true(pixels_apart(a, c) > PIXELS / 10);
}

/* Every character has a glyph of its own: drawn five times over with the
 * same distortions, no two characters give the same picture. */
static void every_character_draws_differently(void **state)
{
    apr_size_t n = strlen(cc_captcha_alphabet);
    const unsigned char **images = apr_palloc(pool, n * sizeof(*images));
    const unsigned char *blank = cc_captcha_render("?????", 7, pool);
    for (apr_size_t i = 0; i < n; i++) {
        char answer[CC_CAPTCHA_LENGTH + 1];
        memset(answer, cc_captcha_alphabet[i], CC_CAPTCHA_LENGTH);
        answer[CC_CAPTCHA_LENGTH] = '\0';
        images[i] = cc_captcha_render(answer, 7, pool);
        assert_true(pixels_apart(images[i], blank) > 300);
        for (apr_size_t j = 0; j < i; j++) {
            assert_true(pixels_apart(images[i], images[j]) > 60);
        }
    }
}

static void different_answers_give_different_jpegs(void **state)
{
    cc_captcha a, b;
    assert_int_equal(cc_captcha_create(&a, pool), APR_SUCCESS);
    do {
        assert_int_equal(cc_captcha_create(&b, pool), APR_SUCCESS);
    } while (strcmp(a.answer, b.answer) == 0);
    assert_true(a.jpeg_len != b.jpeg_len || memcmp(a.jpeg, b.jpeg, a.jpeg_len) != 0);
    decoded da = decode(a.jpeg, a.jpeg_len), db = decode(b.jpeg, b.jpeg_len);
    assert_true(pixels_apart(da.rgb, db.rgb) > PIXELS / 10);
}

static void answers_use_the_whole_alphabet(void **state)
{
    int seen[256] = { 0 };
    for (int i = 0; i < 200; i++) {
        cc_captcha captcha;
        assert_int_equal(cc_captcha_create(&captcha, pool), APR_SUCCESS);
        for (const char *c = captcha.answer; *c; c++) {
            seen[(unsigned char)*c] = 1;
        }
    }
    for (const char *c = cc_captcha_alphabet; *c; c++) {
        assert_true(seen[(unsigned char)*c]);
    }
}

static void typed_answers_are_normalised(void **state)
{
    assert_string_equal(cc_captcha_normalise("  ab3de\t", pool), "AB3DE");
    assert_string_equal(cc_captcha_normalise("XY7", pool), "XY7");
    assert_string_equal(cc_captcha_normalise("", pool), "");
    assert_null(cc_captcha_normalise("abcdef", pool));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_captcha_is_a_jpeg_of_its_answer),
        cmocka_unit_test(the_alphabet_has_no_lookalikes),
        cmocka_unit_test(one_answer_and_seed_give_one_image),
        cmocka_unit_test(every_character_draws_differently),
        cmocka_unit_test(different_answers_give_different_jpegs),
        cmocka_unit_test(answers_use_the_whole_alphabet),
        cmocka_unit_test(typed_answers_are_normalised),
    };
    return CC_UNIT_RUN(tests);
}
