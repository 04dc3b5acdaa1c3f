/* Settings of mod_cicpa_cert: every one a directive, declared once in
 * cc_directives[] (cc_config.c) with the field it sets, its range and its
 * default; checked at configtest and every start (cc_config_check.c). */
#ifndef CC_CONFIG_H
#define CC_CONFIG_H

#include "cc_module.h"
#include "cc_pdf.h"
#include "cc_font.h"
#include "cc_config_proof.h"

/* A whole-number field that no directive has set (texts: NULL). */
#define CC_UNSET (-2147483647 - 1)

/* The photo upload and the FaceVerifier comparison. */
typedef struct cc_photo_conf {
    int max_upload;            /* CicpaCertMaxUpload: largest upload body in bytes */
    int compare_attempts;      /* CicpaCertCompareAttempts: paid comparisons per member */
    const char *verifier_url;  /* CicpaCertFaceVerifierUrl: the provider's endpoint */
    const char *verifier_key;  /* CicpaCertFaceVerifierKey: HMAC key shared with it */
    int verifier_timeout;      /* CicpaCertFaceVerifierTimeout: seconds per try */
    int verifier_tries;        /* CicpaCertFaceVerifierTries: tries on transport errors */
    const char *reference_key; /* CicpaCertFaceReferenceKey: key of the reference provider */
    int reference_threshold;   /* CicpaCertFaceReferenceThreshold: least score for a match */
} cc_photo_conf;

/* The institute staff's administration. */
typedef struct cc_staff_conf {
    int session_seconds;         /* CicpaCertStaffSessionLifetime */
    apr_time_t session_lifetime; /* the same in microseconds (derived) */
} cc_staff_conf;

typedef struct cc_server_conf {
    const char *font_path;          /* CicpaCertFont: TrueType font file */
    cc_font *font;                  /* that font, loaded at configtest/start */
    cc_cert_style cert_style;       /* CicpaCertTitle/Issuer/TitleColor/AccentColor */
    int session_seconds;            /* CicpaCertSessionLifetime */
    apr_time_t session_lifetime;    /* the same in microseconds (derived) */
    const char *cookie_name;        /* CicpaCertCookieName */
    int cookie_secure;              /* CicpaCertCookieSecure: add Secure to the cookie */
    int max_body;                   /* CicpaCertMaxBody: largest JSON/form body */
    cc_photo_conf photo;            /* photo upload and comparison */
    cc_proof_conf cert;             /* QR code, seals, signatures, verification (cc_config_proof.h) */
    cc_staff_conf staff;            /* institute staff administration */
    int captcha;                    /* CicpaCertCaptcha: login and recovery need a captcha */
    int captcha_lifetime;           /* CicpaCertCaptchaLifetime, in seconds */
    int captcha_rate;               /* CicpaCertCaptchaRate: new captchas a minute per address (throttle) */
    int captcha_test_header;        /* CicpaCertCaptchaTestHeader: answers in X-Captcha-Answer (tests only) */
    int login_max_failures;         /* CicpaCertLoginMaxFailures: per member number in the window */
    int login_max_address_failures; /* CicpaCertLoginMaxFailuresPerAddress: per client address */
    int login_window;               /* CicpaCertLoginWindow, in seconds */
    const char *smtp_url;           /* CicpaCertSmtpUrl: smtp:// or smtps://, NULL: no e-mail */
    int smtp_starttls;              /* CicpaCertSmtpStartTLS: smtp:// must switch to TLS */
    const char *mail_from;          /* CicpaCertMailFrom: sender address of the codes */
    const char *smtp_user;          /* CicpaCertSmtpUser: SMTP AUTH name, NULL: none */
    const char *smtp_password;      /* CicpaCertSmtpPassword: its password (never logged) */
    const char *sms_url;            /* CicpaCertSmsUrl: the SMS gateway, NULL: no SMS */
    const char *sms_key;            /* CicpaCertSmsKey: HMAC key of the gateway (never logged) */

    /* CicpaCertAllowedOrigin: other sites' origins (const char *) */
    apr_array_header_t *allowed_origins;
} cc_server_conf;

/* Who the requester is, per directory (CicpaCertIdentity,
 * CicpaCertStaffIdentity): the module's own login, or httpd's
 * authentication of the request (r->user, set by an auth module of this
 * server; never a request header). */
typedef enum cc_identity_mode {
    CC_IDENTITY_MODULE = 0, /* own login: password, captcha, lockout */
    CC_IDENTITY_HTTPD = 1,  /* the user httpd authenticated */
} cc_identity_mode;

typedef struct cc_dir_conf {
    int identity;            /* CicpaCertIdentity: cc_identity_mode, CC_UNSET */
    int staff_identity;      /* CicpaCertStaffIdentity: cc_identity_mode, CC_UNSET */
    const char *member_from; /* CicpaCertIdentityUser: "user", "env:NAME" or "note:NAME" */
} cc_dir_conf;

extern const command_rec cc_directives[];

void *cc_dir_conf_create(apr_pool_t *p, char *dir);
void *cc_dir_conf_merge(apr_pool_t *p, void *base, void *add);

/* The per-directory settings of r, defaults applied. */
cc_dir_conf cc_dir_conf_get(const request_rec *r);

/* The name httpd authenticated r as, read by the rule from
 * (CicpaCertIdentityUser): r->user itself, or the env variable or request
 * note an auth module set beside it. NULL when r is not authenticated (no
 * r->user, whatever the rule) or the rule's value is missing or empty. */
const char *cc_identity_name(const request_rec *r, const char *from);

void *cc_server_conf_create(apr_pool_t *p, server_rec *s);
void *cc_server_conf_merge(apr_pool_t *p, void *base, void *add);

/* The settings of server s: the one way to reach them. */
cc_server_conf *cc_server_conf_get(const server_rec *s);

/* Gives every setting that no directive set its default (idempotent: servers
 * without directives of their own share the main server's settings). */
void cc_config_apply_defaults(cc_server_conf *conf);

/* Logs each required setting that conf (of server s, called server_name in
 * messages) lacks; OK when none. */
int cc_config_check_required(server_rec *s, const char *server_name, cc_server_conf *conf);

/* The check_config hook: checks every server that mounts a handler of the
 * module (required settings, the database, settings that go together) and
 * loads its font, keys, signer and seals. Runs at `apache2 -t` as at every
 * start, so configtest refuses whatever a start would; logs each problem
 * naming the directive and the server, and returns !OK on any. */
int cc_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

/* Part of cc_config_check (cc_config_identity.c): logs each section with
 * CicpaCertIdentity or CicpaCertStaffIdentity httpd but no AuthType and
 * Require of its own or of a section enclosing it; OK when there is none. */
int cc_config_check_identity(apr_pool_t *ptemp, server_rec *s);

/* Warns about risky settings of the mounting servers (test_config, for
 * configtest's output, and post_config, for the error log). */
void cc_config_warn(apr_pool_t *pconf, server_rec *s);

/* The post_config part that needs the running server: the per-child rate
 * limiters. OK, or !OK when one cannot be made. */
int cc_config_start(apr_pool_t *pconf, server_rec *s);

/* 1 when server s mounts a handler of the module (known after cc_config_check). */
int cc_config_mounted(const server_rec *s);

#endif
