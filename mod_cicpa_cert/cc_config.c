#include <ctype.h>

#include <apr_uri.h>

#include "cc_config.h"
#include "cc_rate.h"
#include "cc_mail.h"
#include "cc_outbox.h"

enum {
    SET_FONT = 1 << 0,
    SET_TITLE = 1 << 1,
    SET_ISSUER = 1 << 2,
    SET_TITLE_RGB = 1 << 3,
    SET_ACCENT_RGB = 1 << 4,
    SET_LIFETIME = 1 << 5,
    SET_COOKIE_NAME = 1 << 6,
    SET_COOKIE_SECURE = 1 << 7,
    SET_MAX_BODY = 1 << 8,
    SET_CAPTCHA = 1 << 9,
    SET_CAPTCHA_LIFETIME = 1 << 10,
    SET_CAPTCHA_TEST_HEADER = 1 << 11,
    SET_LOGIN_MAX_FAILURES = 1 << 12,
    SET_LOGIN_MAX_ADDRESS_FAILURES = 1 << 13,
    SET_LOGIN_WINDOW = 1 << 14,
    SET_SMTP_URL = 1 << 15,
    SET_SMTP_STARTTLS = 1 << 16,
    SET_MAIL_FROM = 1 << 17,
    SET_SMTP_USER = 1 << 18,
    SET_SMTP_PASSWORD = 1 << 19,
    SET_SMS_URL = 1 << 20,
    SET_SMS_KEY = 1 << 21,
    SET_CAPTCHA_RATE = 1 << 22
};

/* The largest secret read from a file:PATH value. */
#define MAX_SECRET 4096

void *cc_server_conf_create(apr_pool_t *p, server_rec *s)
{
    cc_server_conf *conf = apr_pcalloc(p, sizeof(*conf));
    conf->cert_style.title = "中国注册会计师协会会员证";
    conf->cert_style.issuer = "中国注册会计师协会";
    conf->cert_style.title_rgb = 0xA61B1B;
    conf->cert_style.accent_rgb = 0x5A3E1B;
    conf->session_lifetime = apr_time_from_sec(2 * 3600);
    conf->cookie_name = "cicpa_session";
    conf->cookie_secure = 1;
    conf->max_body = 16 * 1024;
    conf->captcha = 1;
    conf->captcha_lifetime = 300;
    conf->captcha_rate = 30;
    conf->login_max_failures = 5;
    conf->login_max_address_failures = 20;
    conf->login_window = 900;
    conf->smtp_starttls = 1;
    cc_photo_conf_init(&conf->photo);
    cc_cert_conf_init(&conf->cert, p);
    cc_staff_conf_init(&conf->staff);
    return conf;
}

#define MERGE_FIELD(bit, field) \
    if (add->set_mask & (bit)) { conf->field = add->field; }

