/* The certificate store: the signed PDF of each certificate, stored once
 * (table certificate_pdfs, migration 014) so that every download of a
 * certificate, on any node, gets the same bytes. */
#ifndef CC_CERTIFICATE_STORE_H
#define CC_CERTIFICATE_STORE_H

#include "cc_db.h"
#include "cc_result.h"

extern const cc_statement cc_certificate_store_statements[]; /* table certificate_pdfs */

/* A stored PDF: its bytes and their SHA-256 (lower-case hex, the ETag). */
typedef struct cc_stored_pdf {
    const unsigned char *bytes;
    apr_size_t len;
    const char *sha256;
} cc_stored_pdf;

/* The stored PDF of the certificate with id: CC_DONE, CC_NOT_FOUND, or
 * CC_DB_UNAVAILABLE (also for a row whose bytes do not decode to its
 * recorded size). */
cc_result cc_certificate_store_find(request_rec *r, ap_dbd_t *dbd, const char *cert_id, cc_stored_pdf *out);

/* Stores bytes as the PDF of the certificate with id unless one is stored
 * already (the first wins: one INSERT, so a crash leaves all or nothing):
 * CC_DONE with *out (ours, or when another was first the winner's, read
 * back), or CC_DB_UNAVAILABLE. deferred: its commit need not wait for the
 * disk (bulk issuance: cc_db_defer_commit). */
cc_result cc_certificate_store_put(request_rec *r, ap_dbd_t *dbd, const char *cert_id,
                                   const unsigned char *bytes, apr_size_t len, int deferred,
                                   cc_stored_pdf *out);

#endif
