/* The certificate's proof, checked with tools nobody here wrote where they
 * exist: the QR matrix (read back by zbarimg), the Ed25519 claim (verified
 * by the openssl command line), the PDF signer (byte ranges and placeholder
 * checked here and by OpenSSL's CMS_verify, the result by pdfsig and qpdf),
 * and the seals. Keys come from scripts/make-demo-keys. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_encode.h>
#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <openssl/cms.h>
#include <openssl/x509.h>

#include "cc_unit_files.h"
#include "cc_pdf.h"
#include "cc_qr_claim.h"
#include "cc_crypto.h"
#include "cc_file.h"
#include "cc_pdf_sign.h"
#include "cc_qr.h"

#ifndef CC_SRCDIR
#define CC_SRCDIR "."
#endif

#define FONT_PATH "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define URL                                                                                                  \
    "https://cert.example.org/cert/verify/q3Kx9cVb2mLw8RtYzA1nBg?k=0a1b2c3d"                                 \
    "&m=110000000001&d=2026-01-05&s=Hn3YH2kQ0b8Qm9w4lJ1x0vF7mP5cN6aR2tS8uV0wX1yZ3bC5d"                       \
    "E7fG9hI1jK3lM5nO7pQ9rS1tU3vW5xY7zA9bC"
#define NAME_SHA256 "5f1e0d7bf0e3a3b3c6d4d2c2f0f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c"

static const cc_sign_key *qr_key;
static const cc_pdf_signer *signer;
static const unsigned char *certificate; /* a rendered, unsigned certificate */
static apr_size_t certificate_len;

static const cc_qr_claim claims = {
    "q3Kx9cVb2mLw8RtYzA1nBg",
    "110000000001",
    NAME_SHA256,
    "2026-01-05",
};

/* ---- helpers -------------------------------------------------------------- */

static const char *write_file(const char *name, const void *data, apr_size_t len)
{
    const char *path = work_path(name);
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static void expect_contains(const char *text, const char *expected)
{
    if (!text || !strstr(text, expected))
        fail_msg("\"%s\" does not contain \"%s\"", text ? text : "(null)", expected);
}

/* ---- QR code ---------------------------------------------------------------- */

/* A finder pattern: a dark 7x7 ring, a light ring, a dark 3x3 centre. */
static void expect_finder(const cc_qr *qr, int x0, int y0)
{
    for (int y = 0; y < 7; y++)
        for (int x = 0; x < 7; x++) {
            int ring = x == 0 || x == 6 || y == 0 || y == 6;
            int centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;

            assert_int_equal(qr->dark[(y0 + y) * qr->width + x0 + x], ring || centre);
        }
}

static void qr_matrix_has_its_version_size_and_finder_patterns(void **state)
{
    const char *err = NULL;
    cc_qr *qr = cc_qr_encode(URL, pool, &err);

    assert_non_null(qr);
    assert_int_equal(qr->width, 17 + 4 * qr->version);
    assert_true(qr->version >= 8 && qr->version <= 12); /* ~190 bytes at level M */
    expect_finder(qr, 0, 0);
    expect_finder(qr, qr->width - 7, 0);
    expect_finder(qr, 0, qr->width - 7);
}

static void qr_bitmap_is_exactly_the_dark_modules(void **state)
{
    const char *err = NULL;
    cc_qr *qr = cc_qr_encode(URL, pool, &err);
    apr_size_t row_bytes = 0;
    unsigned char *bits = cc_qr_bitmap(qr, &row_bytes, pool);

    assert_int_equal(row_bytes, (apr_size_t)(qr->width + 7) / 8);
    for (int y = 0; y < qr->width; y++) {
        for (int x = 0; x < (int)row_bytes * 8; x++) {
            const int bit = bits[(apr_size_t)y * row_bytes + x / 8] >> (7 - x % 8) & 1;

            assert_int_equal(bit, x < qr->width ? qr->dark[y * qr->width + x] : 0);
        }
    }
}

/* zbarimg reads the matrix back, drawn 4 pixels a module with its quiet zone. */
static void qr_reads_back_with_zbarimg(void **state)
{
    const char *err = NULL;
    cc_qr *qr = cc_qr_encode(URL, pool, &err);
    const int scale = 4, side = (qr->width + 2 * CC_QR_QUIET_ZONE) * scale;
    const char *path = work_path("qr.pbm");
    FILE *f = fopen(path, "w");
    char *out;

    assert_non_null(f);
    fprintf(f, "P1\n%d %d\n", side, side);
    for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
            int mx = x / scale - CC_QR_QUIET_ZONE, my = y / scale - CC_QR_QUIET_ZONE;
            int dark =
                mx >= 0 && my >= 0 && mx < qr->width && my < qr->width && qr->dark[my * qr->width + mx];

            fputc(dark ? '1' : '0', f);
        }
        fputc('\n', f);
    }
    fclose(f);
    /* (zbarimg may also print a D-Bus complaint: the output is searched) */
    assert_int_equal(run(apr_pstrcat(pool, "zbarimg -q --raw '", path, "'", NULL), &out), 0);
    expect_contains(out, URL "\n");
}

