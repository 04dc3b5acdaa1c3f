/* What the member and staff APIs show of members and institutes, and the
 * replies that name fields: shared by the endpoints of api/ and admin/
 * (no endpoint itself). */
#ifndef CC_API_VIEW_H
#define CC_API_VIEW_H

#include <jansson.h>

#include "cc_member.h"
#include "cc_profile.h"
#include "cc_reply.h"

/* An institute as {"code","name","phone"}, or JSON null. */
json_t *cc_view_institute(const cc_institute *inst);

/* {"institutes": [...]} of institutes (cc_institute). */
json_t *cc_view_institutes(const apr_array_header_t *institutes);

/* The GET /me document of m; csrf_token is the reader's session's. */
json_t *cc_view_member(request_rec *r, ap_dbd_t *dbd, const cc_member *m, const char *csrf_token);

/* The keys of fields (const cc_field *), and strings (const char *), as
 * JSON arrays. */
json_t *cc_view_field_keys(const apr_array_header_t *fields);
json_t *cc_view_strings(const apr_array_header_t *strings);

/* The photo rules' problems (cc_photo_problem) as [{"code","message"}]. */
json_t *cc_view_photo_problems(const apr_array_header_t *problems);

/* Sends result when only the member's institute can change fields (const
 * cc_field *): the message is the table's lead, the fields' labels and the
 * institute's name and phone; the error object also carries "fields"
 * (their keys), "institute" and the members of extra (taken, may be NULL).
 * Returns OK. */
int cc_reply_contact_institute(request_rec *r, cc_result result, const cc_member *m,
                               const apr_array_header_t *fields, json_t *extra);

/* The answer to a profile save (members' and staff's alike): 200 with the
 * member as GET /me shows them after it and the keys it "changed", or the
 * refusal naming the fields. Returns OK. */
int cc_reply_profile_saved(request_rec *r, ap_dbd_t *dbd, cc_result result, cc_profile_outcome *out,
                           const char *csrf_token);

#endif
