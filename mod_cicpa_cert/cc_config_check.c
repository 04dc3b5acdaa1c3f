/* The check_config and post_config parts of the settings: whatever a start
 * refuses, `apache2 -t` refuses too, since both run check_config. */
#include "cc_config.h"
#include "cc_db.h"
#include "cc_services.h"
#include "cc_mounts.h"
#include "cc_outbox.h"

/* The servers that mount the module, read by this generation's check. */
static cc_mounts *mounts;

int cc_config_mounted(const server_rec *s)
{
    return mounts != NULL && cc_mounts_handler(mounts, s) != NULL;
}

/* mod_dbd's settings of s: the first member of its private per-server record
 * is the public dbd_cfg_t (mod_dbd.h), as in every httpd 2.4. NULL when no
 * server has a mod_dbd directive. */
static const dbd_cfg_t *dbd_settings(const server_rec *s, const module *dbd)
{
    void *svr = ap_get_module_config(s->module_config, dbd);
    return svr ? *(dbd_cfg_t **)svr : NULL;
}

/* NULL when s has a database: mod_dbd loaded, DBDriver (whose driver mod_dbd
 * loads as it reads the directive) and DBDParams. Otherwise the reason. */
static const char *database_problem(apr_pool_t *ptemp, const server_rec *s)
{
    const module *dbd = ap_find_linked_module("mod_dbd.c");
    if (dbd == NULL || !cc_db_available()) {
        return "mod_cicpa_cert needs mod_dbd: add LoadModule dbd_module and DBDriver/DBDParams";
    }
    const dbd_cfg_t *cfg = dbd_settings(s, dbd);
    /* mod_dbd's name for an unset driver is "[DBDriver unset]". */
    if (cfg == NULL || cfg->name == NULL || cfg->name[0] == '[') {
        return "no database: set DBDriver (sqlite3 or pgsql) and DBDParams for it (mod_dbd)";
    }
    if (cfg->params == NULL || *cfg->params == '\0') {
        return apr_psprintf(ptemp, "DBDParams is empty: say which %s database to open", cfg->name);
    }
    return NULL;
}

/* Statements go to each distinct mod_dbd configuration once: servers
 * without DBD directives of their own share the main server's, and a
 * second registration of a label is mod_dbd's warning AH02653. */
static void register_statements(apr_hash_t *done, server_rec *s)
{
    const dbd_cfg_t *cfg = dbd_settings(s, ap_find_linked_module("mod_dbd.c"));
    if (apr_hash_get(done, &cfg, sizeof(cfg)) == NULL) {
        apr_hash_set(done, apr_pmemdup(apr_hash_pool_get(done), &cfg, sizeof(cfg)), sizeof(cfg), s);
        cc_db_register_statements(s, cc_service_statements);
    }
}

/* Settings that only make sense together; NULL or the reason. */
static const char *pairing_problem(const cc_server_conf *conf)
{
    if ((conf->photo.verifier_url == NULL) != (conf->photo.verifier_key == NULL)) {
        return "CicpaCertFaceVerifierUrl and CicpaCertFaceVerifierKey go together: set both or neither";
    }
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

/* The texts every certificate prints must be drawable in the font: found
 * now, not as a failed download. NULL or the reason. */
static const char *unprintable_setting(apr_pool_t *p, const cc_server_conf *conf)
{
    const struct {
        const char *directive, *text;
    } texts[] = {
        { "CicpaCertTitle", conf->cert_style.title },
        { "CicpaCertIssuer", conf->cert_style.issuer },
    };
    for (apr_size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        unsigned long lacking = cc_font_lacks(conf->font, texts[i].text);
        if (lacking != 0) {
            return apr_psprintf(p, "%s: CicpaCertFont %s has no glyph for U+%04lX", texts[i].directive,
                                conf->font_path, lacking);
        }
    }
    return NULL;
}

/* Loads the font and the proof's files once per settings record (servers
 * may share one); NULL or the reason. */
static const char *load_files(apr_pool_t *pconf, cc_server_conf *conf)
{
    const char *err = NULL;
    if (conf->font == NULL) {
        conf->font = cc_font_load(conf->font_path, pconf, &err);
        if (conf->font == NULL) {
            return apr_psprintf(pconf, "CicpaCertFont %s: %s", conf->font_path, err);
        }
    }
    if (conf->cert.signer == NULL) {
        if (conf->cert.old_key_paths == NULL) {
            conf->cert.old_key_paths = apr_array_make(pconf, 1, sizeof(const char *));
        }
        if ((err = cc_proof_conf_load(&conf->cert, pconf)) != NULL) {
            return err;
        }
    }
    return unprintable_setting(pconf, conf);
}

static void warn(server_rec *s, const char *name, const char *text)
{
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, CCLOGNO(00004) "%s: %s", name, text);
}

