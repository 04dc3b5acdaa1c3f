/* Directives of mod_cicpa_cert: every setting is one, validated at startup. */
#ifndef CC_CONFIG_H
#define CC_CONFIG_H

#include "cc_module.h"
#include "cc_pdf.h"
#include "cc_font.h"
#include "cc_config_photo.h"
#include "cc_config_cert.h"
#include "cc_config_staff.h"

typedef struct cc_server_conf {
    int enabled;                       /* the module is used in this server */
    const char *font_path;             /* CicpaCertFont: TrueType font file */
    cc_font *font;                     /* that font, loaded at startup */
    cc_cert_style cert_style;          /* CicpaCertTitle/Issuer/TitleColor/AccentColor */
    apr_time_t session_lifetime;       /* CicpaCertSessionLifetime, in microseconds */
    const char *cookie_name;           /* CicpaCertCookieName */
    int cookie_secure;                 /* CicpaCertCookieSecure: add Secure to the cookie */
    apr_size_t max_body;               /* CicpaCertMaxBody: largest JSON/form body */
    cc_photo_conf photo;               /* photo upload and comparison (cc_config_photo.h) */
    cc_cert_conf cert;                 /* QR code, seals, signatures, verification (cc_config_cert.h) */
    cc_staff_conf staff;               /* institute staff administration (cc_config_staff.h) */
    int captcha;                       /* CicpaCertCaptcha: login and recovery need a captcha */
    int captcha_lifetime;              /* CicpaCertCaptchaLifetime, in seconds */
    int captcha_rate;                  /* CicpaCertCaptchaRate: new captchas a minute per address */
    struct cc_rate *captcha_limiter;   /* that limit, made at startup (per child) */
    int captcha_test_header;           /* CicpaCertCaptchaTestHeader: answers in X-Captcha-Answer (tests only) */
    int login_max_failures;            /* CicpaCertLoginMaxFailures: per member number in the window */
    int login_max_address_failures;    /* CicpaCertLoginMaxFailuresPerAddress: per client address */
    int login_window;                  /* CicpaCertLoginWindow, in seconds */
    const char *smtp_url;              /* CicpaCertSmtpUrl: smtp:// or smtps://, NULL: no e-mail */
    int smtp_starttls;                 /* CicpaCertSmtpStartTLS: smtp:// must switch to TLS */
    const char *mail_from;             /* CicpaCertMailFrom: sender address of the codes */
    const char *smtp_user;             /* CicpaCertSmtpUser: SMTP AUTH name, NULL: none */
    const char *smtp_password;         /* CicpaCertSmtpPassword: its password (never logged) */
    const char *sms_url;               /* CicpaCertSmsUrl: the SMS gateway, NULL: no SMS */
    const char *sms_key;               /* CicpaCertSmsKey: HMAC key of the gateway (never logged) */
    int set_mask;                      /* which of the above were set (for merging) */
} cc_server_conf;

extern const command_rec cc_directives[];

void *cc_server_conf_create(apr_pool_t *p, server_rec *s);
void *cc_server_conf_merge(apr_pool_t *p, void *base, void *add);

cc_server_conf *cc_server_conf_get(const server_rec *s);

/* For the directive setters of cc_config*.c: a whole number within
 * [min, max], and a URL with a host whose scheme is scheme or scheme + "s"
 * and no credentials. NULL, or an error naming the directive. */
const char *cc_config_whole_number(cmd_parms *cmd, const char *arg, apr_int64_t min,
                                   apr_int64_t max, apr_int64_t *out);
const char *cc_config_url(cmd_parms *cmd, const char *arg, const char *scheme, apr_uri_t *uri);

/* Checks every enabled server's settings and loads the font; logs and returns
 * !OK (stopping httpd) with the name of the faulty directive. */
int cc_config_validate(apr_pool_t *pconf, server_rec *s);

#endif