void *cc_server_conf_merge(apr_pool_t *p, void *base_v, void *add_v)
{
    const cc_server_conf *add = add_v;
    cc_server_conf *conf = apr_pmemdup(p, base_v, sizeof(*conf));
    conf->enabled |= add->enabled;
    conf->set_mask |= add->set_mask;
    MERGE_FIELD(SET_FONT, font_path);
    MERGE_FIELD(SET_TITLE, cert_style.title);
    MERGE_FIELD(SET_ISSUER, cert_style.issuer);
    MERGE_FIELD(SET_TITLE_RGB, cert_style.title_rgb);
    MERGE_FIELD(SET_ACCENT_RGB, cert_style.accent_rgb);
    MERGE_FIELD(SET_LIFETIME, session_lifetime);
    MERGE_FIELD(SET_COOKIE_NAME, cookie_name);
    MERGE_FIELD(SET_COOKIE_SECURE, cookie_secure);
    MERGE_FIELD(SET_MAX_BODY, max_body);
    MERGE_FIELD(SET_CAPTCHA, captcha);
    MERGE_FIELD(SET_CAPTCHA_LIFETIME, captcha_lifetime);
    MERGE_FIELD(SET_CAPTCHA_RATE, captcha_rate);
    MERGE_FIELD(SET_CAPTCHA_TEST_HEADER, captcha_test_header);
    MERGE_FIELD(SET_LOGIN_MAX_FAILURES, login_max_failures);
    MERGE_FIELD(SET_LOGIN_MAX_ADDRESS_FAILURES, login_max_address_failures);
    MERGE_FIELD(SET_LOGIN_WINDOW, login_window);
    MERGE_FIELD(SET_SMTP_URL, smtp_url);
    MERGE_FIELD(SET_SMTP_STARTTLS, smtp_starttls);
    MERGE_FIELD(SET_MAIL_FROM, mail_from);
    MERGE_FIELD(SET_SMTP_USER, smtp_user);
    MERGE_FIELD(SET_SMTP_PASSWORD, smtp_password);
    MERGE_FIELD(SET_SMS_URL, sms_url);
    MERGE_FIELD(SET_SMS_KEY, sms_key);
    cc_photo_conf_merge(&conf->photo, &add->photo);
    cc_cert_conf_merge(&conf->cert, &add->cert, p);
    cc_staff_conf_merge(&conf->staff, &add->staff);
    conf->font = NULL;
    conf->captcha_limiter = NULL;
    return conf;
}

cc_server_conf *cc_server_conf_get(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &cicpa_cert_module);
}

static cc_server_conf *conf_for(cmd_parms *cmd, int bit)
{
    cc_server_conf *conf = cc_server_conf_get(cmd->server);
    conf->enabled = 1;
    conf->set_mask |= bit;
    return conf;
}

static const char *set_font(cmd_parms *cmd, void *dc, const char *arg)
{
    conf_for(cmd, SET_FONT)->font_path = ap_server_root_relative(cmd->pool, arg);
    return NULL;
}

static const char *set_text(cmd_parms *cmd, void *dc, const char *arg)
{
    int bit = (int)(apr_uintptr_t)cmd->info;
    cc_server_conf *conf = conf_for(cmd, bit);
    if (*arg == '\0') {
        return apr_psprintf(cmd->pool, "%s must not be empty", cmd->directive->directive);
    }
    if (bit == SET_TITLE) {
        conf->cert_style.title = arg;
    } else if (bit == SET_ISSUER) {
        conf->cert_style.issuer = arg;
    } else {
        conf->cookie_name = arg;
    }
    return NULL;
}

/* "#RRGGBB" -> 0xRRGGBB; -1 when malformed. */
static long parse_rgb(const char *arg)
{
    if (arg[0] != '#' || strlen(arg) != 7) {
        return -1;
    }
    for (int i = 1; i < 7; i++) {
        if (!isxdigit((unsigned char)arg[i])) {
            return -1;
        }
    }
    return strtol(arg + 1, NULL, 16);
}

static const char *set_colour(cmd_parms *cmd, void *dc, const char *arg)
{
    int bit = (int)(apr_uintptr_t)cmd->info;
    long rgb = parse_rgb(arg);
    if (rgb < 0) {
        return apr_psprintf(cmd->pool, "%s takes a colour as #RRGGBB, not '%s'",
                            cmd->directive->directive, arg);
    }
    cc_server_conf *conf = conf_for(cmd, bit);
    if (bit == SET_TITLE_RGB) {
        conf->cert_style.title_rgb = (unsigned)rgb;
    } else {
        conf->cert_style.accent_rgb = (unsigned)rgb;
    }
    return NULL;
}

const char *cc_config_whole_number(cmd_parms *cmd, const char *arg, apr_int64_t min,
                                   apr_int64_t max, apr_int64_t *out)
{
    char *end = NULL;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);
    if (end == arg || *end != '\0' || v < min || v > max) {
        return apr_psprintf(cmd->pool, "%s takes a whole number from %" APR_INT64_T_FMT
                            " to %" APR_INT64_T_FMT ", not '%s'",
                            cmd->directive->directive, min, max, arg);
    }
    *out = v;
    return NULL;
}

