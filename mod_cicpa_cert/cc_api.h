/* The member JSON API (SetHandler cicpa-cert-api): routing and the context
 * every endpoint gets. */
#ifndef CC_API_H
#define CC_API_H

#include <jansson.h>

#include "cc_config.h"
#include "cc_member.h"
#include "cc_session.h"

#define CC_API_HANDLER "cicpa-cert-api"

typedef struct cc_api_ctx {
    request_rec *r;                /* the request */
    ap_dbd_t *dbd;                 /* database connection for this request */
    cc_session *session;           /* the member's session (authenticated routes) */
    const cc_server_conf *conf;    /* server settings */
} cc_api_ctx;

typedef int cc_api_fn(cc_api_ctx *ctx);

/* The handler hook. */
int cc_api_handler(request_rec *r);

/* The request's path below the <Location> that set its handler (this one,
 * or cicpa-cert-verify's). */
const char *cc_location_path(request_rec *r);

/* Endpoints (cc_api_login.c, cc_api_me.c, cc_api_cert.c). */
int cc_api_login(cc_api_ctx *ctx);
int cc_api_captcha(cc_api_ctx *ctx);           /* GET /captcha (cc_api_captcha.c) */
int cc_api_password_forgot(cc_api_ctx *ctx);   /* POST /password/forgot (cc_api_password.c) */
int cc_api_password_reset(cc_api_ctx *ctx);    /* POST /password/reset (cc_api_password.c) */
int cc_api_logout(cc_api_ctx *ctx);
int cc_api_me(cc_api_ctx *ctx);
int cc_api_me_photo(cc_api_ctx *ctx);        /* GET: the photo; POST: the upload */
int cc_api_me_photo_upload(cc_api_ctx *ctx);
int cc_api_photo_check(cc_api_ctx *ctx);
int cc_api_certificate(cc_api_ctx *ctx);
int cc_api_profile_put(cc_api_ctx *ctx);    /* PUT /me/profile (cc_api_profile.c) */
int cc_api_contacts(cc_api_ctx *ctx);       /* GET /contacts (cc_api_profile.c) */

/* The member's stored JPEG: OK, HTTP_NOT_FOUND (none on file) or
 * HTTP_SERVICE_UNAVAILABLE (it could not be fetched). */
int cc_api_load_photo(cc_api_ctx *ctx, unsigned char **jpeg, apr_size_t *len);

/* Sends the guide's message for a cc_api_load_photo failure; returns OK. */
int cc_api_photo_error(cc_api_ctx *ctx, int status);

/* Sends the JSON error for a status returned by cc_member_load or
 * cc_session_find style helpers (401, 404, 500); returns OK. */
int cc_api_fail(cc_api_ctx *ctx, int status);

/* Checks and spends the request's captcha: captcha_id (else the captcha
 * cookie) and the typed captcha. Returns OK, or the status after sending
 * 400 captcha_required / captcha_invalid or 503 (cc_api_captcha.c). */
int cc_captcha_verify(cc_api_ctx *ctx, apr_table_t *params);

/* A bcrypt hash (cost 10) of no known password: checked against when there
 * is no real hash, so that costs the same time (cc_api_login.c). */
extern const char cc_api_dummy_bcrypt[];

/* Sends 403 csrf (a cookie session's change without its CSRF token);
 * returns OK. */
int cc_api_csrf_error(cc_api_ctx *ctx);

/* The GET /me document of m (cc_api_me.c). */
json_t *cc_api_member_json(cc_api_ctx *ctx, const cc_member *m);

/* An institute as {"code","name","phone"}, or JSON null (cc_api_me.c). */
json_t *cc_api_institute_json(const cc_institute *inst);

/* Sends status with code when only the member's institute can change
 * fields (const cc_field *): the message is lead, the fields' labels and the
 * institute's name and phone; the error object also carries "fields" (their
 * keys), "institute" and the members of extra (taken, may be NULL).
 * Returns OK (cc_api_profile.c). */
int cc_api_send_contact_institute(cc_api_ctx *ctx, int status, const char *code, const char *lead,
                                  const cc_member *m, const apr_array_header_t *fields,
                                  json_t *extra);

#endif