static void qr_refuses_text_that_does_not_fit(void **state)
{
    char *huge = apr_palloc(pool, 5001);
    const char *err = NULL;

    memset(huge, 'x', 5000);
    huge[5000] = '\0';
    assert_null(cc_qr_encode(huge, pool, &err));
    expect_contains(err, "too long");
}

/* ---- the signed claim ----------------------------------------------------------- */

static void key_id_is_the_start_of_the_public_keys_sha256(void **state)
{
    char *out;
    const char *err = NULL;
    const cc_sign_key *public_only;

    /* The raw key is the last 32 bytes of the DER SubjectPublicKeyInfo. */
    assert_int_equal(run(apr_pstrcat(pool, "openssl pkey -in '", work_path("keys/qr-ed25519.pem"),
                                     "' -pubout -outform DER | tail -c 32 | sha256sum", NULL),
                         &out),
                     0);
    assert_memory_equal(cc_sign_key_id(qr_key), out, 8);
    assert_int_equal(strlen(cc_sign_key_id(qr_key)), 8);
    public_only = cc_sign_key_load(
        write_file("pub.pem", cc_sign_key_public_pem(qr_key), strlen(cc_sign_key_public_pem(qr_key))), 0,
        pool, &err);
    assert_non_null(public_only);
    assert_string_equal(cc_sign_key_id(public_only), cc_sign_key_id(qr_key));
    assert_string_equal(cc_sign_key_public_raw(public_only), cc_sign_key_public_raw(qr_key));
    assert_int_equal(strlen(cc_sign_key_public_raw(qr_key)), 43); /* 32 bytes, base64url */
}

static void payload_has_the_documented_format(void **state)
{
    assert_string_equal(cc_qr_claim_payload("0a1b2c3d", &claims, pool),
                        "cicpa-cert/1|0a1b2c3d|q3Kx9cVb2mLw8RtYzA1nBg|110000000001|" NAME_SHA256
                        "|2026-01-05");
    assert_string_equal(cc_qr_claim_url("https://x.org/v/", "0a1b2c3d", &claims, "SIG", pool),
                        "https://x.org/v/q3Kx9cVb2mLw8RtYzA1nBg?k=0a1b2c3d&m=110000000001"
                        "&d=2026-01-05&s=SIG");
}

