/* Requesters whom httpd authenticated (CicpaCertIdentity and
 * CicpaCertStaffIdentity httpd): no password, captcha or lockout of the
 * module; a session of the module's own (sessions, staff_sessions) bound to
 * the authenticated name, created on first use, so changes still need its
 * CSRF token (GET /me, GET /session) and a different user never reuses it. */
#ifndef CC_IDENTITY_H
#define CC_IDENTITY_H

#include "cc_db.h"
#include "cc_result.h"
#include "cc_staff_session.h"

/* The session of member_no: the request's cookie session when it is that
 * member's, else a new one (cookie set, audited as a "login" via httpd
 * auth). CC_DONE with *out, CC_UNKNOWN_IDENTITY when no member has that
 * number, or CC_INTERNAL. */
cc_result cc_identity_member(request_rec *r, ap_dbd_t *dbd, const char *member_no, cc_session **out);

/* The same for the staff account login (an enabled one), audited as a
 * "staff_login" via httpd auth. */
cc_result cc_identity_staff(request_rec *r, ap_dbd_t *dbd, const char *login, cc_staff **out);

#endif
