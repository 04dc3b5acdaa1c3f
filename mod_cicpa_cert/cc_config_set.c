#include <ctype.h>

#include <apr_lib.h>
#include <apr_uri.h>

#include "cc_config_set.h"
#include "cc_mail.h"
#include "cc_outbox.h"

/* The largest secret read from a file:PATH value. */
#define MAX_SECRET 4096

static const cc_slot *slot_of(cmd_parms *cmd)
{
    return cmd->info;
}

static void *field_of(cmd_parms *cmd)
{
    return (char *)ap_get_module_config(cmd->server->module_config, &cicpa_cert_module)
           + slot_of(cmd)->offset;
}

static const char *store_text(cmd_parms *cmd, const char *value)
{
    *(const char **)field_of(cmd) = value;
    return NULL;
}

static const char *refuse(cmd_parms *cmd, const char *what, const char *arg)
{
    return apr_psprintf(cmd->pool, "%s takes %s, not '%s'", cmd->directive->directive, what, arg);
}

const char *cc_set_text(cmd_parms *cmd, void *dc, const char *arg)
{
    if (*arg == '\0') {
        return apr_psprintf(cmd->pool, "%s must not be empty", cmd->directive->directive);
    }
    return store_text(cmd, arg);
}

const char *cc_set_path(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *path = ap_server_root_relative(cmd->pool, arg);
    return path ? store_text(cmd, path) : refuse(cmd, "a file name", arg);
}

const char *cc_set_number(cmd_parms *cmd, void *dc, const char *arg)
{
    const cc_slot *slot = slot_of(cmd);
    char *end = NULL;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);
    if (end == arg || *end != '\0' || v < slot->min || v > slot->max) {
        return apr_psprintf(cmd->pool, "%s takes a whole number from %d to %d, not '%s'",
                            cmd->directive->directive, slot->min, slot->max, arg);
    }
    *(int *)field_of(cmd) = (int)v;
    return NULL;
}

const char *cc_set_flag(cmd_parms *cmd, void *dc, int flag)
{
    *(int *)field_of(cmd) = flag;
    return NULL;
}

const char *cc_set_colour(cmd_parms *cmd, void *dc, const char *arg)
{
    int ok = arg[0] == '#' && strlen(arg) == 7;
    for (int i = 1; ok && i < 7; i++) {
        ok = isxdigit((unsigned char)arg[i]);
    }
    if (!ok) {
        return refuse(cmd, "a colour as #RRGGBB", arg);
    }
    *(int *)field_of(cmd) = (int)strtol(arg + 1, NULL, 16);
    return NULL;
}

/* NULL when arg is a scheme:// (or schemes://) URL with a host and no
 * credentials; otherwise the reason. */
static const char *url_problem(cmd_parms *cmd, const char *arg, apr_uri_t *uri)
{
    const char *scheme = slot_of(cmd)->scheme;
    apr_size_t n = strlen(scheme);
    if (apr_uri_parse(cmd->pool, arg, uri) != APR_SUCCESS || uri->scheme == NULL
        || strncasecmp(uri->scheme, scheme, n) != 0
        || (uri->scheme[n] != '\0' && strcasecmp(uri->scheme + n, "s") != 0) || uri->hostname == NULL
        || *uri->hostname == '\0') {
        return refuse(cmd, apr_psprintf(cmd->pool, "a %s:// or %ss:// URL with a host", scheme, scheme), arg);
    }
    if (uri->user != NULL || uri->password != NULL) {
        return apr_psprintf(cmd->pool,
                            "%s: put no credentials in the URL (they have directives"
                            " of their own; error messages may quote a URL)",
                            cmd->directive->directive);
    }
    return NULL;
}

const char *cc_set_url(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_uri_t uri;
    const char *err = url_problem(cmd, arg, &uri);
    return err ? err : store_text(cmd, arg);
}

/* Recovery messages: the slot's scheme, or file:///FOLDER, a demo's outbox. */
const char *cc_set_delivery_url(cmd_parms *cmd, void *dc, const char *arg)
{
    if (cc_outbox_url(arg)) {
        const char *err = cc_outbox_problem(cmd->directive->directive, arg, cmd->pool);
        return err ? err : store_text(cmd, arg);
    }
    return cc_set_url(cmd, dc, arg);
}