static void malformed_claims_are_never_signed(void **state)
{
    const cc_qr_claim bad[] = {
        { "q3Kx9cVb2mLw8RtYzA1nBg", "1100|00000001", NAME_SHA256, "2026-01-05" },
        { "q3Kx9cVb2mLw8RtYzA1nBg", "110000000001", "ABCDEF", "2026-01-05" },
        { "q3Kx9cVb2mLw8RtYzA1nBg", "110000000001", NAME_SHA256, "2026-1-5" },
        { "id with space", "110000000001", NAME_SHA256, "2026-01-05" },
        { "", "110000000001", NAME_SHA256, "2026-01-05" },
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(cc_qr_claim_payload("0a1b2c3d", &bad[i], pool));
        assert_null(cc_qr_claim_sign(qr_key, &bad[i], pool));
    }
}

static void signature_verifies_and_any_change_fails(void **state)
{
    const char *sig = cc_qr_claim_sign(qr_key, &claims, pool);
    cc_qr_claim other = claims;
    char *flipped;

    assert_non_null(sig);
    assert_int_equal(strlen(sig), 86);                                 /* 64 bytes, base64url */
    assert_string_equal(cc_qr_claim_sign(qr_key, &claims, pool), sig); /* Ed25519 is deterministic */
    assert_true(cc_qr_claim_verify(qr_key, &claims, sig, pool));

    other.member_no = "110000000002";
    assert_false(cc_qr_claim_verify(qr_key, &other, sig, pool));
    other = claims;
    other.issue_date = "2026-01-06";
    assert_false(cc_qr_claim_verify(qr_key, &other, sig, pool));
    other = claims;
    other.id = "q3Kx9cVb2mLw8RtYzA1nBh";
    assert_false(cc_qr_claim_verify(qr_key, &other, sig, pool));

    flipped = apr_pstrdup(pool, sig);
    flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
    assert_false(cc_qr_claim_verify(qr_key, &claims, flipped, pool));
    assert_false(cc_qr_claim_verify(qr_key, &claims, "short", pool));
    assert_false(cc_qr_claim_verify(qr_key, &claims, NULL, pool));
}

/* What docs/certificate.md tells a third party to run. */
static void openssl_command_line_verifies_the_signature(void **state)
{
    const char *sig = cc_qr_claim_sign(qr_key, &claims, pool);
    const char *payload = cc_qr_claim_payload(cc_sign_key_id(qr_key), &claims, pool);
    apr_size_t raw_len = 0;
    const unsigned char *raw =
        apr_pdecode_base64_binary(pool, sig, APR_ENCODE_STRING, APR_ENCODE_BASE64URL, &raw_len);
    const char *pub =
        write_file("qr-pub.pem", cc_sign_key_public_pem(qr_key), strlen(cc_sign_key_public_pem(qr_key)));
    char *out;

    write_file("payload", payload, strlen(payload));
    write_file("payload.sig", raw, raw_len);
    assert_int_equal(
        run(apr_pstrcat(pool, "openssl pkeyutl -verify -pubin -inkey '", pub, "' -rawin -in '",
                        work_path("payload"), "' -sigfile '", work_path("payload.sig"), "'", NULL),
            &out),
        0);
    expect_contains(out, "Signature Verified Successfully");
}

static void keys_that_are_not_ed25519_are_refused(void **state)
{
    const char *err = NULL;

    assert_null(cc_sign_key_load(work_path("keys/signing-key.pem"), 1, pool, &err));
    expect_contains(err, "not an Ed25519 key");
    assert_null(cc_sign_key_load(work_path("keys/qr-ed25519-old.pub.pem"), 1, pool, &err));
    expect_contains(err, "no private PEM key");
    assert_null(cc_sign_key_load("/nonexistent/key.pem", 0, pool, &err));
    expect_contains(err, "/nonexistent/key.pem");
    assert_non_null(cc_sign_key_load(work_path("keys/qr-ed25519-old.pub.pem"), 0, pool, &err));
}

/* ---- the PDF signature ------------------------------------------------------------ */

typedef struct signed_pdf {
    unsigned char *data;
    apr_size_t len;
    apr_size_t range[4]; /* /ByteRange */
} signed_pdf;

