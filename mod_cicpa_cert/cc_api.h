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

/* A photo as uploaded (cc_api_photo.c). */
typedef struct cc_upload {
    const unsigned char *jpeg;  /* the file's bytes */
    apr_size_t len;             /* its length */
    apr_table_t *fields;        /* the form's csrf_token, when sent as a part */
} cc_upload;

/* Reads the photo from a multipart/form-data body (field "photo", as
 * wx.uploadFile and browsers send it) or a raw image/jpeg body, bounded by
 * CicpaCertMaxUpload. Returns OK, or a status whose error was already sent. */
int cc_api_read_upload(cc_api_ctx *ctx, cc_upload *up);

/* OK when the photo passes the photo rules (core/cc_photo_rules.h);
 * otherwise sends 422 photo_rejected with message and every problem, and
 * returns 422. */
int cc_api_refuse_bad_photo(cc_api_ctx *ctx, const cc_upload *up, const char *message);

/* Sends the JSON error for a status returned by cc_member_load or
 * cc_session_find style helpers (401, 404, 500); returns OK. */
int cc_api_fail(cc_api_ctx *ctx, int status);

/* Checks and spends the request's captcha: captcha_id (else the captcha
 * cookie) and the typed captcha. Returns OK, or the status after sending
 * 400 captcha_required / captcha_invalid or 503 (cc_api_captcha.c). */
int cc_captcha_verify(cc_api_ctx *ctx, apr_table_t *params);

/* What a check of a login name and its password found. */
typedef enum {
    CC_LOGIN_OK, CC_LOGIN_WRONG, CC_LOGIN_NO_PASSWORD, CC_LOGIN_DB_ERROR
} cc_login_result;

/* Checks password for login (both non-empty and bounded), spending the same
 * bcrypt work whether login exists or not; arg is the caller's. */
typedef cc_login_result cc_login_check_fn(cc_api_ctx *ctx, const char *login,
                                          const char *password, void *arg);

/* The guarded part of every login, members' and staff's: the captcha (when
 * CicpaCertCaptcha is on), the attempt limits of action (cc_throttle.h) for
 * login and the client address, then check. A failure is counted, a
 * success clears login's count. Returns OK when the credentials are right;
 * otherwise the answer was sent (400 captcha_*, 429 too_many_attempts, 401
 * invalid_credentials / password_not_set, 503) and its status is returned
 * (cc_api_login.c). */
int cc_login_guarded(cc_api_ctx *ctx, apr_table_t *params, const char *action,
                     const char *login, const char *password, cc_login_check_fn *check, void *arg);

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

/* Who saves whose profile (cc_profile_save). */
typedef struct cc_profile_editor {
    const char *member_no;  /* whose profile */
    const char *actor;      /* audit_log actor: "member:<no>" or "staff:<login>" */
    const char *scope;      /* NULL: the member; else the staff's institute code */
} cc_profile_editor;

/* The one save of profile fields, for PUT /me/profile and the staff's PUT
 * /members/{no}/profile: params (field_key -> value) are checked by kind
 * and saved all or nothing, in one transaction that first locks the
 * member's row (for staff only when the member is in their scope), with an
 * audit row per changed field. A member changes only member-editable
 * fields; staff change every field, and only national staff the institute.
 * Sends 200 with the GET /me document (and "changed"), 404, 422
 * invalid_fields/unknown_field, 403 staff_only_field (member) or
 * national_only_field (provincial staff); returns OK (cc_api_profile.c). */
int cc_profile_save(cc_api_ctx *ctx, const cc_profile_editor *editor, apr_table_t *params);

/* Sends status with code when only the member's institute can change
 * fields (const cc_field *): the message is lead, the fields' labels and the
 * institute's name and phone; the error object also carries "fields" (their
 * keys), "institute" and the members of extra (taken, may be NULL).
 * Returns OK (cc_api_profile.c). */
int cc_api_send_contact_institute(cc_api_ctx *ctx, int status, const char *code, const char *lead,
                                  const cc_member *m, const apr_array_header_t *fields,
                                  json_t *extra);

#endif
