/* An invisible PAdES signature for a PDF: an incremental update that adds a
 * signature field and a /Sig dictionary whose /Contents holds a detached
 * CMS (CAdES: SHA-256, signing-certificate-v2) over every byte of the file
 * but that /Contents value. The update is appended after the rendered bytes,
 * so nothing before it changes. See docs/certificate.md. */
#ifndef CC_PDF_SIGN_H
#define CC_PDF_SIGN_H

#include <apr_pools.h>
#include <apr_time.h>

typedef struct cc_pdf_signer cc_pdf_signer;

/* Loads the signing certificate (PEM: the signer's certificate first, then
 * any chain certificates to embed) and its private key (PEM), checks that
 * they belong together, and sizes the /Contents placeholder by one trial
 * signature. NULL and *err (naming the file, never key material) on
 * failure. Everything is freed with p; the signer is read-only afterwards,
 * so threads share it. */
cc_pdf_signer *cc_pdf_signer_load(const char *cert_path, const char *key_path, apr_pool_t *p,
                                  const char **err);

/* Bytes reserved for the CMS in /Contents (the hex string is twice as long). */
apr_size_t cc_pdf_signer_reserve(const cc_pdf_signer *signer);

/* The signing certificate's subject, one line (for the startup log). */
const char *cc_pdf_signer_subject(const cc_pdf_signer *signer);

/* Signs pdf (a complete document with a classic cross-reference table, one
 * page tree without /Annots, no /AcroForm, not encrypted) at time when: sets
 * *out to the signed document (pdf followed by the update) in p. Returns 1,
 * or 0 with *err. */
int cc_pdf_sign(const cc_pdf_signer *signer, const unsigned char *pdf, apr_size_t len, apr_time_t when,
                apr_pool_t *p, unsigned char **out, apr_size_t *out_len, const char **err);

#endif