static signed_pdf sign_certificate(void)
{
    signed_pdf s;
    const char *err = NULL, *at;

    if (!cc_pdf_sign(signer, certificate, certificate_len, apr_time_now(), pool, &s.data, &s.len, &err))
        fail_msg("signing failed: %s", err);
    at = memmem(s.data + certificate_len, s.len - certificate_len, "/ByteRange [", 12);
    assert_non_null(at);
    assert_int_equal(sscanf(at + 12, "%zu %zu %zu %zu", &s.range[0], &s.range[1], &s.range[2], &s.range[3]),
                     4);
    return s;
}

/* The /Contents placeholder decoded: the CMS (DER), then zeros. */
static unsigned char *contents_bytes(const signed_pdf *s)
{
    const apr_size_t reserve = cc_pdf_signer_reserve(signer);
    unsigned char *der = apr_palloc(pool, reserve);

    for (apr_size_t i = 0; i < reserve; i++) {
        unsigned byte;

        assert_int_equal(sscanf((const char *)s->data + s->range[1] + 1 + 2 * i, "%2x", &byte), 1);
        der[i] = (unsigned char)byte;
    }
    return der;
}

static void update_is_appended_with_exact_byte_ranges(void **state)
{
    signed_pdf s = sign_certificate();
    const apr_size_t reserve = cc_pdf_signer_reserve(signer);

    /* An incremental update: the rendered bytes are untouched. */
    assert_true(s.len > certificate_len);
    assert_memory_equal(s.data, certificate, certificate_len);
    /* [0, '<' of /Contents) and (its '>', end of file]: all but the hex string. */
    assert_int_equal(s.range[0], 0);
    assert_int_equal(s.data[s.range[1]], '<');
    assert_memory_equal(s.data + s.range[1] - 10, "/Contents ", 10);
    assert_int_equal(s.range[2], s.range[1] + 2 * reserve + 2);
    assert_int_equal(s.data[s.range[2] - 1], '>');
    assert_int_equal(s.range[2] + s.range[3], s.len);
    for (apr_size_t i = s.range[1] + 1; i < s.range[2] - 1; i++)
        assert_true(strchr("0123456789ABCDEF", s.data[i]) != NULL);
    assert_memory_equal(s.data + s.len - 6, "%%EOF\n", 6);
}

/* The placeholder holds the CMS with room to spare, but not much more. */
static void placeholder_fits_the_signature(void **state)
{
    signed_pdf s = sign_certificate();
    const apr_size_t reserve = cc_pdf_signer_reserve(signer);
    unsigned char *der = contents_bytes(&s);
    const unsigned char *p = der;
    apr_size_t der_len;
    CMS_ContentInfo *cms;

    cms = d2i_CMS_ContentInfo(NULL, &p, (long)reserve);
    assert_non_null(cms);
    der_len = (apr_size_t)(p - der);
    assert_true(der_len + 8 <= reserve && reserve <= der_len + 64);
    for (apr_size_t i = der_len; i < reserve; i++)
        assert_int_equal(der[i], 0);
    CMS_ContentInfo_free(cms);
}

/* OpenSSL checks the CMS over the byte ranges (the signer's certificate is
 * self-issued for the tests, so its chain is not checked here). */
static void cms_verifies_over_the_byte_ranges_with_signing_certificate_v2(void **state)
{
    signed_pdf s = sign_certificate();
    const apr_size_t reserve = cc_pdf_signer_reserve(signer);
    const unsigned char *p = contents_bytes(&s);
    BIO *content = BIO_new(BIO_s_mem());
    CMS_ContentInfo *cms;
    CMS_SignerInfo *si;

    cms = d2i_CMS_ContentInfo(NULL, &p, (long)reserve);
    assert_non_null(cms);
    BIO_write(content, s.data, (int)s.range[1]);
    BIO_write(content, s.data + s.range[2], (int)s.range[3]);
    assert_int_equal(CMS_verify(cms, NULL, NULL, content, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY), 1);
    si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
    assert_true(CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0);
    assert_true(CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1) >= 0);
    CMS_ContentInfo_free(cms);
    BIO_free(content);
}

