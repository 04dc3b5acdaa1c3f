#include <ctype.h>

#include "cc_config.h"

enum {
    SET_FONT = 1 << 0,
    SET_TITLE = 1 << 1,
    SET_ISSUER = 1 << 2,
    SET_TITLE_RGB = 1 << 3,
    SET_ACCENT_RGB = 1 << 4,
    SET_LIFETIME = 1 << 5,
    SET_COOKIE_NAME = 1 << 6,
    SET_COOKIE_SECURE = 1 << 7,
    SET_MAX_BODY = 1 << 8
};

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
    cc_photo_conf_init(&conf->photo);
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
    cc_photo_conf_merge(&conf->photo, &add->photo);
    conf->font = NULL;
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

/* A whole number within [min, max]; NULL or an error naming the directive. */
static const char *parse_bounded(cmd_parms *cmd, const char *arg, apr_int64_t min,
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
    const char *err = parse_bounded(cmd, arg, 60, 30 * 24 * 3600, &secs);
    if (err == NULL) {
        conf_for(cmd, SET_LIFETIME)->session_lifetime = apr_time_from_sec(secs);
    }
    return err;
}

static const char *set_max_body(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_int64_t bytes;
    const char *err = parse_bounded(cmd, arg, 1024, 1024 * 1024, &bytes);
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
    { NULL }
};

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
    conf->font = cc_font_load(conf->font_path, pconf, &err);
    if (conf->font == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     "CicpaCertFont %s: %s", conf->font_path, err);
        return !OK;
    }
    return OK;
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
