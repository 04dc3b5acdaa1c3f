/* Milliseconds per cc_photo_check for a valid photo (decoded in full) and
 * for the same file with its SOF rewritten to claim 30000x30000 pixels
 * (refused from the header).  Targets: <= 1 ms and <= 10 ms.
 * Usage: bench/bench_photo [photo.jpg]
 * (default sql/demo/photos/110000000001.jpg, from the repository root) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cc_photo_rules.h"

#define VALID_ITERATIONS 2000
#define HUGE_ITERATIONS 20000
#define HUGE_SIDE 30000

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* Average ms per check; exits when a check gives other than expected_code
 * (NULL: no problem at all). */
static double time_checks(const cc_photo_rules *rules, const unsigned char *data, apr_size_t len,
                          int iterations, const char *expected_code, apr_pool_t *p)
{
    double start = now_ms();

    for (int i = 0; i < iterations; i++) {
        apr_array_header_t *problems = cc_photo_check(rules, data, len, p);
        int as_expected =
            expected_code
                ? problems->nelts == 1
                      && strcmp(APR_ARRAY_IDX(problems, 0, cc_photo_problem).code, expected_code) == 0
                : problems->nelts == 0;

        if (!as_expected) {
            fprintf(stderr, "bench_photo: unexpected result (%d problems)\n", problems->nelts);
            exit(1);
        }
        apr_pool_clear(p);
    }
    return (now_ms() - start) / iterations;
}

/* Offset of the frame header (SOF0, SOF1 or SOF2) among the marker segments. */
static apr_size_t find_frame_header(const unsigned char *data, apr_size_t len)
{
    apr_size_t at = 2;

    while (at + 9 <= len && data[at] == 0xFF) {
        if (data[at + 1] >= 0xC0 && data[at + 1] <= 0xC2)
            return at;
        at += 2 + ((apr_size_t)data[at + 2] << 8 | data[at + 3]);
    }
    fprintf(stderr, "bench_photo: no SOF0/1/2 marker\n");
    exit(1);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "sql/demo/photos/110000000001.jpg";
    unsigned char data[64 * 1024];
    FILE *file = fopen(path, "rb");
    apr_size_t len, sof;
    cc_photo_rules rules;
    apr_pool_t *p;

    if (file == NULL) {
        fprintf(stderr, "bench_photo: cannot open %s\n", path);
        return 1;
    }
    len = fread(data, 1, sizeof data, file);
    fclose(file);
    apr_initialize();
    apr_pool_create(&p, NULL);
    cc_photo_rules_default(&rules);

    printf("valid photo (%s, %lu bytes): %.4f ms per check (%d iterations)\n", path, (unsigned long)len,
           time_checks(&rules, data, len, VALID_ITERATIONS, NULL, p), VALID_ITERATIONS);
    sof = find_frame_header(data, len);
    data[sof + 5] = data[sof + 7] = HUGE_SIDE >> 8; /* height, width */
    data[sof + 6] = data[sof + 8] = HUGE_SIDE & 0xFF;
    printf("header claiming %dx%d: %.4f ms per refusal (%d iterations)\n", HUGE_SIDE, HUGE_SIDE,
           time_checks(&rules, data, len, HUGE_ITERATIONS, "bad_dimensions", p), HUGE_ITERATIONS);
    apr_pool_destroy(p);
    apr_terminate();
    return 0;
}
