#include <string.h>

#include "cc_audit.h"
#include "cc_certificate_download.h"
#include "cc_certificate_store.h"
#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_pdf_sign.h"
#include "cc_scope.h"
#include "cc_text.h"

/* The missing required fields that only the member's institute may fill. */
static apr_array_header_t *missing_staff_only(const cc_member *m, apr_pool_t *p)
{
    apr_array_header_t *missing = cc_member_missing(m, p);
    apr_array_header_t *locked = apr_array_make(p, missing->nelts, sizeof(const cc_field *));
    for (int i = 0; i < missing->nelts; i++) {
        const cc_field *f = APR_ARRAY_IDX(missing, i, const cc_field *);
        if (!f->editable) {
            APR_ARRAY_PUSH(locked, const cc_field *) = f;
        }
    }
    return locked;
}

/* The printed fields holding a character the certificate font cannot draw
 * (a rare character entered or imported): the member is told which, and no
 * certificate is issued, rather than a failed render. */
static apr_array_header_t *unprintable_fields(request_rec *r, const cc_member *m)
{
    static const char *const printed[] = { "name", "sex", "category", "cert_no", "admission_date" };
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    apr_array_header_t *fields = apr_array_make(r->pool, 1, sizeof(const cc_field *));
    for (apr_size_t i = 0; i < sizeof(printed) / sizeof(printed[0]); i++) {
        const cc_field *f = cc_member_field(m, printed[i]);
        unsigned long lacking = f ? cc_font_lacks(conf->font, f->value) : 0;
        if (lacking != 0) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          CCLOGNO(00035) "member %s: field %s holds U+%04lX,"
                                         " which CicpaCertFont cannot draw",
                          m->member_no, f->key, lacking);
            APR_ARRAY_PUSH(fields, const cc_field *) = f;
        }
    }
    return fields;
}

/* The first step that blocks the certificate; CC_DONE when none. */
static cc_result gate(request_rec *r, cc_download *d)
{
    const cc_member *m = d->member;
    d->next_step = cc_member_next_step(m, r->pool);
    if (strcmp(d->next_step, "upload_photo") == 0) {
        return CC_PHOTO_REQUIRED;
    }
    if (strcmp(d->next_step, "onsite_review") == 0) {
        return CC_CERTIFICATE_REVIEW_PENDING;
    }
    if (strcmp(d->next_step, "contact_institute") == 0) {
        d->fields = missing_staff_only(m, r->pool);
        return CC_PROFILE_STAFF_FIELDS_MISSING;
    }
    if (strcmp(d->next_step, "download") != 0) {
        d->fields = cc_member_missing(m, r->pool);
        return CC_PROFILE_INCOMPLETE;
    }
    if (m->registration_until != 0 && m->registration_until <= apr_time_sec(apr_time_now())) {
        return CC_REGISTRATION_EXPIRED;
    }
    d->fields = unprintable_fields(r, m);
    return d->fields->nelts > 0 ? CC_UNPRINTABLE_CHARACTERS : CC_DONE;
}

static cc_cert_data cert_data_of(const cc_member *m)
{
    cc_cert_data d = { 0 };
    d.name = cc_member_value(m, "name");
    d.sex = cc_member_value(m, "sex");
    d.category =
        *cc_member_value(m, "category") ? cc_member_value(m, "category") : cc_user_type_label(m->user_type);
    d.member_no = m->member_no;
    d.cert_no = cc_member_value(m, "cert_no");
    d.admission_date = cc_member_value(m, "admission_date");
    d.institute = m->institute ? m->institute->name : "";
    return d;
}

/* Prints cert's identity on data: serial, dates, the QR code's signed URL,
 * the provincial institute beside the issuer, and the seals. 0 when the
 * claim cannot be signed. */