static const char *set_lifetime(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t secs;
    const char *err = cc_config_whole_number(cmd, arg, 60, 30 * 24 * 3600, &secs);
    if (err == NULL) {
        conf_for(cmd, SET_LIFETIME)->session_lifetime = apr_time_from_sec(secs);
    }
    return err;
}

static const char *set_max_body(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t bytes;
    const char *err = cc_config_whole_number(cmd, arg, 1024, 1024 * 1024, &bytes);
    if (err == NULL) {
        conf_for(cmd, SET_MAX_BODY)->max_body = (apr_size_t)bytes;
    }
    return err;
}

static const char *set_cookie_secure(cmd_parms *cmd, void *dc, int flag)
{
    conf_for(cmd, SET_COOKIE_SECURE)->cookie_secure = flag;
    return NULL;
}

/* ---- login hardening and password recovery */

static const char *set_login_flag(cmd_parms *cmd, void *dc, int flag)
{
    int bit = (int)(apr_uintptr_t)cmd->info;
    cc_server_conf *conf = conf_for(cmd, bit);
    if (bit == SET_CAPTCHA) {
        conf->captcha = flag;
    } else if (bit == SET_CAPTCHA_TEST_HEADER) {
        conf->captcha_test_header = flag;
    } else {
        conf->smtp_starttls = flag;
    }
    return NULL;
}

static const char *set_captcha_lifetime(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t secs;
    const char *err = cc_config_whole_number(cmd, arg, 30, 3600, &secs);
    if (err == NULL) {
        conf_for(cmd, SET_CAPTCHA_LIFETIME)->captcha_lifetime = (int)secs;
    }
    return err;
}

static const char *set_captcha_rate(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t n;
    const char *err = cc_config_whole_number(cmd, arg, 1, 6000, &n);
    if (err == NULL) {
        conf_for(cmd, SET_CAPTCHA_RATE)->captcha_rate = (int)n;
    }
    return err;
}

/* Up to a day: cc_throttle.c keeps its events that long. */
static const char *set_login_window(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t secs;
    const char *err = cc_config_whole_number(cmd, arg, 10, 24 * 3600, &secs);
    if (err == NULL) {
        conf_for(cmd, SET_LOGIN_WINDOW)->login_window = (int)secs;
    }
    return err;
}

static const char *set_max_failures(cmd_parms *cmd, void *dc, const char *arg)
{
    int bit = (int)(apr_uintptr_t)cmd->info;
    apr_int64_t n;
    const char *err = cc_config_whole_number(cmd, arg, 1, 100000, &n);
    if (err == NULL) {
        cc_server_conf *conf = conf_for(cmd, bit);
        *(bit == SET_LOGIN_MAX_FAILURES ? &conf->login_max_failures
                                        : &conf->login_max_address_failures) = (int)n;
    }
    return err;
}

const char *cc_config_url(cmd_parms *cmd, const char *arg, const char *scheme, apr_uri_t *uri)
{
    apr_size_t n = strlen(scheme);
    if (apr_uri_parse(cmd->pool, arg, uri) != APR_SUCCESS || uri->scheme == NULL
        || strncasecmp(uri->scheme, scheme, n) != 0
        || (uri->scheme[n] != '\0' && strcasecmp(uri->scheme + n, "s") != 0)
        || uri->hostname == NULL || *uri->hostname == '\0') {
        return apr_psprintf(cmd->pool, "%s takes a %s:// or %ss:// URL with a host, not '%s'",
                            cmd->directive->directive, scheme, scheme, arg);
    }
    if (uri->user != NULL || uri->password != NULL) {
        return apr_psprintf(cmd->pool, "%s: put no credentials in the URL (they have directives"
                            " of their own; error messages may quote a URL)", cmd->directive->directive);
    }
    return NULL;
}

