/* The audit trail: who did what to which member, when and from where.
 * Owns table audit_log. */
#ifndef CC_AUDIT_H
#define CC_AUDIT_H

#include "cc_db.h"
#include "cc_result.h"
#include "cc_staff_session.h"

#include "cc_audit_sql.h"

/* Appends an audit row; actor is "member:<no>" or "staff:<login>". detail
 * must never hold a password, code or full ID number. A failure is logged
 * and returns CC_DB_UNAVAILABLE, so a caller that must not proceed without
 * it can stop. */
cc_result cc_audit(request_rec *r, ap_dbd_t *dbd, const char *actor, const char *member_no,
                   const char *action, const char *detail);

/* As cc_audit by the member themself ("member:<no>"). */
cc_result cc_audit_member(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *action,
                          const char *detail);

/* As cc_audit by staff; detail is {"reason": reason} when reason is not
 * NULL, else "". */
cc_result cc_audit_staff(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff, const char *member_no,
                         const char *action, const char *reason);

/* What staff may filter the trail by ("" when not filtered). */
typedef struct cc_audit_filter {
    const char *member_no;
    const char *staff; /* a staff login */
    const char *action;
    apr_int64_t since; /* Unix seconds, inclusive */
    apr_int64_t until; /* Unix seconds, exclusive */
    apr_int64_t limit; /* most rows */
} cc_audit_filter;

/* The trail newest first, as staff may see it: what concerns the members
 * of their scope and what their institute's staff did. Rows of id, at,
 * actor, member_no (may be NULL), action, detail, client_ip; NULL on a
 * database error. */
apr_array_header_t *cc_audit_list(request_rec *r, ap_dbd_t *dbd, const cc_staff *staff,
                                  const cc_audit_filter *filter);

#endif
