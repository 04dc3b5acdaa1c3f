/* The PDF signer: a small reader for the document's last cross-reference
 * section, trailer, catalog and first page (enough for what libharu
 * writes), an incremental update with a fixed-size /Contents placeholder,
 * and a CMS over the bytes around it (OpenSSL 3).
 *
 * The update holds four objects: the /Sig dictionary, an invisible widget
 * (the signature field), and new versions of the catalog (adding
 * /AcroForm) and of the first page (adding /Annots). */
#include "cc_pdf_sign.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cc_file.h"

#define MAX_PEM_FILE (256 * 1024)
#define TAIL_SEARCH 1024    /* startxref is within the last bytes */
#define XREF_ENTRY 20       /* bytes per cross-reference entry (fixed by the spec) */
#define CONTENTS_SLACK 16   /* CMS size varies: ECDSA signature length (a few bytes) */
#define BYTE_RANGE_WIDTH 48 /* "[0 a b c" padded with spaces, then "]" */
#define CMS_FLAGS (CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP)
#define PUT_TEXT(o, text) put(o, text, sizeof(text) - 1)

struct cc_pdf_signer {
    X509 *cert;
    STACK_OF(X509) * chain;
    EVP_PKEY *key;
    apr_size_t reserve;
    const char *subject;
};

/* ---- the signature ---------------------------------------------------------- */

static apr_status_t free_signer(void *data)
{
    cc_pdf_signer *s = data;
    X509_free(s->cert);
    sk_X509_pop_free(s->chain, X509_free);
    EVP_PKEY_free(s->key);
    return APR_SUCCESS;
}

/* The DER of a detached CAdES signature over the two byte ranges, or NULL. */
static unsigned char *cms_der(const cc_pdf_signer *s, const unsigned char *a, apr_size_t a_len,
                              const unsigned char *b, apr_size_t b_len, int *der_len)
{
    BIO *data = BIO_new(BIO_s_mem());
    CMS_ContentInfo *cms = NULL;
    unsigned char *der = NULL;
    *der_len = 0;
    if (data != NULL && BIO_write(data, a, (int)a_len) == (int)a_len
        && (b_len == 0 || BIO_write(data, b, (int)b_len) == (int)b_len)
        && (cms = CMS_sign(NULL, NULL, s->chain, NULL, CMS_FLAGS | CMS_PARTIAL)) != NULL
        /* A digest named here makes CMS_CADES add signing-certificate-v2 (SHA-256). */
        && CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(), CMS_FLAGS | CMS_CADES) != NULL
        && CMS_final(cms, data, NULL, CMS_FLAGS)) {
        *der_len = i2d_CMS_ContentInfo(cms, &der);
    }
    CMS_ContentInfo_free(cms);
    BIO_free(data);
    return *der_len > 0 ? der : NULL;
}

static const char *openssl_error(apr_pool_t *p, const char *what)
{
    char buf[256];
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) {
        return what;
    }
    ERR_error_string_n(e, buf, sizeof(buf));
    return apr_psprintf(p, "%s (%s)", what, buf);
}

static int load_certificates(cc_pdf_signer *s, const char *path, apr_pool_t *p, const char **err)
{
    apr_size_t len = 0;
    const unsigned char *pem = cc_file_read(path, MAX_PEM_FILE, p, &len, err);
    BIO *bio = pem ? BIO_new_mem_buf(pem, (int)len) : NULL;
    X509 *extra;
    if (bio == NULL) {
        return 0;
    }
    s->cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    s->chain = sk_X509_new_null();
    while (s->cert && s->chain && (extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        /* A self-signed root is a trust anchor the reader must already hold;
         * embedding it in every PDF would add ~1 KB and prove nothing. */
        if (X509_self_signed(extra, 0) == 1) {
            X509_free(extra);
        } else {
            sk_X509_push(s->chain, extra);
        }
    }
    BIO_free(bio);
    ERR_clear_error(); /* the end of the file ends the loop with an error */
    if (s->cert == NULL || s->chain == NULL) {
        *err = apr_psprintf(p, "%s: no PEM certificate could be read", path);
        return 0;
    }
    return 1;
}

static int load_key(cc_pdf_signer *s, const char *path, apr_pool_t *p, const char **err)
{
    apr_size_t len = 0;
    const unsigned char *pem = cc_file_read(path, MAX_PEM_FILE, p, &len, err);
    BIO *bio = pem ? BIO_new_mem_buf(pem, (int)len) : NULL;
    if (bio == NULL) {
        return 0;
    }
    s->key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (s->key == NULL) {
        *err = apr_psprintf(p, "%s: no unencrypted PEM private key could be read", path);
        ERR_clear_error();
        return 0;
    }
    return 1;
}

static const char *subject_of(X509 *cert, apr_pool_t *p)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *text = NULL;
    const char *subject = "";
    if (bio != NULL
        && X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)
               >= 0) {
        long n = BIO_get_mem_data(bio, &text);
        subject = apr_pstrmemdup(p, text, (apr_size_t)n);
    }
    BIO_free(bio);
    return subject;
}