/* SMTP takes smtp:// or smtps://, the SMS gateway http:// or https://;
 * both take file:///FOLDER, a demo's outbox (cc_outbox.h). */
static const char *set_delivery_url(cmd_parms *cmd, void *dc, const char *arg)
{
    int bit = (int)(apr_uintptr_t)cmd->info;
    apr_uri_t uri;
    const char *err = cc_outbox_url(arg) ? cc_outbox_problem(cmd->directive->directive, arg, cmd->pool)
                                         : cc_config_url(cmd, arg, bit == SET_SMTP_URL ? "smtp" : "http", &uri);
    if (err != NULL) {
        return err;
    }
    cc_server_conf *conf = conf_for(cmd, bit);
    *(bit == SET_SMTP_URL ? &conf->smtp_url : &conf->sms_url) = arg;
    return NULL;
}

static const char *set_mail_from(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!cc_mail_address_ok(arg)) {
        return apr_psprintf(cmd->pool, "CicpaCertMailFrom takes a plain address such as"
                            " noreply@example.org, not '%s'", arg);
    }
    conf_for(cmd, SET_MAIL_FROM)->mail_from = arg;
    return NULL;
}

static const char *set_smtp_user(cmd_parms *cmd, void *dc, const char *arg)
{
    if (*arg == '\0') {
        return "CicpaCertSmtpUser must not be empty";
    }
    conf_for(cmd, SET_SMTP_USER)->smtp_user = arg;
    return NULL;
}

/* The first line of a secret file, read while the configuration is read
 * (as root, so the file may be root's alone); NULL with *err set. */
static const char *read_secret_file(cmd_parms *cmd, const char *path, const char **err)
{
    char buf[MAX_SECRET + 1];
    apr_size_t n = 0;
    apr_file_t *f = NULL;
    const char *full = ap_server_root_relative(cmd->temp_pool, path);
    apr_status_t rv = full ? apr_file_open(&f, full, APR_FOPEN_READ, 0, cmd->temp_pool) : APR_EBADPATH;
    if (rv == APR_SUCCESS) {
        rv = apr_file_read_full(f, buf, sizeof buf, &n);
        apr_file_close(f);
    }
    if ((rv != APR_SUCCESS && rv != APR_EOF) || n > MAX_SECRET) {
        *err = apr_psprintf(cmd->pool, "%s: cannot read the secret file %s%s", cmd->directive->directive,
                            path, n > MAX_SECRET ? " (over 4096 bytes)" : "");
        return NULL;
    }
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    return apr_pstrdup(cmd->pool, buf);
}

/* CicpaCertSmtpPassword and CicpaCertSmsKey: the secret itself, or
 * file:PATH to keep it out of the configuration. */
static const char *set_secret(cmd_parms *cmd, void *dc, const char *arg)
{
    int bit = (int)(apr_uintptr_t)cmd->info;
    const char *err = NULL;
    const char *secret = strncmp(arg, "file:", 5) == 0 ? read_secret_file(cmd, arg + 5, &err) : arg;
    if (secret != NULL && *secret == '\0') {
        err = apr_psprintf(cmd->pool, "%s must not be empty", cmd->directive->directive);
    }
    if (err == NULL) {
        cc_server_conf *conf = conf_for(cmd, bit);
        *(bit == SET_SMTP_PASSWORD ? &conf->smtp_password : &conf->sms_key) = secret;
    }
    return err;
}

