/* The register of issued certificates: one identity per printed content,
 * its status, and the lookups of the verification page. */
#ifndef CC_CERTIFICATE_H
#define CC_CERTIFICATE_H

#include "cc_pdf.h"
#include "cc_db.h"
#include "cc_result.h"

extern const cc_statement cc_certificate_statements[]; /* table certificates */

typedef struct cc_certificate {
    const char *id;     /* 128-bit random, base64url: in the QR code */
    const char *serial; /* CICPA-<institute>-<year>-<seq>, printed */
    const char *member_no;
    const char *fingerprint;  /* SHA-256 of the printed data and the photo's SHA-256 */
    const char *photo_sha256; /* of the photo printed on it */
    const char *name_masked;  /* 张*远 */
    const char *name_sha256;  /* for the signed QR claim */
    const char *category;
    const char *institute_code;
    const char *institute;
    const char *issue_date;    /* YYYY-MM-DD, printed and signed */
    apr_int64_t issued_at;     /* Unix seconds */
    apr_int64_t valid_until;   /* Unix seconds; 0: no end */
    const char *status;        /* valid | suspended | revoked: what staff set */
    const char *status_reason; /* why it was revoked */
    const char *superseded_by; /* the certificate that replaced it; NULL: current */
} cc_certificate;

/* What a certificate is now, as the verification page tells it. */
typedef enum cc_cert_state {
    CC_CERT_VALID,
    CC_CERT_SUSPENDED,
    CC_CERT_REVOKED,
    CC_CERT_SUPERSEDED,
    CC_CERT_EXPIRED
} cc_cert_state;

/* Revoked and suspended (staff's word) come first, then superseded, then
 * expired (valid_until passed at now, Unix seconds). */
cc_cert_state cc_certificate_state(const cc_certificate *c, apr_int64_t now);

/* "valid", "suspended", "revoked", "superseded" or "expired". */
const char *cc_cert_state_name(cc_cert_state state);

/* What a download is about to print: data (with the member's number, name
 * and photo), the photo's SHA-256, and the institute's code. */
typedef struct cc_cert_request {
    const cc_cert_data *data;
    const char *photo_sha256;
    const char *institute_code;     /* "" when the member has none */
    int validity_days;              /* CicpaCertValidityDays */
    apr_int64_t registration_until; /* the member's registration end (Unix seconds), 0: none */
    const char *actor;              /* the audit trail's issuer (staff:…); NULL: the member */
} cc_cert_request;

/* The member's certificate for what is printed: the current one when its
 * fingerprint matches and it has not expired, else a new one (issued and
 * audited, *issued set to 1; the former one marked superseded). Returns
 * CC_DONE with *cert, CC_CERTIFICATE_SUSPENDED or CC_CERTIFICATE_REVOKED
 * with *cert (no new one is issued then), or CC_DB_UNAVAILABLE. */
cc_result cc_certificate_issue(request_rec *r, ap_dbd_t *dbd, const cc_cert_request *req,
                               cc_certificate **cert, int *issued);

/* The certificate with id: CC_DONE, CC_CERTIFICATE_UNKNOWN or
 * CC_DB_UNAVAILABLE. */
cc_result cc_certificate_find(request_rec *r, ap_dbd_t *dbd, const char *id, cc_certificate **cert);

/* The photo printed on cert, if it is still the member's photo on file:
 * CC_DONE, CC_CERTIFICATE_UNKNOWN or CC_DB_UNAVAILABLE. */
cc_result cc_certificate_photo(request_rec *r, ap_dbd_t *dbd, const cc_certificate *cert,
                               unsigned char **jpeg, apr_size_t *len);

/* The SHA-256 (hex) of member_no's photo on file, what the fingerprint
 * covers: CC_DONE, CC_NOT_FOUND or CC_DB_UNAVAILABLE. */
cc_result cc_certificate_photo_sha256(request_rec *r, ap_dbd_t *dbd, const char *member_no,
                                      const char **sha256);

#endif
