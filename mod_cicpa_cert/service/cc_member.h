/* A member as the API sees it: the profile fields with their catalogue
 * flags, the photo state and the next step towards the certificate. Owns
 * table members (every change of a member's row is one of the writes
 * below; the services that decide them call these). */
#ifndef CC_MEMBER_H
#define CC_MEMBER_H

#include "cc_db.h"
#include "cc_institute.h"
#include "cc_result.h"
#include "cc_staff_session.h"

extern const cc_statement cc_member_statements[];

typedef struct cc_field {
    const char *key;     /* field_catalogue.field_key */
    const char *label;   /* Chinese label */
    const char *kind;    /* validator kind (cc_fields.h) */
    const char *options; /* choice options, '|'-separated */
    int max_chars;       /* length limit in characters, 0: none */
    int required;        /* marked * */
    int editable;        /* the member may change it */
    const char *value;   /* current value, "" when missing */
} cc_field;

typedef struct cc_member {
    const char *member_no;          /* login name */
    const char *user_type;          /* non_practicing | practicing */
    const char *photo_status;       /* none | on_file | awaiting_review */
    int attempts_left;              /* paid comparisons left (CicpaCertCompareAttempts - used) */
    const char *review_note;        /* why staff rejected the uploaded photo, "" when none */
    apr_int64_t registration_until; /* end of the annual registration (Unix seconds), 0: none */
    apr_array_header_t *fields;     /* cc_field, in catalogue order */
    cc_institute *institute;        /* the member's institute, or NULL */
} cc_member;

/* Loads the member: CC_DONE, CC_NOT_FOUND or CC_INTERNAL. */
cc_result cc_member_load(request_rec *r, ap_dbd_t *dbd, const char *member_no, cc_member **out);

/* The catalogue field key with the member's value, or NULL when the
 * catalogue has no such field. */
const cc_field *cc_member_field(const cc_member *m, const char *key);

/* The value of field key ("" when missing or unknown). */
const char *cc_member_value(const cc_member *m, const char *key);

/* The required fields without a value (cc_field *). */
apr_array_header_t *cc_member_missing(const cc_member *m, apr_pool_t *p);

/* The ID document fields (type, number) that are empty: without them no
 * photo can be compared, and only the institute fills them. */
apr_array_header_t *cc_member_missing_identity(const cc_member *m, apr_pool_t *p);

/* What blocks the certificate, first blocker first:
 * upload_photo, onsite_review, complete_profile, contact_institute or download. */
const char *cc_member_next_step(const cc_member *m, apr_pool_t *p);

/* The Chinese label of a user type (非执业会员 / 执业会员), or NULL. */
const char *cc_user_type_label(const char *user_type);

/* The user type named by a login parameter: the code or its Chinese label. */
const char *cc_user_type_parse(const char *param);

/* 1 when the field holds an ID number (masked wherever it is shown). */
int cc_field_is_id_number(const cc_field *f);

/* Whether member_no is in staff's scope: CC_DONE (*photo_status, may be
 * NULL, gets theirs), CC_NOT_FOUND (unknown and out of scope alike) or
 * CC_DB_UNAVAILABLE. */
cc_result cc_member_in_scope(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                             const char **photo_status);

/* The members in staff's scope whose number, name or ID number is q: rows
 * of member_no, user_type, photo_status, name, institute, id_number (the
 * last three may be NULL), or NULL on a database error. */
apr_array_header_t *cc_member_search(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *q);

/* What staff may reset of a member. */
typedef enum cc_member_reset {
    CC_RESET_ATTEMPTS, /* the comparisons used: none */
    CC_CLEAR_PASSWORD  /* the password, and with it every session */
} cc_member_reset;

/* Staff's reset of member_no (in their scope), audited with reason, in one
 * transaction: CC_DONE or CC_DB_UNAVAILABLE. */
cc_result cc_member_staff_reset(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                                cc_member_reset what, const char *reason);

/* The writes of a member's row. Each returns the number of rows changed
 * (0 when its condition did not hold), or -1 on a database error. */

/* Takes the comparison claim for a member with photo_status none and an
 * attempt left (fewer than max_attempts used), unless a live claim is held. */
int cc_member_claim_comparison(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *claim,
                               apr_int64_t until, int max_attempts);
/* Gives back the claim without using an attempt. */
int cc_member_release_comparison(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *claim);
/* Uses the attempt of the claim and sets photo_status. */
int cc_member_settle_comparison(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *claim,
                                const char *photo_status);
/* photo_status none -> awaiting_review with no comparison (no claim held). */
int cc_member_await_review(request_rec *r, ap_dbd_t *dbd, const char *member_no);
/* The first write of a profile save: locks the row (PostgreSQL; SQLite's
 * BEGIN IMMEDIATE holds the write lock), for staff only in their scope
 * (scope: the staff's institute; NULL: the member themself). */
int cc_member_lock(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *scope);
/* Sets the password hash ("" clears it). */
int cc_member_set_password(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *hash);
/* The on-site review's decisions: awaiting_review -> on_file (approve);
 * any -> on_file (a photo taken on site); awaiting_review -> none with the
 * note and the attempts back (reject). */
int cc_member_review_approve(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no);
int cc_member_photo_on_file(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no);
int cc_member_review_reject(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                            const char *note);

#endif