const command_rec cc_directives[] = {
    AP_INIT_TAKE1("CicpaCertFont", set_font, NULL, RSRC_CONF,
                  "TrueType font file (with CJK glyphs) for the certificate PDF"),
    AP_INIT_TAKE1("CicpaCertTitle", set_text, (void *)SET_TITLE, RSRC_CONF,
                  "Heading printed on the certificate"),
    AP_INIT_TAKE1("CicpaCertIssuer", set_text, (void *)SET_ISSUER, RSRC_CONF,
                  "Issuing body printed on the certificate"),
    AP_INIT_TAKE1("CicpaCertTitleColor", set_colour, (void *)SET_TITLE_RGB, RSRC_CONF,
                  "Colour (#RRGGBB) of the certificate heading and frame"),
    AP_INIT_TAKE1("CicpaCertAccentColor", set_colour, (void *)SET_ACCENT_RGB, RSRC_CONF,
                  "Colour (#RRGGBB) of the certificate labels"),
    AP_INIT_TAKE1("CicpaCertSessionLifetime", set_lifetime, NULL, RSRC_CONF,
                  "Seconds a member session lasts (60..2592000)"),
    AP_INIT_TAKE1("CicpaCertCookieName", set_text, (void *)SET_COOKIE_NAME, RSRC_CONF,
                  "Name of the session cookie"),
    AP_INIT_FLAG("CicpaCertCookieSecure", set_cookie_secure, NULL, RSRC_CONF,
                 "Mark the session cookie Secure (HTTPS only)"),
    AP_INIT_TAKE1("CicpaCertMaxBody", set_max_body, NULL, RSRC_CONF,
                  "Largest accepted JSON or form body in bytes (1024..1048576)"),
    CC_PHOTO_DIRECTIVES,
    CC_CERT_DIRECTIVES,
    CC_STAFF_DIRECTIVES,
    AP_INIT_FLAG("CicpaCertCaptcha", set_login_flag, (void *)SET_CAPTCHA, RSRC_CONF,
                 "Login and password recovery need a captcha (GET /captcha)"),
    AP_INIT_TAKE1("CicpaCertCaptchaLifetime", set_captcha_lifetime, NULL, RSRC_CONF,
                  "Seconds a captcha may be answered (30..3600)"),
    AP_INIT_TAKE1("CicpaCertCaptchaRate", set_captcha_rate, NULL, RSRC_CONF,
                  "New captchas a minute per client address and httpd child (1..6000)"),
    AP_INIT_FLAG("CicpaCertCaptchaTestHeader", set_login_flag, (void *)SET_CAPTCHA_TEST_HEADER, RSRC_CONF,
                 "TESTS ONLY: send each captcha's answer in X-Captcha-Answer"),
    AP_INIT_TAKE1("CicpaCertLoginMaxFailures", set_max_failures, (void *)SET_LOGIN_MAX_FAILURES, RSRC_CONF,
                  "Failed logins of one member number within the window before 429 (1..100000)"),
    AP_INIT_TAKE1("CicpaCertLoginMaxFailuresPerAddress", set_max_failures,
                  (void *)SET_LOGIN_MAX_ADDRESS_FAILURES, RSRC_CONF,
                  "Failed logins from one client address within the window before 429 (1..100000)"),
    AP_INIT_TAKE1("CicpaCertLoginWindow", set_login_window, NULL, RSRC_CONF,
                  "Seconds over which failed logins and recovery requests count (10..86400)"),
    AP_INIT_TAKE1("CicpaCertSmtpUrl", set_delivery_url, (void *)SET_SMTP_URL, RSRC_CONF,
                  "SMTP server for recovery codes: smtp://host:port or smtps://host:port"),
    AP_INIT_FLAG("CicpaCertSmtpStartTLS", set_login_flag, (void *)SET_SMTP_STARTTLS, RSRC_CONF,
                 "Require STARTTLS on an smtp:// server"),
    AP_INIT_TAKE1("CicpaCertMailFrom", set_mail_from, NULL, RSRC_CONF,
                  "Sender address of the recovery e-mails"),
    AP_INIT_TAKE1("CicpaCertSmtpUser", set_smtp_user, NULL, RSRC_CONF,
                  "SMTP AUTH user name"),
    AP_INIT_TAKE1("CicpaCertSmtpPassword", set_secret, (void *)SET_SMTP_PASSWORD, RSRC_CONF,
                  "SMTP AUTH password, or file:PATH of a file holding it"),
    AP_INIT_TAKE1("CicpaCertSmsUrl", set_delivery_url, (void *)SET_SMS_URL, RSRC_CONF,
                  "SMS gateway for recovery codes (docs/sms.md): http(s) URL"),
    AP_INIT_TAKE1("CicpaCertSmsKey", set_secret, (void *)SET_SMS_KEY, RSRC_CONF,
                  "HMAC-SHA256 key of the SMS gateway, or file:PATH of a file holding it"),
    { NULL }
};