cc_pdf_signer *cc_pdf_signer_load(const char *cert_path, const char *key_path, apr_pool_t *p,
                                  const char **err)
{
    cc_pdf_signer *s = apr_pcalloc(p, sizeof(*s));
    apr_pool_cleanup_register(p, s, free_signer, apr_pool_cleanup_null);
    if (!load_certificates(s, cert_path, p, err) || !load_key(s, key_path, p, err)) {
        return NULL;
    }
    if (X509_check_private_key(s->cert, s->key) != 1) {
        ERR_clear_error();
        *err = apr_psprintf(p, "%s is not the private key of the certificate in %s", key_path, cert_path);
        return NULL;
    }
    int der_len = 0;
    unsigned char *der = cms_der(s, (const unsigned char *)"x", 1, NULL, 0, &der_len);
    if (der == NULL) {
        *err = openssl_error(p, apr_psprintf(p, "a trial signature with %s failed", key_path));
        return NULL;
    }
    OPENSSL_free(der);
    s->reserve = (apr_size_t)der_len + CONTENTS_SLACK;
    s->subject = subject_of(s->cert, p);
    return s;
}

apr_size_t cc_pdf_signer_reserve(const cc_pdf_signer *signer)
{
    return signer->reserve;
}

const char *cc_pdf_signer_subject(const cc_pdf_signer *signer)
{
    return signer->subject;
}

/* ---- reading the document --------------------------------------------------- */

typedef struct pdf_in {
    const unsigned char *s;
    apr_size_t n;
} pdf_in;

/* [start, end) of a token or an object in the document. */
typedef struct span {
    apr_size_t start, end;
} span;

typedef struct xref_section {
    apr_size_t first, count; /* object numbers first .. first + count - 1 */
    apr_size_t entries;      /* offset of the first entry */
} xref_section;

/* What the update needs to know of the document. */
typedef struct pdf_doc {
    apr_size_t xref_offset;    /* of the last cross-reference section */
    apr_array_header_t *xref;  /* xref_section */
    apr_size_t size;           /* trailer /Size: the next free object number */
    apr_size_t root, page;     /* object numbers of the catalog and the first page */
    span info, id;             /* trailer /Info and /ID values (end 0: none) */
    span root_dict, page_dict; /* their dictionaries, << to >> */
} pdf_doc;

