/* Members' photos: the photo on file, the upload kept for the on-site
 * review, the one paid comparison with the national photo database and the
 * staff's review decisions. Owns tables member_photos, photo_uploads and
 * photo_comparisons; the member's photo state is written through
 * cc_member.h. */
#ifndef CC_PHOTO_H
#define CC_PHOTO_H

#include "cc_db.h"
#include "cc_member.h"
#include "cc_result.h"
#include "cc_staff_session.h"

#include "cc_photo_sql.h"

/* The member's stored JPEG: CC_DONE, CC_PHOTO_NOT_FOUND (none on file) or
 * CC_PHOTO_UNAVAILABLE (the record says on file, but it cannot be read). */
cc_result cc_photo_load(request_rec *r, ap_dbd_t *dbd, const char *member_no, unsigned char **jpeg,
                        apr_size_t *len);

/* The photo state GET /me shows: m's photo_status, except that "on_file"
 * is only believed when the photo row can be read ("unavailable" else). */
const char *cc_photo_state(request_rec *r, ap_dbd_t *dbd, const cc_member *m);

/* How an upload ended. */
typedef struct cc_photo_outcome {
    cc_member *member;           /* the member (once loaded) */
    const char *result;          /* CC_DONE: "match", "no_match" or "onsite_review" */
    int score;                   /* the comparison's score */
    apr_array_header_t *missing; /* CC_IDENTITY_INCOMPLETE: the empty fields (const cc_field *) */
} cc_photo_outcome;

/* A member's upload of a photo that passed the photo rules: compared once
 * with the national database (an ID card) or kept for the on-site review
 * (another document). CC_DONE, or what stops it: CC_NOT_FOUND,
 * CC_PHOTO_ON_FILE, CC_ONSITE_REVIEW_PENDING, CC_NO_ATTEMPTS_LEFT,
 * CC_IDENTITY_INCOMPLETE, CC_COMPARISON_IN_PROGRESS, CC_UPLOAD_IN_PROGRESS,
 * CC_PHOTO_QUALITY, CC_NO_FACE, CC_IDENTITY_NOT_FOUND,
 * CC_COMPARISON_UNAVAILABLE (these four cost nothing), CC_DB_UNAVAILABLE,
 * CC_INTERNAL. */
cc_result cc_photo_upload(request_rec *r, ap_dbd_t *dbd, const char *member_no, const unsigned char *jpeg,
                          apr_size_t len, cc_photo_outcome *out);

/* The review queue of staff's scope, oldest upload first: rows of
 * member_no, name, institute (may be NULL), reason, uploaded_at; NULL on a
 * database error. */
apr_array_header_t *cc_photo_review_queue(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff);

/* The photo member_no uploaded for the review: CC_DONE, CC_NOT_FOUND or
 * CC_DB_UNAVAILABLE. */
cc_result cc_photo_review_upload(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                                 unsigned char **jpeg, apr_size_t *len);

/* The review's upload (reason, uploaded_at, sha256), or NULL; and the
 * member's last comparisons (result, score, at, request_id). */
const char **cc_photo_upload_info(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff,
                                  const char *member_no);
apr_array_header_t *cc_photo_comparisons(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff,
                                         const char *member_no);

/* The staff's decisions, audited: the upload becomes the photo (approve);
 * a photo taken on site replaces any (replace); the upload is refused with
 * reason, the attempts given back (reject). CC_DONE, CC_NOT_FOUND,
 * CC_NOT_AWAITING_REVIEW (approve, reject) or CC_DB_UNAVAILABLE. */
cc_result cc_photo_review_approve(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff,
                                  const char *member_no);
cc_result cc_photo_review_replace(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                                  const unsigned char *jpeg, apr_size_t len);
cc_result cc_photo_review_reject(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                                 const char *reason);

#endif