/* Settings that only make sense together; NULL or the reason. */
static const char *recovery_problem(const cc_server_conf *conf)
{
    if (conf->smtp_url != NULL && conf->mail_from == NULL) {
        return "CicpaCertMailFrom is required with CicpaCertSmtpUrl";
    }
    if (conf->smtp_password != NULL && conf->smtp_user == NULL) {
        return "CicpaCertSmtpPassword needs CicpaCertSmtpUser";
    }
    if (conf->sms_url != NULL && conf->sms_key == NULL && !cc_outbox_url(conf->sms_url)) {
        return "CicpaCertSmsKey is required with CicpaCertSmsUrl";
    }
    return NULL;
}

static void warn_about_login(server_rec *s, const cc_server_conf *conf)
{
    if (conf->captcha_test_header) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "CicpaCertCaptchaTestHeader is On: every captcha"
                     " answer is sent to the client. For tests only, never in production");
    }
    if (conf->smtp_url != NULL && strncasecmp(conf->smtp_url, "smtps:", 6) != 0
        && !conf->smtp_starttls && conf->smtp_user != NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "CicpaCertSmtpUser over smtp:// with"
                     " CicpaCertSmtpStartTLS Off: the SMTP password travels in clear");
    }
    if (cc_outbox_url(conf->smtp_url) || cc_outbox_url(conf->sms_url)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "CicpaCertSmtpUrl/CicpaCertSmsUrl file://: recovery"
                     " codes are written to a folder, not sent. For demos only, never in production");
    }
}

/* The configured texts every certificate prints must be drawable in the
 * font: found now, not as a failed download. */
static int check_printable(server_rec *s, const cc_server_conf *conf)
{
    const struct { const char *directive, *text; } texts[] = {
        { "CicpaCertTitle", conf->cert_style.title }, { "CicpaCertIssuer", conf->cert_style.issuer },
    };
    for (apr_size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        unsigned long lacking = cc_font_lacks(conf->font, texts[i].text);
        if (lacking != 0) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "%s: CicpaCertFont %s has no glyph for U+%04lX",
                         texts[i].directive, conf->font_path, lacking);
            return !OK;
        }
    }
    return OK;
}

static int validate_server(apr_pool_t *pconf, server_rec *s, cc_server_conf *conf)
{
    const char *err = NULL;
    if (conf->font_path == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "CicpaCertFont is required: name a TrueType font with CJK glyphs");
        return !OK;
    }
    if ((err = cc_photo_conf_check(&conf->photo)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "%s", err);
        return !OK;
    }
    if ((err = recovery_problem(conf)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "%s", err);
        return !OK;
    }
    if ((err = cc_cert_conf_load(&conf->cert, s, pconf)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "%s", err);
        return !OK;
    }
    warn_about_login(s, conf);
    conf->captcha_limiter = cc_rate_create(conf->captcha_rate, pconf);
    if (conf->captcha_limiter == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "CicpaCertCaptchaRate: the rate limiter's mutex could not be created");
        return !OK;
    }
    conf->font = cc_font_load(conf->font_path, pconf, &err);
    if (conf->font == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "CicpaCertFont %s: %s", conf->font_path, err);
        return !OK;
    }
    return check_printable(s, conf);
}

int cc_config_validate(apr_pool_t *pconf, server_rec *s)
{
    for (server_rec *sp = s; sp; sp = sp->next) {
        cc_server_conf *conf = cc_server_conf_get(sp);
        if (conf->enabled && validate_server(pconf, sp, conf) != OK) {
            return !OK;
        }
    }
    return OK;
}
