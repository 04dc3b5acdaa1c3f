/* The institute staff's JSON API (SetHandler cicpa-cert-admin): staff
 * sessions, the on-site photo review, member records, the institutes'
 * phone numbers and the audit trail. Routing, the context every endpoint
 * gets, the request plumbing they share, and the endpoints. Each endpoint
 * parses its request, calls one service and turns the result into the
 * response (cc_reply.h); none calls another endpoint. */
#ifndef CC_ADMIN_H
#define CC_ADMIN_H

#include "cc_config.h"
#include "cc_result.h"
#include "cc_staff_session.h"

#define CC_ADMIN_HANDLER "cicpa-cert-admin"

typedef struct cc_admin_ctx {
    request_rec *r;             /* the request */
    ap_dbd_t *dbd;              /* database connection for this request */
    const cc_server_conf *conf; /* server settings */
    cc_staff *staff;            /* the signed-in staff member (authenticated routes) */
    const char *arg;            /* the {…} segment of the route ({no} or {code}), or NULL */
} cc_admin_ctx;

typedef int cc_admin_fn(cc_admin_ctx *ctx);

/* The handler hook (cc_admin.c). */
int cc_admin_handler(request_rec *r);

/* Reads the parameters of a change and checks the CSRF token of the staff's
 * cookie session: CC_DONE with *params, or what is wrong (nothing sent). */
cc_result cc_admin_read_change(cc_admin_ctx *ctx, apr_table_t **params);

/* The required reason of a staff action (1..200 characters, trimmed) in
 * *reason: CC_DONE, or CC_REASON_REQUIRED with *problem. */
cc_result cc_admin_reason(cc_admin_ctx *ctx, apr_table_t *params, const char **reason, const char **problem);

/* The member record staff see after a change: GET /members/{no}'s answer
 * for ctx->arg. Returns OK. */
int cc_admin_send_member(cc_admin_ctx *ctx);

/* Endpoints, by file. */
int cc_admin_login(cc_admin_ctx *ctx);          /* POST /login (cc_admin_login.c) */
int cc_admin_logout(cc_admin_ctx *ctx);         /* POST /logout */
int cc_admin_whoami(cc_admin_ctx *ctx);         /* GET /session */
int cc_admin_review_queue(cc_admin_ctx *ctx);   /* GET /review (cc_admin_review.c) */
int cc_admin_upload(cc_admin_ctx *ctx);         /* GET /members/{no}/upload */
int cc_admin_approve(cc_admin_ctx *ctx);        /* POST /members/{no}/approve */
int cc_admin_replace(cc_admin_ctx *ctx);        /* POST /members/{no}/replace */
int cc_admin_reject(cc_admin_ctx *ctx);         /* POST /members/{no}/reject */
int cc_admin_search(cc_admin_ctx *ctx);         /* GET /members?q= (cc_admin_members.c) */
int cc_admin_member(cc_admin_ctx *ctx);         /* GET /members/{no} */
int cc_admin_profile(cc_admin_ctx *ctx);        /* PUT /members/{no}/profile */
int cc_admin_reset_attempts(cc_admin_ctx *ctx); /* POST /members/{no}/attempts/reset */
int cc_admin_clear_password(cc_admin_ctx *ctx); /* POST /members/{no}/password/clear */
int cc_admin_institutes(cc_admin_ctx *ctx);     /* GET /institutes (cc_admin_institutes.c) */
int cc_admin_institute_put(cc_admin_ctx *ctx);  /* PUT /institutes/{code} */
int cc_admin_audit_list(cc_admin_ctx *ctx);     /* GET /audit (cc_admin_audit.c) */
int cc_admin_issue(cc_admin_ctx *ctx);          /* POST /members/{no}/certificate (cc_admin_certificates.c) */

#endif
