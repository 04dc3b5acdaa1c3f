/* Certificate speed on one core: loads the font, the seals and the keys
 * once, then makes N certificates, each in its own pool, three ways:
 *   render   the page with QR code and seals (cc_pdf_render) read out
 *   full     what a download does: the Ed25519 claim for the QR code,
 *            render, the PAdES signature (cc_pdf_sign), read out
 *   sign     cc_pdf_sign alone, on one rendered document
 * and prints the time per certificate and the PDF sizes.
 *
 * usage: bench_pdf [iterations [photo.jpg [font.ttf [keys-dir]]]]
 *        defaults: 1000, sql/demo/photos/110000000001.jpg, LXGW WenKai,
 *        run/keys (scripts/make-demo-keys); the seals are conf/demo-seals.
 *        CICPA_BENCH_PDF=file.pdf keeps the signed certificate to look at. */

#include "cc_pdf.h"
#include "cc_qr_claim.h"
#include "cc_crypto.h"
#include "cc_file.h"
#include "cc_pdf_sign.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_PHOTO "sql/demo/photos/110000000001.jpg"
#define DEFAULT_FONT "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define DEFAULT_KEYS "run/keys"
#define NATIONAL_SEAL "conf/demo-seals/00.png"
#define PROVINCIAL_SEAL "conf/demo-seals/11.png"
#define VERIFY_BASE "https://cert.example.org/cert/verify/"

typedef struct bench {
    cc_cert_style style;
    cc_cert_data data;
    const cc_font *font;
    const cc_sign_key *qr_key;
    const cc_pdf_signer *signer;
} bench;