const char *cc_set_base_url(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_uri_t uri;
    apr_size_t n = strlen(arg);
    const char *err = url_problem(cmd, arg, &uri);
    if (err != NULL) {
        return err;
    }
    if (uri.query != NULL || uri.fragment != NULL || n == 0 || arg[n - 1] != '/') {
        return apr_psprintf(cmd->pool,
                            "%s takes an http(s) URL ending with '/' (the certificate id"
                            " follows it), not '%s'",
                            cmd->directive->directive, arg);
    }
    return store_text(cmd, arg);
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

/* Keys and passwords: the secret itself, or file:PATH to keep it out of the
 * configuration. The value is never quoted in a message. */
const char *cc_set_secret(cmd_parms *cmd, void *dc, const char *arg)
{
    int least = slot_of(cmd)->min;
    const char *err = NULL;
    const char *secret = strncmp(arg, "file:", 5) == 0 ? read_secret_file(cmd, arg + 5, &err) : arg;
    if (err != NULL) {
        return err;
    }
    if (strlen(secret) < (apr_size_t)least) {
        return least > 1 ? apr_psprintf(cmd->pool, "%s must be at least %d characters long",
                                        cmd->directive->directive, least)
                         : apr_psprintf(cmd->pool, "%s must not be empty", cmd->directive->directive);
    }
    return store_text(cmd, secret);
}

const char *cc_set_address(cmd_parms *cmd, void *dc, const char *arg)
{
    return cc_mail_address_ok(arg) ? store_text(cmd, arg)
                                   : refuse(cmd, "a plain address such as noreply@example.org", arg);
}

/* An origin as browsers send it: scheme, host and port only (no path, no
 * trailing slash), compared as written, case aside. */
const char *cc_set_origin(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_array_header_t **origins = field_of(cmd);
    apr_uri_t uri;
    if (apr_uri_parse(cmd->pool, arg, &uri) != APR_SUCCESS || uri.hostname == NULL || uri.scheme == NULL
        || (strcasecmp(uri.scheme, "http") != 0 && strcasecmp(uri.scheme, "https") != 0) || uri.path != NULL
        || uri.query != NULL || uri.fragment != NULL || uri.user != NULL) {
        return refuse(cmd, "an origin such as https://portal.example.org", arg);
    }
    if (*origins == NULL) {
        *origins = apr_array_make(cmd->pool, 2, sizeof(const char *));
    }
    APR_ARRAY_PUSH(*origins, const char *) = arg;
    return NULL;
}

const char *cc_set_old_key(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_array_header_t **paths = field_of(cmd);
    const char *path = ap_server_root_relative(cmd->pool, arg);
    if (path == NULL) {
        return refuse(cmd, "a file name", arg);
    }
    if (*paths == NULL) {
        *paths = apr_array_make(cmd->pool, 2, sizeof(const char *));
    }
    APR_ARRAY_PUSH(*paths, const char *) = path;
    return NULL;
}

const char *cc_set_seal(cmd_parms *cmd, void *dc, const char *code, const char *path)
{
    apr_hash_t *seals = *(apr_hash_t **)field_of(cmd);
    const char *full = ap_server_root_relative(cmd->pool, path);
    if (strlen(code) != 2 || !apr_isdigit(code[0]) || !apr_isdigit(code[1]) || full == NULL) {
        return apr_psprintf(cmd->pool,
                            "%s takes a two-digit institute code ('00' national,"
                            " '11' Beijing, ...) and a PNG file, not '%s'",
                            cmd->directive->directive, code);
    }
    apr_hash_set(seals, code, 2, full);
    return NULL;
}

/* The per-directory field of the slot, in the section's record dc. */
static void *dir_field_of(cmd_parms *cmd, void *dc)
{
    return (char *)dc + slot_of(cmd)->offset;
}

const char *cc_set_identity(cmd_parms *cmd, void *dc, const char *arg)
{
    /* The values of cc_identity_mode (cc_config.h). */
    static const char *const modes[] = { "module", "httpd" };
    for (int i = 0; i < 2; i++) {
        if (strcasecmp(arg, modes[i]) == 0) {
            *(int *)dir_field_of(cmd, dc) = i;
            return NULL;
        }
    }
    return refuse(cmd, "module or httpd", arg);
}

const char *cc_set_identity_user(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *name = strchr(arg, ':');
    int named =
        name != NULL && name[1] != '\0' && (strncmp(arg, "env:", 4) == 0 || strncmp(arg, "note:", 5) == 0);
    if (strcmp(arg, "user") != 0 && !named) {
        return refuse(cmd, "user, env:NAME or note:NAME", arg);
    }
    *(const char **)dir_field_of(cmd, dc) = arg;
    return NULL;
}
