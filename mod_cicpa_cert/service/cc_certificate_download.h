/* A member's download of their certificate: what blocks it (the first
 * step still to take), the register entry (cc_certificate.h), its identity
 * printed with a signed QR code, and its PDF: the stored one, or rendered,
 * signed and stored by the first download (cc_certificate_store.h). */
#ifndef CC_CERTIFICATE_DOWNLOAD_H
#define CC_CERTIFICATE_DOWNLOAD_H

#include "cc_pdf.h"
#include "cc_certificate.h"
#include "cc_certificate_store.h"
#include "cc_db.h"
#include "cc_member.h"
#include "cc_result.h"

/* What a download came to. */
typedef struct cc_download {
    cc_member *member;           /* the member (once loaded) */
    const char *next_step;       /* the step that blocks it (cc_member_next_step) */
    apr_array_header_t *fields;  /* the fields it names (const cc_field *): missing or unprintable */
    cc_certificate *certificate; /* the register's entry; CC_CERTIFICATE_REVOKED: with the reason */
    cc_cert_data data;           /* CC_DONE: what is printed */
    cc_stored_pdf pdf;           /* CC_DONE: the signed PDF, as stored */
    int issued;                  /* CC_DONE: the certificate was issued by this call */
} cc_download;

/* The certificate of member_no as a download would have it: issued in the
 * register when what it prints changed, its PDF rendered, signed and
 * stored when not stored yet. actor is NULL for the member's own download;
 * else staff issue it ahead (audited as actor's; the register's commit
 * deferred: cc_db_defer_commit).
 * Results as cc_certificate_download's. Bulk issuance (POST
 * /members/{no}/certificate of the staff API) stops here. */
cc_result cc_certificate_prepare(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *actor,
                                 cc_download *out);

/* The signed certificate PDF of member_no (cc_certificate_prepare), the
 * download audited. CC_DONE, or CC_NOT_FOUND,
 * CC_PHOTO_REQUIRED, CC_CERTIFICATE_REVIEW_PENDING,
 * CC_PROFILE_STAFF_FIELDS_MISSING, CC_PROFILE_INCOMPLETE,
 * CC_REGISTRATION_EXPIRED, CC_UNPRINTABLE_CHARACTERS, CC_PHOTO_NOT_FOUND,
 * CC_PHOTO_UNAVAILABLE, CC_CERTIFICATE_SUSPENDED, CC_CERTIFICATE_REVOKED,
 * CC_DB_UNAVAILABLE, CC_INTERNAL. */
cc_result cc_certificate_download(request_rec *r, ap_dbd_t *dbd, const char *member_no, cc_download *out);

#endif