static double now_ms(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reads the PDF out as a download does; returns its size, 0 on error. */
static apr_size_t read_out(cc_pdf *pdf)
{
    unsigned char buf[16384];
    apr_size_t total = 0, n;

    do {
        n = sizeof buf;
        if (cc_pdf_read(pdf, buf, &n) != APR_SUCCESS) {
            fprintf(stderr, "reading the PDF failed\n");
            return 0;
        }
        total += n;
    } while (n);
    return total == cc_pdf_size(pdf) ? total : 0;
}

static cc_pdf *render(const bench *b, const cc_cert_data *data, apr_pool_t *p)
{
    const char *err = NULL;
    cc_pdf *pdf = cc_pdf_render(&b->style, data, b->font, p, &err);

    if (!pdf)
        fprintf(stderr, "render: %s\n", err);
    return pdf;
}

static int sign(const bench *b, cc_pdf *pdf, apr_pool_t *p)
{
    const char *err = NULL;
    unsigned char *signed_pdf;
    apr_size_t len;

    if (!cc_pdf_sign(b->signer, cc_pdf_bytes(pdf), cc_pdf_size(pdf), apr_time_now(), p, &signed_pdf, &len,
                     &err)) {
        fprintf(stderr, "sign: %s\n", err);
        return 0;
    }
    cc_pdf_set_bytes(pdf, signed_pdf, len);
    return 1;
}

static apr_size_t render_only(const bench *b, apr_pool_t *p)
{
    cc_pdf *pdf = render(b, &b->data, p);

    return pdf ? read_out(pdf) : 0;
}

/* Writes the PDF to the file named by CICPA_BENCH_PDF, if set, to look at. */
static void keep(const cc_pdf *pdf)
{
    const char *path = getenv("CICPA_BENCH_PDF");
    FILE *f = path ? fopen(path, "wb") : NULL;

    if (f) {
        fwrite(cc_pdf_bytes(pdf), 1, cc_pdf_size(pdf), f);
        fclose(f);
    }
}

/* The whole certificate: claim signature, QR code, page, PDF signature. */
static apr_size_t full(const bench *b, apr_pool_t *p)
{
    cc_cert_data data = b->data;
    const cc_qr_claim claims = {
        "q3Kx9cVb2mLw8RtYzA1nBg",
        data.member_no,
        cc_sha256_hex(data.name, strlen(data.name), p),
        data.issue_date,
    };
    const char *sig = cc_qr_claim_sign(b->qr_key, &claims, p);
    cc_pdf *pdf;

    if (!sig)
        return 0;
    data.verify_url = cc_qr_claim_url(VERIFY_BASE, cc_sign_key_id(b->qr_key), &claims, sig, p);
    pdf = render(b, &data, p);
    if (!pdf || !sign(b, pdf, p))
        return 0;
    keep(pdf);
    return read_out(pdf);
}

typedef apr_size_t bench_fn(const bench *b, apr_pool_t *p);

/* Runs fn iterations times; prints ms per call; returns the last size. */
static apr_size_t measure(const char *what, bench_fn *fn, const bench *b, int iterations, apr_pool_t *pool)
{
    apr_pool_t *iteration;
    apr_size_t size = 0;
    double wall, cpu;
    int i;

    apr_pool_create(&iteration, pool);
    wall = now_ms(CLOCK_MONOTONIC);
    cpu = now_ms(CLOCK_PROCESS_CPUTIME_ID);
    for (i = 0; i < iterations; i++) {
        size = fn(b, iteration);
        apr_pool_clear(iteration);
        if (!size)
            return 0;
    }
    wall = now_ms(CLOCK_MONOTONIC) - wall;
    cpu = now_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    printf("%-12s %.3f ms wall, %.3f ms cpu (mean of %d), %lu bytes\n", what, wall / iterations,
           cpu / iterations, iterations, (unsigned long)size);
    apr_pool_destroy(iteration);
    return size;
}

/* cc_pdf_sign alone, over one rendered certificate. */
static void measure_signing(const bench *b, int iterations, apr_pool_t *pool)
{
    cc_pdf *pdf = render(b, &b->data, pool);
    unsigned char *signed_pdf;
    apr_size_t len;
    const char *err = NULL;
    apr_pool_t *iteration;
    double wall, cpu;
    int i;

    if (!pdf)
        return;
    apr_pool_create(&iteration, pool);
    wall = now_ms(CLOCK_MONOTONIC);
    cpu = now_ms(CLOCK_PROCESS_CPUTIME_ID);
    for (i = 0; i < iterations; i++) {
        if (!cc_pdf_sign(b->signer, cc_pdf_bytes(pdf), cc_pdf_size(pdf), apr_time_now(), iteration,
                         &signed_pdf, &len, &err)) {
            fprintf(stderr, "sign: %s\n", err);
            return;
        }
        apr_pool_clear(iteration);
    }
    wall = now_ms(CLOCK_MONOTONIC) - wall;
    cpu = now_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    printf("%-12s %.3f ms wall, %.3f ms cpu (mean of %d), /Contents reserve %lu bytes\n", "sign only",
           wall / iterations, cpu / iterations, iterations, (unsigned long)cc_pdf_signer_reserve(b->signer));
}

static int load(bench *b, const char *photo, const char *font, const char *keys, apr_pool_t *p)
{
    const char *err = NULL;
    double t = now_ms(CLOCK_MONOTONIC);

    if (!(b->data.photo = cc_file_read(photo, 1 << 20, p, &b->data.photo_len, &err))
        || !(b->font = cc_font_load(font, p, &err))
        || !(b->data.issuer_seal = cc_cert_image_load(NATIONAL_SEAL, p, &err))
        || !(b->data.co_issuer_seal = cc_cert_image_load(PROVINCIAL_SEAL, p, &err))
        || !(b->qr_key = cc_sign_key_load(apr_pstrcat(p, keys, "/qr-ed25519.pem", NULL), 1, p, &err))
        || !(b->signer = cc_pdf_signer_load(apr_pstrcat(p, keys, "/signing-cert.pem", NULL),
                                            apr_pstrcat(p, keys, "/signing-key.pem", NULL), p, &err))) {
        fprintf(stderr, "%s\n", err);
        return 0;
    }
    printf("load:        %.1f ms (font, seals, keys; once)\n", now_ms(CLOCK_MONOTONIC) - t);
    return 1;
}

int main(int argc, char **argv)
{
    const int iterations = argc > 1 ? atoi(argv[1]) : 1000;
    bench b = {
        { "中国注册会计师协会会员证", "中国注册会计师协会", 0xA01D22, 0x8A6A2F },
        { "买买提·艾力", "男", "非执业会员", "110000000001", "CICPA-2024-000123", "2020-06-15",
          "北京注册会计师协会", "2024-05-20", NULL, 0,
          VERIFY_BASE
          "q3Kx9cVb2mLw8RtYzA1nBg?k=0a1b2c3d&m=110000000001&d=2024-05-20"
          "&s=Hn3YH2kQ0b8Qm9w4lJ1x0vF7mP5cN6aR2tS8uV0wX1yZ3bC5dE7fG9hI1jK3lM5nO7pQ9rS1tU3vW5xY7zA9bC",
          "CICPA-11-2024-000123", "2025-05-20", 1716163200 * APR_USEC_PER_SEC, "北京注册会计师协会", NULL,
          NULL },
        NULL,
        NULL,
        NULL,
    };
    apr_pool_t *pool;

    if (iterations < 1) {
        fprintf(stderr, "usage: %s [iterations [photo.jpg [font.ttf [keys-dir]]]]\n", argv[0]);
        return 2;
    }
    apr_initialize();
    apr_pool_create(&pool, NULL);
    if (!load(&b, argc > 2 ? argv[2] : DEFAULT_PHOTO, argc > 3 ? argv[3] : DEFAULT_FONT,
              argc > 4 ? argv[4] : DEFAULT_KEYS, pool))
        return 1;
    printf("photo:       %lu bytes\n", (unsigned long)b.data.photo_len);
    if (!measure("render", render_only, &b, iterations, pool) || !measure("full", full, &b, iterations, pool))
        return 1;
    measure_signing(&b, iterations, pool);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