static int is_space(unsigned char c)
{
    return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static int is_delimiter(unsigned char c)
{
    return c && strchr("()<>[]{}/%", c) != NULL;
}

static apr_size_t skip_space(const pdf_in *in, apr_size_t i)
{
    while (i < in->n) {
        if (in->s[i] == '%') {
            while (i < in->n && in->s[i] != '\n' && in->s[i] != '\r') {
                i++;
            }
        } else if (is_space(in->s[i])) {
            i++;
        } else {
            break;
        }
    }
    return i;
}

static apr_size_t token_end(const pdf_in *in, apr_size_t i);

/* After the elements starting at i up to the closing ']' or '>>'; 0 if cut off. */
static apr_size_t container_end(const pdf_in *in, apr_size_t i, unsigned char close)
{
    for (;;) {
        i = skip_space(in, i);
        if (i >= in->n) {
            return 0;
        }
        if (in->s[i] == close) {
            return close == ']' ? i + 1 : (i + 1 < in->n && in->s[i + 1] == '>' ? i + 2 : 0);
        }
        i = token_end(in, i);
        if (i == 0) {
            return 0;
        }
    }
}

/* After a literal string starting at its '(' (balanced, with escapes). */
static apr_size_t string_end(const pdf_in *in, apr_size_t i)
{
    int depth = 0;
    for (; i < in->n; i++) {
        if (in->s[i] == '\\') {
            i++;
        } else if (in->s[i] == '(') {
            depth++;
        } else if (in->s[i] == ')' && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

/* After the token or container that starts at i; 0 when malformed. */
static apr_size_t token_end(const pdf_in *in, apr_size_t i)
{
    const unsigned char *s = in->s;
    if (i >= in->n) {
        return 0;
    }
    if (s[i] == '(') {
        return string_end(in, i);
    }
    if (s[i] == '<' && i + 1 < in->n && s[i + 1] == '<') {
        return container_end(in, i + 2, '>');
    }
    if (s[i] == '<') {
        const unsigned char *close = memchr(s + i, '>', in->n - i);
        return close ? (apr_size_t)(close - s) + 1 : 0;
    }
    if (s[i] == '[') {
        return container_end(in, i + 1, ']');
    }
    if (is_delimiter(s[i]) && s[i] != '/') {
        return 0;
    }
    for (i++; i < in->n && !is_space(s[i]) && !is_delimiter(s[i]); i++) {
    }
    return i;
}

static int is_unsigned(const pdf_in *in, span t)
{
    for (apr_size_t i = t.start; i < t.end; i++) {
        if (in->s[i] < '0' || in->s[i] > '9') {
            return 0;
        }
    }
    return t.end > t.start && t.end - t.start <= 10;
}

static apr_size_t unsigned_of(const pdf_in *in, span t)
{
    apr_size_t v = 0;
    for (apr_size_t i = t.start; i < t.end; i++) {
        v = v * 10 + (apr_size_t)(in->s[i] - '0');
    }
    return v;
}

static int token_is(const pdf_in *in, span t, const char *word)
{
    apr_size_t n = strlen(word);
    return t.end - t.start == n && memcmp(in->s + t.start, word, n) == 0;
}

/* The token at or after i (end 0 when there is none). */
static span next_token(const pdf_in *in, apr_size_t i)
{
    span t;
    t.start = skip_space(in, i);
    t.end = token_end(in, t.start);
    return t;
}

/* A value at i: a token, or "n g R" as one. */
static span value_at(const pdf_in *in, apr_size_t i)
{
    span v = next_token(in, i);
    if (v.end && is_unsigned(in, v)) {
        span gen = next_token(in, v.end);
        span r = gen.end ? next_token(in, gen.end) : gen;
        if (r.end && is_unsigned(in, gen) && token_is(in, r, "R")) {
            v.end = r.end;
        }
    }
    return v;
}

/* The value of key (e.g. "/Root") in the dictionary d; 0 when absent. */
static int dict_get(const pdf_in *in, span d, const char *key, span *value)
{
    apr_size_t i = d.start + 2;
    for (;;) {
        span k = next_token(in, i);
        if (k.end == 0 || k.start >= d.end - 2 || in->s[k.start] != '/') {
            return 0;
        }
        span v = value_at(in, k.end);
        if (v.end == 0 || v.end > d.end - 2) {
            return 0;
        }
        if (token_is(in, k, key)) {
            *value = v;
            return 1;
        }
        i = v.end;
    }
}

/* The object number of the reference "n 0 R" that is key's value in d. */
static int dict_ref(const pdf_in *in, span d, const char *key, apr_size_t *num)
{
    span v, gen;
    if (!dict_get(in, d, key, &v)) {
        return 0;
    }
    span n = next_token(in, v.start);
    gen = next_token(in, n.end);
    if (!is_unsigned(in, n) || !token_is(in, gen, "0") || next_token(in, gen.end).end != v.end) {
        return 0;
    }
    *num = unsigned_of(in, n);
    return 1;
}

static int parse_startxref(const pdf_in *in, apr_size_t *offset)
{
    static const char word[] = "startxref";
    apr_size_t from = in->n > TAIL_SEARCH ? in->n - TAIL_SEARCH : 0;
    for (apr_size_t i = in->n >= sizeof(word) ? in->n - sizeof(word) + 1 : 0; i-- > from;) {
        if (memcmp(in->s + i, word, sizeof(word) - 1) == 0) {
            span t = next_token(in, i + sizeof(word) - 1);
            if (!t.end || !is_unsigned(in, t)) {
                return 0;
            }
            *offset = unsigned_of(in, t);
            return *offset < in->n;
        }
    }
    return 0;
}

/* Reads the cross-reference sections at doc->xref_offset; sets *trailer. */
static const char *parse_xref(const pdf_in *in, pdf_doc *doc, span *trailer, apr_pool_t *p)
{
    span t = next_token(in, doc->xref_offset);
    if (!token_is(in, t, "xref")) {
        return "the document has no classic cross-reference table (xref streams are not supported)";
    }
    doc->xref = apr_array_make(p, 2, sizeof(xref_section));
    for (;;) {
        span first = next_token(in, t.end);
        if (token_is(in, first, "trailer")) {
            *trailer = next_token(in, first.end);
            return trailer->end && in->s[trailer->start] == '<' ? NULL : "the trailer is malformed";
        }
        span count = next_token(in, first.end);
        if (!is_unsigned(in, first) || !is_unsigned(in, count)) {
            return "the cross-reference table is malformed";
        }
        xref_section *sec = apr_array_push(doc->xref);
        sec->first = unsigned_of(in, first);
        sec->count = unsigned_of(in, count);
        sec->entries = skip_space(in, count.end);
        if (sec->count > (in->n - sec->entries) / XREF_ENTRY) {
            return "the cross-reference table is cut off";
        }
        t.end = sec->entries + sec->count * XREF_ENTRY;
    }
}

/* The offset of object num from the last cross-reference section; 0 if absent. */
static apr_size_t object_offset(const pdf_in *in, const pdf_doc *doc, apr_size_t num)
{
    for (int k = 0; k < doc->xref->nelts; k++) {
        const xref_section *sec = &APR_ARRAY_IDX(doc->xref, k, xref_section);
        if (num >= sec->first && num - sec->first < sec->count) {
            const unsigned char *e = in->s + sec->entries + (num - sec->first) * XREF_ENTRY;
            span offset = { (apr_size_t)(e - in->s), (apr_size_t)(e - in->s) + 10 };
            return e[17] == 'n' && is_unsigned(in, offset) ? unsigned_of(in, offset) : 0;
        }
    }
    return 0;
}

/* The dictionary of object num ("num 0 obj << ... >>"). */
static int object_dict(const pdf_in *in, const pdf_doc *doc, apr_size_t num, span *dict)
{
    apr_size_t at = object_offset(in, doc, num);
    span n = next_token(in, at), gen = next_token(in, n.end), obj = next_token(in, gen.end);
    if (at == 0 || !is_unsigned(in, n) || unsigned_of(in, n) != num || !token_is(in, gen, "0")
        || !token_is(in, obj, "obj")) {
        return 0;
    }
    *dict = next_token(in, obj.end);
    return dict->end && in->s[dict->start] == '<' && in->s[dict->start + 1] == '<';
}

/* The first page: the first kid of the root page tree, itself a /Page. */
static const char *find_first_page(const pdf_in *in, pdf_doc *doc)
{
    span pages, kids, type;
    apr_size_t pages_num;
    if (!dict_ref(in, doc->root_dict, "/Pages", &pages_num) || !object_dict(in, doc, pages_num, &pages)
        || !dict_get(in, pages, "/Kids", &kids) || in->s[kids.start] != '[') {
        return "the catalog has no readable page tree";
    }
    span n = next_token(in, kids.start + 1);
    span gen = n.end ? next_token(in, n.end) : n;
    span r = gen.end ? next_token(in, gen.end) : gen;
    if (r.end == 0 || r.end > kids.end || !is_unsigned(in, n) || !token_is(in, gen, "0")
        || !token_is(in, r, "R")) {
        return "the page tree has no first page";
    }
    doc->page = unsigned_of(in, n);
    if (!object_dict(in, doc, doc->page, &doc->page_dict) || !dict_get(in, doc->page_dict, "/Type", &type)
        || !token_is(in, type, "/Page")) {
        return "the first kid of the page tree is not a page (nested page trees are not supported)";
    }
    return NULL;
}

static const char *read_document(const pdf_in *in, pdf_doc *doc, apr_pool_t *p)
{
    span trailer, size, unused;
    const char *problem;
    memset(doc, 0, sizeof(*doc));
    if (!parse_startxref(in, &doc->xref_offset)) {
        return "startxref not found";
    }
    if ((problem = parse_xref(in, doc, &trailer, p)) != NULL) {
        return problem;
    }
    if (dict_get(in, trailer, "/Encrypt", &unused)) {
        return "encrypted documents are not supported";
    }
    if (!dict_get(in, trailer, "/Size", &size) || !is_unsigned(in, size)
        || !dict_ref(in, trailer, "/Root", &doc->root)) {
        return "the trailer has no /Size or /Root";
    }
    doc->size = unsigned_of(in, size);
    dict_get(in, trailer, "/Info", &doc->info);
    dict_get(in, trailer, "/ID", &doc->id);
    if (!object_dict(in, doc, doc->root, &doc->root_dict)) {
        return "the catalog cannot be read";
    }
    if (dict_get(in, doc->root_dict, "/AcroForm", &unused)) {
        return "the document already has a form (/AcroForm)";
    }
    if ((problem = find_first_page(in, doc)) != NULL) {
        return problem;
    }
    if (dict_get(in, doc->page_dict, "/Annots", &unused)) {
        return "the first page already has annotations";
    }
    return NULL;
}

/* ---- writing the update ------------------------------------------------------ */

typedef struct pdf_out {
    unsigned char *data;
    apr_size_t len, cap;
    apr_pool_t *pool;
} pdf_out;

static void make_room(pdf_out *o, apr_size_t n)
{
    if (o->len + n > o->cap) {
        apr_size_t cap = (o->len + n) * 2;
        unsigned char *bigger = apr_palloc(o->pool, cap);
        memcpy(bigger, o->data, o->len);
        o->data = bigger;
        o->cap = cap;
    }
}

static void put(pdf_out *o, const void *bytes, apr_size_t n)
{
    make_room(o, n);
    memcpy(o->data + o->len, bytes, n);
    o->len += n;
}

static void putf(pdf_out *o, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n >= 0 && (apr_size_t)n < sizeof(small)) {
        put(o, small, (apr_size_t)n);
        return;
    }
    va_start(ap, fmt);
    const char *big = apr_pvsprintf(o->pool, fmt, ap);
    va_end(ap);
    put(o, big, strlen(big));
}

static void put_zeros(pdf_out *o, apr_size_t n)
{
    make_room(o, n);
    memset(o->data + o->len, '0', n);
    o->len += n;
}

static void put_span(pdf_out *o, const pdf_in *in, span s)
{
    put(o, in->s + s.start, s.end - s.start);
}

/* Where the update's placeholders are. */
typedef struct sig_slots {
    apr_size_t byte_range; /* offset of the '[' of /ByteRange */
    apr_size_t contents;   /* offset of the '<' of /Contents */
} sig_slots;

typedef struct new_object {
    apr_size_t num, offset;
} new_object;

static int by_number(const void *a, const void *b)
{
    const new_object *x = a, *y = b;
    return x->num < y->num ? -1 : x->num > y->num;
}

static void put_sig_dict(pdf_out *o, apr_size_t num, apr_time_t when, apr_size_t reserve, sig_slots *slots)
{
    apr_time_exp_t t;
    apr_time_exp_gmt(&t, when);
    putf(o,
         "%" APR_SIZE_T_FMT " 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite"
         " /SubFilter /ETSI.CAdES.detached /M (D:%04d%02d%02d%02d%02d%02dZ)\n/ByteRange ",
         num, t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
    slots->byte_range = o->len;
    putf(o, "%-*s]\n/Contents ", BYTE_RANGE_WIDTH - 1, "[");
    slots->contents = o->len;
    PUT_TEXT(o, "<");
    put_zeros(o, 2 * reserve);
    PUT_TEXT(o, "> >>\nendobj\n");
}

/* A copy of dict with one more entry before its closing >>. */
static void put_dict_with(pdf_out *o, const pdf_in *in, span dict, const char *entry)
{
    span body = { dict.start, dict.end - 2 };
    put_span(o, in, body);
    putf(o, "%s\n>>", entry);
}

static void put_objects(pdf_out *o, const pdf_in *in, const pdf_doc *doc, apr_time_t when, apr_size_t reserve,
                        sig_slots *slots, new_object objs[4])
{
    const apr_size_t sig = doc->size, widget = doc->size + 1;
    objs[0].num = sig;
    objs[0].offset = o->len;
    put_sig_dict(o, sig, when, reserve, slots);

    objs[1].num = widget;
    objs[1].offset = o->len;
    putf(o,
         "%" APR_SIZE_T_FMT " 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig"
         " /T (Signature1) /V %" APR_SIZE_T_FMT " 0 R /P %" APR_SIZE_T_FMT " 0 R"
         " /Rect [0 0 0 0] /F 132 >>\nendobj\n",
         widget, sig, doc->page);

    objs[2].num = doc->root;
    objs[2].offset = o->len;
    putf(o, "%" APR_SIZE_T_FMT " 0 obj\n", doc->root);
    put_dict_with(
        o, in, doc->root_dict,
        apr_psprintf(o->pool, "/AcroForm << /Fields [%" APR_SIZE_T_FMT " 0 R] /SigFlags 3 >>", widget));
    PUT_TEXT(o, "\nendobj\n");

    objs[3].num = doc->page;
    objs[3].offset = o->len;
    putf(o, "%" APR_SIZE_T_FMT " 0 obj\n", doc->page);
    put_dict_with(o, in, doc->page_dict, apr_psprintf(o->pool, "/Annots [%" APR_SIZE_T_FMT " 0 R]", widget));
    PUT_TEXT(o, "\nendobj\n");
}

/* The cross-reference section of the new objects (consecutive numbers share
 * a subsection) and the trailer. */
static void put_xref_trailer(pdf_out *o, const pdf_in *in, const pdf_doc *doc, new_object objs[4])
{
    const apr_size_t xref_at = o->len;
    qsort(objs, 4, sizeof(new_object), by_number);
    PUT_TEXT(o, "xref\n");
    for (int i = 0; i < 4;) {
        int j = i + 1;
        while (j < 4 && objs[j].num == objs[j - 1].num + 1) {
            j++;
        }
        putf(o, "%" APR_SIZE_T_FMT " %d\n", objs[i].num, j - i);
        for (; i < j; i++) {
            putf(o, "%010" APR_SIZE_T_FMT " 00000 n\r\n", objs[i].offset);
        }
    }
    putf(o,
         "trailer\n<< /Size %" APR_SIZE_T_FMT " /Root %" APR_SIZE_T_FMT " 0 R"
         " /Prev %" APR_SIZE_T_FMT,
         doc->size + 2, doc->root, doc->xref_offset);
    if (doc->info.end) {
        PUT_TEXT(o, " /Info ");
        put_span(o, in, doc->info);
    }
    if (doc->id.end) {
        PUT_TEXT(o, " /ID ");
        put_span(o, in, doc->id);
    }
    putf(o, " >>\nstartxref\n%" APR_SIZE_T_FMT "\n%%%%EOF\n", xref_at);
}

static void put_hex(unsigned char *at, const unsigned char *der, int len)
{
    static const char digits[] = "0123456789ABCDEF";
    for (int i = 0; i < len; i++) {
        at[2 * i] = (unsigned char)digits[der[i] >> 4];
        at[2 * i + 1] = (unsigned char)digits[der[i] & 0x0F];
    }
}

int cc_pdf_sign(const cc_pdf_signer *signer, const unsigned char *pdf, apr_size_t len, apr_time_t when,
                apr_pool_t *p, unsigned char **out, apr_size_t *out_len, const char **err)
{
    const pdf_in in = { pdf, len };
    pdf_doc doc;
    const char *problem = read_document(&in, &doc, p);
    if (problem != NULL) {
        *err = apr_pstrcat(p, "cannot sign the PDF: ", problem, NULL);
        return 0;
    }
    pdf_out o = { NULL, 0, 0, p };
    o.cap = len + 2 * signer->reserve + (doc.root_dict.end - doc.root_dict.start)
            + (doc.page_dict.end - doc.page_dict.start) + 1024;
    o.data = apr_palloc(p, o.cap);
    put(&o, pdf, len);
    if (len == 0 || pdf[len - 1] != '\n') {
        PUT_TEXT(&o, "\n");
    }
    sig_slots slots;
    new_object objs[4];
    put_objects(&o, &in, &doc, when, signer->reserve, &slots, objs);
    put_xref_trailer(&o, &in, &doc, objs);

    /* The signature covers everything but the <...> of /Contents. */
    const apr_size_t hole_end = slots.contents + 2 * signer->reserve + 2;
    char range[BYTE_RANGE_WIDTH + 1];
    snprintf(range, sizeof(range), "[0 %" APR_SIZE_T_FMT " %" APR_SIZE_T_FMT " %" APR_SIZE_T_FMT,
             slots.contents, hole_end, o.len - hole_end);
    memcpy(o.data + slots.byte_range, range, strlen(range));

    int der_len = 0;
    unsigned char *der =
        cms_der(signer, o.data, slots.contents, o.data + hole_end, o.len - hole_end, &der_len);
    if (der == NULL || (apr_size_t)der_len > signer->reserve) {
        *err =
            der ? "the signature is larger than its placeholder" : openssl_error(p, "signing the PDF failed");
        OPENSSL_free(der);
        return 0;
    }
    put_hex(o.data + slots.contents + 1, der, der_len);
    OPENSSL_free(der);
    *out = o.data;
    *out_len = o.len;
    return 1;
}
