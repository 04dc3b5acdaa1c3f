/* Directive setters by kind of value: each stores into the field of the
 * server's cc_server_conf that its slot (cmd->info) names, as mod_authn_dbd's
 * ap_set_*_slot do for per-directory fields, after checking the value. They
 * know the settings only by offset, so this file does not need cc_config.h. */
#ifndef CC_CONFIG_SET_H
#define CC_CONFIG_SET_H

#include "cc_module.h"

/* A directive's field and what it accepts; one per entry of cc_directives[]. */
typedef struct cc_slot {
    apr_size_t offset;        /* of the field in cc_server_conf */
    int is_int;               /* the field is an int (else a const char *) */
    int is_list;              /* an array or hash, merged by cc_config.c itself */
    int per_dir;              /* a field of cc_dir_conf (cc_config_dir.c), not cc_server_conf */
    int min, max;             /* numbers: accepted range; texts: least length (min) */
    int default_int;          /* ints: the value when no directive set it */
    const char *default_text; /* texts: the value when no directive set it (NULL: none) */
    const char *required;     /* NULL, or what a server that mounts the module needs it for */
    const char *scheme;       /* URLs: "http" or "smtp" (their "s" forms too) */
} cc_slot;

const char *cc_set_text(cmd_parms *cmd, void *dc, const char *arg);         /* non-empty text */
const char *cc_set_path(cmd_parms *cmd, void *dc, const char *arg);         /* ServerRoot-relative file */
const char *cc_set_number(cmd_parms *cmd, void *dc, const char *arg);       /* whole number in [min, max] */
const char *cc_set_flag(cmd_parms *cmd, void *dc, int flag);                /* On/Off */
const char *cc_set_colour(cmd_parms *cmd, void *dc, const char *arg);       /* #RRGGBB */
const char *cc_set_url(cmd_parms *cmd, void *dc, const char *arg);          /* scheme:// with a host */
const char *cc_set_delivery_url(cmd_parms *cmd, void *dc, const char *arg); /* cc_set_url or file:/// */
const char *cc_set_base_url(cmd_parms *cmd, void *dc, const char *arg);     /* http(s) URL ending in '/' */
const char *cc_set_secret(cmd_parms *cmd, void *dc, const char *arg);       /* text or file:PATH, min chars */
const char *cc_set_address(cmd_parms *cmd, void *dc, const char *arg);      /* plain e-mail address */
const char *cc_set_origin(cmd_parms *cmd, void *dc, const char *arg);   /* CicpaCertAllowedOrigin (a list) */
const char *cc_set_old_key(cmd_parms *cmd, void *dc, const char *arg);  /* CicpaCertQrOldKey (a list) */
const char *cc_set_identity(cmd_parms *cmd, void *dc, const char *arg); /* module|httpd, per dir */
const char *cc_set_identity_user(cmd_parms *cmd, void *dc, const char *arg); /* user|env:NAME|note:NAME */
const char *cc_set_seal(cmd_parms *cmd, void *dc, const char *code, const char *path); /* CicpaCertSeal */

#endif