static void warn_about_settings(server_rec *s, const char *name, const cc_server_conf *conf)
{
    if (conf->captcha_test_header) {
        warn(s, name,
             "CicpaCertCaptchaTestHeader is On: every captcha answer is sent to the"
             " client. For tests only, never in production");
    }
    if (conf->smtp_url != NULL && strncasecmp(conf->smtp_url, "smtps:", 6) != 0 && !conf->smtp_starttls
        && conf->smtp_user != NULL) {
        warn(s, name,
             "CicpaCertSmtpUser over smtp:// with CicpaCertSmtpStartTLS Off: the SMTP"
             " password travels in clear");
    }
    if (cc_outbox_url(conf->smtp_url) || cc_outbox_url(conf->sms_url)) {
        warn(s, name,
             "CicpaCertSmtpUrl/CicpaCertSmsUrl file://: recovery codes are written to a"
             " folder, not sent. For demos only, never in production");
    }
    if (conf->cookie_secure && !cc_mounts_tls(mounts, s)) {
        warn(s, name,
             "CicpaCertCookieSecure is On but this server has no SSLEngine on: browsers"
             " send the session cookie only over HTTPS, so logins here will not stick unless a"
             " proxy in front terminates TLS");
    }
}

/* Logs every problem of one mounting server; OK when there is none. */
static int check_server(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s, apr_hash_t *registered)
{
    cc_server_conf *conf = cc_server_conf_get(s);
    const char *name = cc_server_name(ptemp, s), *err;
    int status = cc_config_check_required(s, name, conf);
    if ((err = database_problem(ptemp, s)) != NULL || (err = pairing_problem(conf)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, CCLOGNO(00005) "%s: %s", name, err);
        return !OK;
    }
    if (status != OK) {
        return status;
    }
    if ((err = load_files(pconf, conf)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, CCLOGNO(00006) "%s: %s", name, err);
        return !OK;
    }
    register_statements(registered, s);
    return OK;
}

int cc_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *registered = apr_hash_make(ptemp);
    int status = cc_config_check_identity(ptemp, s);
    mounts = cc_mounts_read(pconf);
    for (server_rec *sp = s; sp; sp = sp->next) {
        cc_config_apply_defaults(cc_server_conf_get(sp));
        if (cc_config_mounted(sp) && check_server(pconf, ptemp, sp, registered) != OK) {
            status = !OK;
        }
    }
    return status;
}

void cc_config_warn(apr_pool_t *pconf, server_rec *s)
{
    for (server_rec *sp = s; sp; sp = sp->next) {
        if (cc_config_mounted(sp)) {
            warn_about_settings(sp, cc_server_name(pconf, sp), cc_server_conf_get(sp));
        }
    }
}

int cc_config_start(apr_pool_t *pconf, server_rec *s)
{
    cc_config_warn(pconf, s);
    for (server_rec *sp = s; sp; sp = sp->next) {
        cc_server_conf *conf = cc_server_conf_get(sp);
        if (!cc_config_mounted(sp)) {
            continue;
        }
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, sp, CCLOGNO(00008) "%s: certificates: %s",
                     cc_server_name(pconf, sp), cc_proof_conf_summary(&conf->cert, pconf));
    }
    return OK;
}
