/* The member JSON API (SetHandler cicpa-cert-api): routing, the context
 * every endpoint gets, and the endpoints. Each endpoint parses its
 * request, calls one service and turns the result into the response
 * (cc_reply.h); none calls another endpoint. */
#ifndef CC_API_H
#define CC_API_H

#include "cc_config.h"
#include "cc_session.h"

#define CC_API_HANDLER "cicpa-cert-api"

typedef struct cc_api_ctx {
    request_rec *r;             /* the request */
    ap_dbd_t *dbd;              /* database connection for this request */
    cc_session *session;        /* the member's session (authenticated routes) */
    const cc_server_conf *conf; /* server settings */
} cc_api_ctx;

typedef int cc_api_fn(cc_api_ctx *ctx);

/* The handler hook. */
int cc_api_handler(request_rec *r);

/* Endpoints, by file. */
int cc_api_login(cc_api_ctx *ctx);           /* POST /login (cc_api_login.c) */
int cc_api_logout(cc_api_ctx *ctx);          /* POST /logout */
int cc_api_captcha(cc_api_ctx *ctx);         /* GET /captcha (cc_api_captcha.c) */
int cc_api_password_forgot(cc_api_ctx *ctx); /* POST /password/forgot (cc_api_password.c) */
int cc_api_password_reset(cc_api_ctx *ctx);  /* POST /password/reset */
int cc_api_me(cc_api_ctx *ctx);              /* GET /me (cc_api_me.c) */
int cc_api_me_photo(cc_api_ctx *ctx);        /* GET /me/photo */
int cc_api_me_photo_upload(cc_api_ctx *ctx); /* POST /me/photo (cc_api_photo.c) */
int cc_api_photo_check(cc_api_ctx *ctx);     /* POST /photo/check */
int cc_api_certificate(cc_api_ctx *ctx);     /* GET, POST /me/certificate (cc_api_cert.c) */
int cc_api_profile_put(cc_api_ctx *ctx);     /* PUT /me/profile (cc_api_profile.c) */
int cc_api_contacts(cc_api_ctx *ctx);        /* GET /contacts */
int cc_api_health(cc_api_ctx *ctx);          /* GET /health (cc_api_health.c) */

#endif
