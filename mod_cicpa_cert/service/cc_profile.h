/* The one save of profile fields, for a member's own PUT /me/profile and
 * the staff's PUT /members/{no}/profile. Owns table member_fields (which
 * cicpa-admin's import fills too). */
#ifndef CC_PROFILE_H
#define CC_PROFILE_H

#include <jansson.h>

#include "cc_db.h"
#include "cc_member.h"
#include "cc_result.h"

#include "cc_profile_sql.h"

/* Who saves whose profile. */
typedef struct cc_profile_editor {
    const char *member_no; /* whose profile */
    const char *actor;     /* audit_log actor: "member:<no>" or "staff:<login>" */
    const char *scope;     /* NULL: the member; else the staff's institute code */
} cc_profile_editor;

/* What a save came to. */
typedef struct cc_profile_outcome {
    cc_member *member;           /* CC_DONE: as stored after; a refusal: as before */
    apr_array_header_t *changed; /* CC_DONE: keys saved (const char *) */
    apr_array_header_t *unknown; /* CC_UNKNOWN_FIELD: keys not in the catalogue */
    apr_array_header_t *locked;  /* CC_*_ONLY_FIELD: the fields (const cc_field *) */
    json_t *problems;            /* CC_INVALID_FIELDS: key -> what is wrong (the caller's to free) */
} cc_profile_outcome;

/* params (field_key -> value) are checked by kind and saved all or
 * nothing, in one transaction that first locks the member's row (for staff
 * only when the member is in their scope), with an audit row per changed
 * field. A member changes only member-editable fields; staff change every
 * field, and only national staff the institute. CC_DONE (nothing to change
 * too), CC_NOT_FOUND, CC_UNKNOWN_FIELD, CC_INVALID_FIELDS,
 * CC_STAFF_ONLY_FIELD (member), CC_NATIONAL_ONLY_FIELD (provincial staff),
 * CC_DB_UNAVAILABLE or CC_INTERNAL. */
cc_result cc_profile_save(request_rec *r, ap_dbd_t *dbd, const cc_profile_editor *editor, apr_table_t *params,
                          cc_profile_outcome *out);

#endif
