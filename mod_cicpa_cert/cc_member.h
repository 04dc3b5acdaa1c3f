/* A member as the API sees it: the profile fields with their catalogue
 * flags, the photo state and the next step towards the certificate. */
#ifndef CC_MEMBER_H
#define CC_MEMBER_H

#include "cc_module.h"

typedef struct cc_field {
    const char *key;       /* field_catalogue.field_key */
    const char *label;     /* Chinese label */
    const char *kind;      /* validator kind (cc_fields.h) */
    const char *options;   /* choice options, '|'-separated */
    int max_chars;         /* length limit in characters, 0: none */
    int required;          /* marked * */
    int editable;          /* the member may change it */
    const char *value;     /* current value, "" when missing */
} cc_field;

typedef struct cc_institute {
    const char *code;      /* GB/T 2260 province code, '00' national */
    const char *name;      /* e.g. 北京注册会计师协会 */
    const char *phone;     /* consultation phone number */
} cc_institute;

typedef struct cc_member {
    const char *member_no;     /* login name */
    const char *user_type;     /* non_practicing | practicing */
    const char *photo_status;  /* none | on_file | awaiting_review */
    int attempts_left;         /* paid comparisons left (CicpaCertCompareAttempts - used) */
    const char *review_note;   /* why staff rejected the uploaded photo, "" when none */
    apr_int64_t registration_until; /* end of the annual registration (Unix seconds), 0: none */
    apr_array_header_t *fields;/* cc_field, in catalogue order */
    cc_institute *institute;   /* the member's institute, or NULL */
} cc_member;

/* Loads the member. Returns OK, HTTP_NOT_FOUND, or HTTP_INTERNAL_SERVER_ERROR. */
int cc_member_load(request_rec *r, ap_dbd_t *dbd, const char *member_no, cc_member **out);

/* The catalogue field key with the member's value, or NULL when the
 * catalogue has no such field. */
const cc_field *cc_member_field(const cc_member *m, const char *key);

/* The value of field key ("" when missing or unknown). */
const char *cc_member_value(const cc_member *m, const char *key);

/* The institute with code; *out is NULL when there is none. Returns OK or
 * HTTP_INTERNAL_SERVER_ERROR. */
int cc_institute_find(request_rec *r, ap_dbd_t *dbd, const char *code, cc_institute **out);

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

#endif