static int identify(request_rec *r, const cc_member *m, const cc_certificate *cert, cc_cert_data *d)
{
    const cc_proof_conf *conf = &cc_server_conf_get(r->server)->cert;
    const cc_qr_claim claims = { cert->id, cert->member_no, cert->name_sha256, cert->issue_date };
    const char *sig = cc_qr_claim_sign(conf->qr_key, &claims, r->pool);
    const char *code = m->institute ? m->institute->code : "";
    if (sig == NULL) {
        return 0;
    }
    d->verify_url = cc_qr_claim_url(conf->verify_url, cc_sign_key_id(conf->qr_key), &claims, sig, r->pool);
    d->serial = cert->serial;
    d->issue_date = cert->issue_date;
    d->issued_at = apr_time_from_sec(cert->issued_at);
    d->valid_until = cert->valid_until ? cc_date_ymd(apr_time_from_sec(cert->valid_until), r->pool) : NULL;
    d->issuer_seal = apr_hash_get(conf->seals, CC_NATIONAL_INSTITUTE, APR_HASH_KEY_STRING);
    if (*code && strcmp(code, CC_NATIONAL_INSTITUTE) != 0) {
        d->co_issuer = d->institute;
        d->co_issuer_seal = apr_hash_get(conf->seals, code, APR_HASH_KEY_STRING);
    }
    return 1;
}

/* The rendered certificate, signed (PAdES) before any byte leaves. */
static cc_pdf *render_signed(request_rec *r, const cc_cert_data *data)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    const char *err = NULL;
    unsigned char *signed_pdf;
    apr_size_t len;
    cc_pdf *pdf = cc_pdf_render(&conf->cert_style, data, conf->font, r->pool, &err);
    if (pdf == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00036) "certificate rendering failed: %s", err);
        return NULL;
    }
    if (!cc_pdf_sign(conf->cert.signer, cc_pdf_bytes(pdf), cc_pdf_size(pdf), apr_time_now(), r->pool,
                     &signed_pdf, &len, &err)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00037) "certificate signing failed: %s", err);
        return NULL;
    }
    cc_pdf_set_bytes(pdf, signed_pdf, len);
    return pdf;
}

/* The certificate's PDF: the one stored, or rendered (with the photo its
 * register entry names), signed and stored now; when two nodes render at
 * once the first to store wins, and both serve its bytes. */
static cc_result stored_pdf(request_rec *r, ap_dbd_t *dbd, int ahead, cc_download *d)
{
    unsigned char *jpeg;
    cc_result result = cc_certificate_store_find(r, dbd, d->certificate->id, &d->pdf);
    if (result != CC_NOT_FOUND) {
        return result;
    }
    result = cc_certificate_photo(r, dbd, d->certificate, &jpeg, &d->data.photo_len);
    if (result != CC_DONE) {
        return result == CC_CERTIFICATE_UNKNOWN ? CC_PHOTO_UNAVAILABLE : result;
    }
    d->data.photo = jpeg;
    cc_pdf *pdf = identify(r, d->member, d->certificate, &d->data) ? render_signed(r, &d->data) : NULL;
    if (pdf == NULL) {
        return CC_INTERNAL;
    }
    return cc_certificate_store_put(r, dbd, d->certificate->id, cc_pdf_bytes(pdf), cc_pdf_size(pdf), ahead,
                                    &d->pdf);
}

/* The register entry for what the member's data prints now (the photo by
 * its SHA-256: its bytes are read only to render), then its PDF. */
static cc_result deliver(request_rec *r, ap_dbd_t *dbd, const char *actor, cc_download *d)
{
    const cc_member *m = d->member;
    const char *photo_sha256;
    if (cc_certificate_photo_sha256(r, dbd, m->member_no, &photo_sha256) != CC_DONE) {
        return CC_PHOTO_UNAVAILABLE;
    }
    d->data = cert_data_of(m);
    const cc_cert_request req = {
        &d->data,
        photo_sha256,
        m->institute ? m->institute->code : "",
        cc_server_conf_get(r->server)->cert.validity_days,
        m->registration_until,
        actor,
    };
    /* A suspended or revoked certificate blocks a new one, whatever changed. */
    cc_result result = cc_certificate_issue(r, dbd, &req, &d->certificate, &d->issued);
    return result == CC_DONE ? stored_pdf(r, dbd, actor != NULL, d) : result;
}

cc_result cc_certificate_prepare(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *actor,
                                 cc_download *out)
{
    memset(out, 0, sizeof(*out));
    cc_result result = cc_member_load(r, dbd, member_no, &out->member);
    if (result == CC_DONE) {
        result = gate(r, out);
    }
    return result == CC_DONE ? deliver(r, dbd, actor, out) : result;
}

cc_result cc_certificate_download(request_rec *r, ap_dbd_t *dbd, const char *member_no, cc_download *out)
{
    cc_result result = cc_certificate_prepare(r, dbd, member_no, NULL, out);
    if (result != CC_DONE) {
        return result;
    }
    return cc_audit_member(r, dbd, member_no, "certificate_download", out->data.cert_no);
}