static void pdfsig_and_qpdf_accept_it_and_one_byte_breaks_it(void **state)
{
    signed_pdf s = sign_certificate();
    const char *path = write_file("signed.pdf", s.data, s.len);
    char *out;

    run(apr_pstrcat(pool, "pdfsig '", path, "'", NULL), &out);
    expect_contains(out, "Signature is Valid");
    expect_contains(out, "Total document signed");
    expect_contains(out, "ETSI.CAdES.detached");
    assert_int_equal(run(apr_pstrcat(pool, "qpdf --check '", path, "'", NULL), &out), 0);

    s.data[100] ^= 1; /* in the first range */
    run(apr_pstrcat(pool, "pdfsig '", write_file("tampered1.pdf", s.data, s.len), "'", NULL), &out);
    assert_null(strstr(out, "Signature is Valid"));
    s.data[100] ^= 1;
    s.data[s.len - 20] ^= 1; /* in the second, the update's trailer */
    run(apr_pstrcat(pool, "pdfsig '", write_file("tampered2.pdf", s.data, s.len), "'", NULL), &out);
    assert_null(strstr(out, "Signature is Valid"));
}

static void documents_it_cannot_sign_are_refused(void **state)
{
    static const char xref_stream[] = "%PDF-1.5\n1 0 obj\n<< /Type /XRef >>\nendobj\n"
                                      "startxref\n9\n%%EOF\n";
    signed_pdf s = sign_certificate();
    unsigned char *out;
    apr_size_t len;
    const char *err = NULL;

    assert_false(cc_pdf_sign(signer, s.data, s.len, apr_time_now(), pool, &out, &len, &err));
    expect_contains(err, "already has a form");
    assert_false(
        cc_pdf_sign(signer, (const unsigned char *)"not a pdf", 9, apr_time_now(), pool, &out, &len, &err));
    expect_contains(err, "startxref not found");
    assert_false(cc_pdf_sign(signer, (const unsigned char *)xref_stream, sizeof(xref_stream) - 1,
                             apr_time_now(), pool, &out, &len, &err));
    expect_contains(err, "no classic cross-reference table");
    /* Cut off: the xref section claims more entries than there are bytes. */
    assert_false(
        cc_pdf_sign(signer, certificate, certificate_len - 200, apr_time_now(), pool, &out, &len, &err));
}

static void signer_refuses_a_key_of_another_certificate(void **state)
{
    const char *err = NULL;

    assert_null(
        cc_pdf_signer_load(work_path("keys/signing-cert.pem"), work_path("keys/qr-ed25519.pem"), pool, &err));
    expect_contains(err, "is not the private key of the certificate");
    assert_null(cc_pdf_signer_load("/nonexistent/cert.pem", work_path("keys/signing-key.pem"), pool, &err));
    expect_contains(err, "/nonexistent/cert.pem");
    expect_contains(cc_pdf_signer_subject(signer), "CN=CICPA Demo Certificate Signing");
}

/* ---- seals ------------------------------------------------------------------------ */

static void seals_need_a_png_with_transparency(void **state)
{
    const char *err = NULL;
    char *out;

    assert_non_null(cc_cert_image_load(CC_SRCDIR "/conf/demo-seals/00.png", pool, &err));
    assert_null(cc_cert_image_load(CC_SRCDIR "/sql/demo/photos/110000000001.jpg", pool, &err));
    expect_contains(err, "not a PNG");
    assert_int_equal(
        run(apr_pstrcat(pool, "convert -size 20x20 xc:red PNG24:'", work_path("opaque.png"), "'", NULL),
            &out),
        0);
    assert_null(cc_cert_image_load(work_path("opaque.png"), pool, &err));
    expect_contains(err, "no transparency");
    assert_null(cc_cert_image_load("/nonexistent/seal.png", pool, &err));
    expect_contains(err, "/nonexistent/seal.png");
}

