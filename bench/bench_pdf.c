/* Certificate rendering speed on one core: loads the font once, then renders
 * N certificates (cc_cert_pdf_render and reading out every byte), each in its
 * own pool, and prints the time per certificate and the PDF size.
 *
 * usage: bench_pdf [iterations [photo.jpg [font.ttf]]]
 *        defaults: 1000, sql/demo/photos/110000000001.jpg, LXGW WenKai */

#include "cc_cert_pdf.h"

#include <apr_file_io.h>
#include <apr_general.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define DEFAULT_PHOTO "sql/demo/photos/110000000001.jpg"
#define DEFAULT_FONT \
    "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"

static double now_ms(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Renders one certificate and reads it out; returns its size, 0 on error. */
static apr_size_t render_once(const cc_cert_style *style,
                              const cc_cert_data *data, const cc_font *font,
                              apr_pool_t *p)
{
    unsigned char buf[16384];
    apr_size_t total = 0, n;
    const char *err = NULL;
    cc_pdf *pdf = cc_cert_pdf_render(style, data, font, p, &err);

    if (!pdf) {
        fprintf(stderr, "render: %s\n", err);
        return 0;
    }
    do {
        n = sizeof buf;
        if (cc_pdf_read(pdf, buf, &n) != APR_SUCCESS) {
            fprintf(stderr, "reading the PDF failed\n");
            return 0;
        }
        total += n;
    } while (n);
    if (total != cc_pdf_size(pdf)) {
        fprintf(stderr, "read %lu bytes of %lu\n", (unsigned long)total,
                (unsigned long)cc_pdf_size(pdf));
        return 0;
    }
    return total;
}

int main(int argc, char **argv)
{
    const int iterations = argc > 1 ? atoi(argv[1]) : 1000;
    const char *photo_path = argc > 2 ? argv[2] : DEFAULT_PHOTO;
    const char *font_path = argc > 3 ? argv[3] : DEFAULT_FONT;
    const cc_cert_style style = {
        "中国注册会计师协会会员证", "中国注册会计师协会", 0xA01D22, 0x8A6A2F,
    };
    cc_cert_data data = {
        "买买提·艾力", "男", "非执业会员", "110000000001", "CICPA-2024-000123",
        "2020-06-15", "北京注册会计师协会", "2024-05-20", NULL, 0,
    };
    apr_pool_t *pool, *iteration;
    apr_file_t *file;
    apr_finfo_t info;
    const char *err = NULL;
    const cc_font *font;
    apr_size_t size = 0;
    double wall, cpu, load;
    int i;

    if (iterations < 1) {
        fprintf(stderr, "usage: %s [iterations [photo.jpg [font.ttf]]]\n",
                argv[0]);
        return 2;
    }
    apr_initialize();
    apr_pool_create(&pool, NULL);

    if (apr_file_open(&file, photo_path, APR_FOPEN_READ, 0, pool) != APR_SUCCESS
        || apr_file_info_get(&info, APR_FINFO_SIZE, file) != APR_SUCCESS) {
        fprintf(stderr, "cannot open the photo %s\n", photo_path);
        return 1;
    }
    data.photo_len = (apr_size_t)info.size;
    data.photo = apr_palloc(pool, data.photo_len);
    if (apr_file_read_full(file, (void *)data.photo, data.photo_len, NULL)
        != APR_SUCCESS) {
        fprintf(stderr, "cannot read the photo %s\n", photo_path);
        return 1;
    }

    load = now_ms(CLOCK_MONOTONIC);
    font = cc_font_load(font_path, pool, &err);
    if (!font) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    load = now_ms(CLOCK_MONOTONIC) - load;

    apr_pool_create(&iteration, pool);
    wall = now_ms(CLOCK_MONOTONIC);
    cpu = now_ms(CLOCK_PROCESS_CPUTIME_ID);
    for (i = 0; i < iterations; i++) {
        size = render_once(&style, &data, font, iteration);
        apr_pool_clear(iteration);
        if (!size)
            return 1;
    }
    wall = now_ms(CLOCK_MONOTONIC) - wall;
    cpu = now_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu;

    printf("font load:   %.1f ms (once)\n", load);
    printf("certificate: %.3f ms wall, %.3f ms cpu (mean of %d)\n",
           wall / iterations, cpu / iterations, iterations);
    printf("pdf size:    %lu bytes (photo %lu bytes)\n", (unsigned long)size,
           (unsigned long)data.photo_len);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
