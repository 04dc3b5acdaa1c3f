#include "cc_config.h"
#include "cc_config_set.h"

/* Each directive's slot, written once in its entry below: a field of
 * cc_server_conf and what the setter accepts (cc_config_set.h). */
#define FIELD(field) APR_OFFSETOF(cc_server_conf, field)
#define SLOT(...) ((void *)&(const cc_slot){ __VA_ARGS__ })

#define CC_TEXT(name, field, dflt, help)                                                                     \
    AP_INIT_TAKE1(name, cc_set_text, SLOT(.offset = FIELD(field), .default_text = dflt), RSRC_CONF, help)
#define CC_PATH(name, field, why, help)                                                                      \
    AP_INIT_TAKE1(name, cc_set_path, SLOT(.offset = FIELD(field), .required = why), RSRC_CONF, help)
#define CC_NUMBER(name, field, dflt, lo, hi, help)                                                           \
    AP_INIT_TAKE1(name, cc_set_number,                                                                       \
                  SLOT(.offset = FIELD(field), .is_int = 1, .min = lo, .max = hi, .default_int = dflt),      \
                  RSRC_CONF, help " (" #lo ".." #hi ")")
#define CC_FLAG(name, field, dflt, help)                                                                     \
    AP_INIT_FLAG(name, cc_set_flag, SLOT(.offset = FIELD(field), .is_int = 1, .default_int = dflt),          \
                 RSRC_CONF, help)
#define CC_COLOUR(name, field, dflt, help)                                                                   \
    AP_INIT_TAKE1(name, cc_set_colour, SLOT(.offset = FIELD(field), .is_int = 1, .default_int = dflt),       \
                  RSRC_CONF, help)
#define CC_URL(name, field, url_scheme, help)                                                                \
    AP_INIT_TAKE1(name, cc_set_url, SLOT(.offset = FIELD(field), .scheme = url_scheme), RSRC_CONF, help)
#define CC_DELIVERY_URL(name, field, url_scheme, help)                                                       \
    AP_INIT_TAKE1(name, cc_set_delivery_url, SLOT(.offset = FIELD(field), .scheme = url_scheme), RSRC_CONF,  \
                  help)
#define CC_SECRET(name, field, least, help)                                                                  \
    AP_INIT_TAKE1(name, cc_set_secret, SLOT(.offset = FIELD(field), .min = least), RSRC_CONF, help)

const command_rec cc_directives[] = {
    CC_PATH("CicpaCertFont", font_path, "a TrueType font with CJK glyphs for the certificate PDF",
            "TrueType font file (with CJK glyphs) for the certificate PDF"),
    CC_TEXT("CicpaCertTitle", cert_style.title, "中国注册会计师协会会员证",
            "Heading printed on the certificate"),
    CC_TEXT("CicpaCertIssuer", cert_style.issuer, "中国注册会计师协会",
            "Issuing body printed on the certificate"),
    CC_COLOUR("CicpaCertTitleColor", cert_style.title_rgb, 0xA61B1B,
              "Colour (#RRGGBB) of the certificate heading and frame"),
    CC_COLOUR("CicpaCertAccentColor", cert_style.accent_rgb, 0x5A3E1B,
              "Colour (#RRGGBB) of the certificate labels"),
    CC_NUMBER("CicpaCertSessionLifetime", session_seconds, 7200, 60, 2592000,
              "Seconds a member session lasts"),
    CC_TEXT("CicpaCertCookieName", cookie_name, "cicpa_session", "Name of the session cookie"),
    CC_FLAG("CicpaCertCookieSecure", cookie_secure, 1, "Mark the session cookie Secure (HTTPS only)"),
    AP_INIT_ITERATE("CicpaCertAllowedOrigin", cc_set_origin,
                    SLOT(.offset = FIELD(allowed_origins), .is_list = 1), RSRC_CONF,
                    "Origins (scheme://host[:port]) of other sites whose pages may log in and post"),
    CC_NUMBER("CicpaCertMaxBody", max_body, 16384, 1024, 1048576,
              "Largest accepted JSON or form body in bytes"),
    CC_NUMBER("CicpaCertStaffSessionLifetime", staff.session_seconds, 1800, 60, 86400,
              "Seconds a staff session lasts"),
    /* The photo upload and the paid comparison. */
    CC_NUMBER("CicpaCertMaxUpload", photo.max_upload, 65536, 20480, 1048576,
              "Largest photo upload body in bytes"),
    CC_NUMBER("CicpaCertCompareAttempts", photo.compare_attempts, 1, 1, 10,
              "Paid photo comparisons each member may use"),
    CC_URL("CicpaCertFaceVerifierUrl", photo.verifier_url, "http",
           "http(s) URL of the FaceVerifier provider"),
    CC_SECRET("CicpaCertFaceVerifierKey", photo.verifier_key, 16,
              "HMAC-SHA256 key shared with the FaceVerifier provider (16+ characters), or file:PATH"),
    CC_NUMBER("CicpaCertFaceVerifierTimeout", photo.verifier_timeout, 10, 1, 120,
              "Seconds to wait for the provider per try"),
    CC_NUMBER("CicpaCertFaceVerifierTries", photo.verifier_tries, 2, 1, 5,
              "Tries per comparison on transport errors and 5xx"),
    CC_SECRET("CicpaCertFaceReferenceKey", photo.reference_key, 16,
              "HMAC-SHA256 key of the built-in reference provider (16+ characters), or file:PATH"),
    CC_NUMBER("CicpaCertFaceReferenceThreshold", photo.reference_threshold, 80, 1, 100,
              "Least similarity the reference provider calls a match"),
    /* The certificate's proof. */
    AP_INIT_TAKE1("CicpaCertVerifyUrl", cc_set_base_url,
                  SLOT(.offset = FIELD(cert.verify_url), .scheme = "http",
                       .required = "the base URL of the public verification page, printed in every"
                                   " certificate's QR code (e.g. https://cert.example.org/cert/verify/)"),
                  RSRC_CONF,
                  "Base URL of the verification page, printed in the QR code with the certificate id"),
    CC_PATH("CicpaCertQrKey", cert.qr_key_path,
            "the Ed25519 private key that signs the QR code (openssl genpkey -algorithm ed25519)",
            "Ed25519 private key (PEM) that signs the QR code's claim"),
    AP_INIT_ITERATE("CicpaCertQrOldKey", cc_set_old_key,
                    SLOT(.offset = FIELD(cert.old_key_paths), .is_list = 1), RSRC_CONF,
                    "Public keys (PEM) of former QR signing keys, still published and accepted"),
    CC_PATH("CicpaCertSigningCert", cert.signing_cert_path,
            "the certificate (PEM, then its chain) that signs every certificate PDF",
            "Certificate (PEM, then its chain) that signs the PDF"),
    CC_PATH("CicpaCertSigningKey", cert.signing_key_path, "the private key of CicpaCertSigningCert",
            "Private key (PEM) of CicpaCertSigningCert"),
    AP_INIT_TAKE2("CicpaCertSeal", cc_set_seal, SLOT(.offset = FIELD(cert.seal_paths), .is_list = 1),
                  RSRC_CONF, "Institute code and the PNG of its seal (with transparency)"),
    CC_NUMBER("CicpaCertValidityDays", cert.validity_days, 0, 0, 36500,
              "Days a certificate is valid from its issue (0: no end)"),
    CC_NUMBER("CicpaCertVerifyRate", cert.verify_rate, 30, 1, 6000,
              "Verification requests a minute per client address (over all children and nodes)"),
    CC_FLAG("CicpaCertVerifyPhoto", cert.verify_photo, 0,
            "Show the certificate's photo on the verification page"),
    /* Login hardening and password recovery. */
    CC_FLAG("CicpaCertCaptcha", captcha, 1, "Login and password recovery need a captcha (GET /captcha)"),
    CC_NUMBER("CicpaCertCaptchaLifetime", captcha_lifetime, 300, 30, 3600,
              "Seconds a captcha may be answered"),
    CC_NUMBER("CicpaCertCaptchaRate", captcha_rate, 30, 1, 6000,
              "New captchas a minute per client address (over all children and nodes)"),
    CC_FLAG("CicpaCertCaptchaTestHeader", captcha_test_header, 0,
            "TESTS ONLY: send each captcha's answer in X-Captcha-Answer"),
    CC_NUMBER("CicpaCertLoginMaxFailures", login_max_failures, 5, 1, 100000,
              "Failed logins of one member number within the window before 429"),
    CC_NUMBER("CicpaCertLoginMaxFailuresPerAddress", login_max_address_failures, 20, 1, 100000,
              "Failed logins from one client address within the window before 429"),
    /* Up to a day: cc_throttle.c keeps its events that long. */
    CC_NUMBER("CicpaCertLoginWindow", login_window, 900, 10, 86400,
              "Seconds over which failed logins and recovery requests count"),
    CC_DELIVERY_URL("CicpaCertSmtpUrl", smtp_url, "smtp",
                    "SMTP server for recovery codes: smtp://host:port or smtps://host:port;"
                    " file:///FOLDER: a demo's outbox"),
    CC_FLAG("CicpaCertSmtpStartTLS", smtp_starttls, 1, "Require STARTTLS on an smtp:// server"),
    AP_INIT_TAKE1("CicpaCertMailFrom", cc_set_address, SLOT(.offset = FIELD(mail_from)), RSRC_CONF,
                  "Sender address of the recovery e-mails"),
    CC_TEXT("CicpaCertSmtpUser", smtp_user, NULL, "SMTP AUTH user name"),
    CC_SECRET("CicpaCertSmtpPassword", smtp_password, 1,
              "SMTP AUTH password, or file:PATH of a file holding it"),
    CC_DELIVERY_URL(
        "CicpaCertSmsUrl", sms_url, "http",
        "SMS gateway for recovery codes (docs/sms.md): http(s) URL; file:///FOLDER: a demo's outbox"),
    CC_SECRET("CicpaCertSmsKey", sms_key, 1,
              "HMAC-SHA256 key of the SMS gateway, or file:PATH of a file holding it"),
    /* Per directory: who the requester is (cc_config_dir.c). Not in
     * .htaccess: cc_config_identity.c checks every use at configtest. */
    AP_INIT_TAKE1("CicpaCertIdentity", cc_set_identity,
                  SLOT(.per_dir = 1, .offset = APR_OFFSETOF(cc_dir_conf, identity)), ACCESS_CONF | RSRC_CONF,
                  "module (own login) or httpd (the member is the user httpd authenticated: needs AuthType"
                  " and Require in the same section)"),
    AP_INIT_TAKE1("CicpaCertIdentityUser", cc_set_identity_user,
                  SLOT(.per_dir = 1, .offset = APR_OFFSETOF(cc_dir_conf, member_from)),
                  ACCESS_CONF | RSRC_CONF,
                  "Member number in httpd mode: user (the authenticated user), env:NAME or note:NAME"),
    AP_INIT_TAKE1("CicpaCertStaffIdentity", cc_set_identity,
                  SLOT(.per_dir = 1, .offset = APR_OFFSETOF(cc_dir_conf, staff_identity)),
                  ACCESS_CONF | RSRC_CONF,
                  "module (staff login) or httpd (the staff account is the user httpd authenticated)"),
    { NULL }
};

/* The slot of a directive table entry with one value (an int or a text);
 * NULL for the list-valued ones, which cc_server_conf_merge merges itself,
 * and the per-directory ones (cc_config_dir.c). */
static const cc_slot *slot_at(const command_rec *cmd)
{
    const cc_slot *slot = cmd->cmd_data;
    return slot->is_list || slot->per_dir ? NULL : slot;
}

static int *int_field(cc_server_conf *conf, const cc_slot *slot)
{
    return (int *)((char *)conf + slot->offset);
}

static const char **text_field(cc_server_conf *conf, const cc_slot *slot)
{
    return (const char **)((char *)conf + slot->offset);
}

void *cc_server_conf_create(apr_pool_t *p, server_rec *s)
{
    cc_server_conf *conf = apr_pcalloc(p, sizeof(*conf));
    for (const command_rec *cmd = cc_directives; cmd->name; cmd++) {
        const cc_slot *slot = slot_at(cmd);
        if (slot && slot->is_int) {
            *int_field(conf, slot) = CC_UNSET;
        }
    }
    conf->cert.seal_paths = apr_hash_make(p);
    return conf;
}

void *cc_server_conf_merge(apr_pool_t *p, void *base_v, void *add_v)
{
    cc_server_conf *add = add_v;
    cc_server_conf *conf = apr_pmemdup(p, base_v, sizeof(*conf));
    for (const command_rec *cmd = cc_directives; cmd->name; cmd++) {
        const cc_slot *slot = slot_at(cmd);
        if (slot && slot->is_int && *int_field(add, slot) != CC_UNSET) {
            *int_field(conf, slot) = *int_field(add, slot);
        } else if (slot && !slot->is_int && *text_field(add, slot) != NULL) {
            *text_field(conf, slot) = *text_field(add, slot);
        }
    }
    if (add->allowed_origins != NULL) {
        conf->allowed_origins = add->allowed_origins;
    }
    if (add->cert.old_key_paths != NULL) {
        conf->cert.old_key_paths = add->cert.old_key_paths;
    }
    /* A virtual host's seals add to (or replace, per institute) the main server's. */
    conf->cert.seal_paths = apr_hash_overlay(p, add->cert.seal_paths, conf->cert.seal_paths);
    return conf;
}

void cc_config_apply_defaults(cc_server_conf *conf)
{
    for (const command_rec *cmd = cc_directives; cmd->name; cmd++) {
        const cc_slot *slot = slot_at(cmd);
        if (slot && slot->is_int && *int_field(conf, slot) == CC_UNSET) {
            *int_field(conf, slot) = slot->default_int;
        } else if (slot && !slot->is_int && *text_field(conf, slot) == NULL) {
            *text_field(conf, slot) = slot->default_text;
        }
    }
    conf->session_lifetime = apr_time_from_sec(conf->session_seconds);
    conf->staff.session_lifetime = apr_time_from_sec(conf->staff.session_seconds);
}

cc_server_conf *cc_server_conf_get(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &cicpa_cert_module);
}

int cc_config_check_required(server_rec *s, const char *server_name, cc_server_conf *conf)
{
    int missing = 0;
    for (const command_rec *cmd = cc_directives; cmd->name; cmd++) {
        const cc_slot *slot = slot_at(cmd);
        if (slot && slot->required && *text_field(conf, slot) == NULL) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         CCLOGNO(00003) "%s is required in %s, which mounts"
                                        " mod_cicpa_cert: %s",
                         cmd->name, server_name, slot->required);
            missing++;
        }
    }
    return missing ? !OK : OK;
}