/* ---- set-up ---------------------------------------------------------------------------- */

static int render_certificate(void)
{
    const char *err = NULL;
    const cc_font *font = cc_font_load(FONT_PATH, pool, &err);
    const cc_cert_style style = { "中国注册会计师协会会员证", "中国注册会计师协会", 0xA61B1B, 0x5A3E1B };
    cc_cert_data data = {
        "张明远",
        "男",
        "非执业会员",
        "110000000001",
        "110000150001",
        "2020-06-15",
        "北京注册会计师协会",
        "2026-01-05",
        NULL,
        0,
        URL,
        "CICPA-11-2026-000001",
        "2027-01-05",
        apr_time_now(),
        "北京注册会计师协会",
        NULL,
        NULL,
    };
    cc_pdf *pdf;

    data.photo =
        cc_file_read(CC_SRCDIR "/sql/demo/photos/110000000001.jpg", 1 << 20, pool, &data.photo_len, &err);
    data.issuer_seal =
        data.photo ? cc_cert_image_load(CC_SRCDIR "/conf/demo-seals/00.png", pool, &err) : NULL;
    data.co_issuer_seal =
        data.issuer_seal ? cc_cert_image_load(CC_SRCDIR "/conf/demo-seals/11.png", pool, &err) : NULL;
    pdf = font && data.co_issuer_seal ? cc_pdf_render(&style, &data, font, pool, &err) : NULL;
    if (!pdf) {
        fprintf(stderr, "rendering failed: %s\n", err);
        return -1;
    }
    certificate = cc_pdf_bytes(pdf);
    certificate_len = cc_pdf_size(pdf);
    return 0;
}

static int setup(void **state)
{
    const char *err = NULL;
    char *out;

    if (cc_unit_setup(state) != 0 || cc_unit_workdir_create("test_cert_proof") != 0)
        return -1;
    if (run(apr_pstrcat(pool, CC_SRCDIR "/scripts/make-demo-keys '", work_path("keys"), "'", NULL), &out)
        != 0) {
        fprintf(stderr, "make-demo-keys failed: %s\n", out);
        return -1;
    }
    qr_key = cc_sign_key_load(work_path("keys/qr-ed25519.pem"), 1, pool, &err);
    signer = qr_key ? cc_pdf_signer_load(work_path("keys/signing-cert.pem"),
                                         work_path("keys/signing-key.pem"), pool, &err)
                    : NULL;
    if (!signer) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return render_certificate();
}

static int teardown(void **state)
{
    cc_unit_workdir_remove();
    return cc_unit_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qr_matrix_has_its_version_size_and_finder_patterns),
        cmocka_unit_test(qr_bitmap_is_exactly_the_dark_modules),
        cmocka_unit_test(qr_reads_back_with_zbarimg),
        cmocka_unit_test(qr_refuses_text_that_does_not_fit),
        cmocka_unit_test(key_id_is_the_start_of_the_public_keys_sha256),
        cmocka_unit_test(payload_has_the_documented_format),
        cmocka_unit_test(malformed_claims_are_never_signed),
        cmocka_unit_test(signature_verifies_and_any_change_fails),
        cmocka_unit_test(openssl_command_line_verifies_the_signature),
        cmocka_unit_test(keys_that_are_not_ed25519_are_refused),
        cmocka_unit_test(update_is_appended_with_exact_byte_ranges),
        cmocka_unit_test(placeholder_fits_the_signature),
        cmocka_unit_test(cms_verifies_over_the_byte_ranges_with_signing_certificate_v2),
        cmocka_unit_test(pdfsig_and_qpdf_accept_it_and_one_byte_breaks_it),
        cmocka_unit_test(documents_it_cannot_sign_are_refused),
        cmocka_unit_test(signer_refuses_a_key_of_another_certificate),
        cmocka_unit_test(seals_need_a_png_with_transparency),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
