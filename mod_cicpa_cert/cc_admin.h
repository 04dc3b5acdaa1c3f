/* The institute staff's JSON API (SetHandler cicpa-cert-admin): staff
 * accounts and sessions, the on-site photo review, member records, the
 * institutes' phone numbers and the audit trail. */
#ifndef CC_ADMIN_H
#define CC_ADMIN_H

#include "cc_api.h"

#define CC_ADMIN_HANDLER "cicpa-cert-admin"

/* The national institute's code: its staff see every member. */
#define CC_NATIONAL_INSTITUTE "00"

/* SQL condition "the member row <alias> is in the staff's scope", for every
 * admin statement that reads or changes a member: two parameters, the
 * staff's institute code twice. A member out of scope is not found, like an
 * unknown one. */
#define CC_IN_SCOPE(alias) \
    "(%s = '" CC_NATIONAL_INSTITUTE "' OR EXISTS (SELECT 1 FROM member_fields sf" \
    " WHERE sf.member_no = " alias ".member_no AND sf.field_key = 'institute'" \
    " AND sf.value = %s))"

/* A signed-in staff member. */
typedef struct cc_staff {
    const char *login;      /* account name */
    const char *institute;  /* institute code, CC_NATIONAL_INSTITUTE for national staff */
    const char *actor;      /* audit_log actor: "staff:<login>" */
    cc_session session;     /* token hash, CSRF token, cookie flag (member_no unused) */
} cc_staff;

typedef struct cc_admin_ctx {
    cc_api_ctx api;         /* request, connection, settings; api.session is &staff->session */
    cc_staff *staff;        /* the signed-in staff member (authenticated routes) */
    const char *arg;        /* the {…} segment of the route ({no} or {code}), or NULL */
} cc_admin_ctx;

typedef int cc_admin_fn(cc_admin_ctx *ctx);

/* The handler hook (cc_admin.c). */
int cc_admin_handler(request_rec *r);

/* OK when ctx->arg is a member in the staff's scope (the check is in the
 * query); otherwise sends 404 not_found (unknown and out of scope alike) or
 * 503 and returns that status. *photo_status (may be NULL) gets theirs. */
int cc_admin_member_in_scope(cc_admin_ctx *ctx, const char **photo_status);

/* The staff's institute code, twice: the arguments of CC_IN_SCOPE. */
#define CC_SCOPE_ARGS(ctx) (ctx)->staff->institute, (ctx)->staff->institute

/* Reads the parameters of a change and checks the CSRF token of the staff's
 * cookie session. Returns OK with *params, or the status already sent. */
int cc_admin_read_change(cc_admin_ctx *ctx, apr_table_t **params);

/* The required reason of a staff action (1..200 characters, trimmed):
 * NULL after sending 422 reason_required. */
const char *cc_admin_reason(cc_admin_ctx *ctx, apr_table_t *params);

/* Appends an audit row by the staff member about member_no (may be NULL);
 * detail is built as JSON {"reason": reason} when reason is not NULL. */
int cc_admin_audit(cc_admin_ctx *ctx, const char *member_no, const char *action,
                   const char *reason);

/* Staff sessions (cc_admin_session.c): rows of staff_sessions keyed by the
 * SHA-256 of a random token, in the cookie <CicpaCertCookieName>_staff,
 * lasting CicpaCertStaffSessionLifetime. Cookie only: every change needs
 * the session's CSRF token. */
int cc_staff_session_start(cc_admin_ctx *ctx, const char *login, const char **token,
                           apr_time_t *expires);
/* Finds the live session of token (cc_staff_session_find: the cookie's) and
 * sets ctx->staff. OK, HTTP_UNAUTHORIZED or HTTP_INTERNAL_SERVER_ERROR. */
int cc_staff_session_find_token(cc_admin_ctx *ctx, const char *token);
int cc_staff_session_find(cc_admin_ctx *ctx);
int cc_staff_session_end(cc_admin_ctx *ctx);

/* Endpoints. */
int cc_admin_login(cc_admin_ctx *ctx);           /* POST /login (cc_admin_login.c) */
int cc_admin_logout(cc_admin_ctx *ctx);          /* POST /logout */
int cc_admin_whoami(cc_admin_ctx *ctx);          /* GET /session */
int cc_admin_review_queue(cc_admin_ctx *ctx);    /* GET /review (cc_admin_review.c) */
int cc_admin_upload(cc_admin_ctx *ctx);          /* GET /members/{no}/upload */
int cc_admin_approve(cc_admin_ctx *ctx);         /* POST /members/{no}/approve */
int cc_admin_replace(cc_admin_ctx *ctx);         /* POST /members/{no}/replace */
int cc_admin_reject(cc_admin_ctx *ctx);          /* POST /members/{no}/reject */
int cc_admin_search(cc_admin_ctx *ctx);          /* GET /members?q= (cc_admin_members.c) */
int cc_admin_member(cc_admin_ctx *ctx);          /* GET /members/{no} */
int cc_admin_profile(cc_admin_ctx *ctx);         /* PUT /members/{no}/profile */
int cc_admin_reset_attempts(cc_admin_ctx *ctx);  /* POST /members/{no}/attempts/reset */
int cc_admin_clear_password(cc_admin_ctx *ctx);  /* POST /members/{no}/password/clear */
int cc_admin_institutes(cc_admin_ctx *ctx);      /* GET /institutes (cc_admin_institutes.c) */
int cc_admin_institute_put(cc_admin_ctx *ctx);   /* PUT /institutes/{code} */
int cc_admin_audit_list(cc_admin_ctx *ctx);      /* GET /audit (cc_admin_audit.c) */

#endif
