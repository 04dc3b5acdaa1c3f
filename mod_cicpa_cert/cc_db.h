/* Member data through mod_dbd: statements prepared at startup by label. */
#ifndef CC_DB_H
#define CC_DB_H

#include "cc_module.h"

/* A statement the module runs, prepared by mod_dbd under its label.
 * Parameters are %s strings as mod_dbd binds them; numbers are written
 * CAST(%s AS BIGINT) so sqlite3 and pgsql compare integers alike. Each
 * feature file owns a table of them, ended by { NULL, NULL }. */
typedef struct cc_statement {
    const char *label;  /* mod_dbd label, prefixed cc_ */
    const char *sql;    /* the query */
} cc_statement;

extern const cc_statement cc_session_statements[];  /* cc_session.c */
extern const cc_statement cc_member_statements[];   /* cc_member.c */
extern const cc_statement cc_audit_statements[];    /* cc_audit.c */
extern const cc_statement cc_login_statements[];    /* cc_api_login.c */
extern const cc_statement cc_captcha_statements[];  /* cc_api_captcha.c */
extern const cc_statement cc_throttle_statements[]; /* cc_throttle.c */
extern const cc_statement cc_password_statements[]; /* cc_api_password.c */
extern const cc_statement cc_photo_statements[];    /* cc_api_me.c */
extern const cc_statement cc_upload_statements[];   /* cc_api_photo.c */
extern const cc_statement cc_reference_statements[]; /* cc_face_reference.c */
extern const cc_statement cc_profile_statements[];  /* cc_api_profile.c */
extern const cc_statement cc_certificate_statements[]; /* cc_certificate.c */
extern const cc_statement cc_admin_statements[];        /* cc_admin.c */
extern const cc_statement cc_staff_session_statements[]; /* cc_admin_session.c */
extern const cc_statement cc_staff_login_statements[];  /* cc_admin_login.c */
extern const cc_statement cc_review_statements[];       /* cc_admin_review.c */
extern const cc_statement cc_admin_member_statements[]; /* cc_admin_members.c */
extern const cc_statement cc_admin_institute_statements[]; /* cc_admin_institutes.c */
extern const cc_statement cc_admin_audit_statements[];  /* cc_admin_audit.c */

/* Registers every statement of the module with mod_dbd for server s
 * (must run before mod_dbd's post_config, which prepares them). */
void cc_db_register_statements(server_rec *s);

/* 1 when mod_dbd is loaded (its optional functions exist). */
int cc_db_available(void);

/* A connection from mod_dbd's pool, released with the request; NULL (and
 * logged) when the database cannot be reached. */
ap_dbd_t *cc_db_acquire(request_rec *r);

/* Runs the SELECT labelled label with nargs string arguments. Returns the
 * rows, each a const char ** of the statement's columns (NULL for SQL NULL),
 * or NULL on a database error (logged without the arguments). */
apr_array_header_t *cc_db_select(request_rec *r, ap_dbd_t *dbd, const char *label,
                                 int nargs, const char **args);

/* Runs the SELECT labelled label whose first column is a base64 JPEG (how
 * photos are stored). Returns OK with the decoded bytes, HTTP_NOT_FOUND when
 * there is no row, or HTTP_SERVICE_UNAVAILABLE on a database error or a
 * value that is not base64. */
int cc_db_select_jpeg(request_rec *r, ap_dbd_t *dbd, const char *label, int nargs,
                      const char **args, unsigned char **jpeg, apr_size_t *len);

/* Runs the INSERT/UPDATE/DELETE labelled label. Returns the number of rows
 * changed, or -1 on a database error (logged without the arguments). */
int cc_db_exec(request_rec *r, ap_dbd_t *dbd, const char *label,
               int nargs, const char **args);

/* Runs work(r, dbd, arg) inside one transaction: committed when it returns
 * 0, rolled back otherwise (or when the commit fails). Returns 0 when
 * committed, -1 otherwise (database errors are logged). */
typedef int cc_db_work_fn(request_rec *r, ap_dbd_t *dbd, void *arg);
int cc_db_transaction(request_rec *r, ap_dbd_t *dbd, cc_db_work_fn *work, void *arg);

/* After a failed statement or transaction on dbd: replaces dbd's handle
 * with a fresh one when the database can be opened again (a connection that
 * failed in a way a fresh one would not), at most once per request
 * (cc_db_heal.c). Not inside a transaction. */
void cc_db_heal(request_rec *r, ap_dbd_t *dbd);

/* Reopens dbd, just acquired, when a heal in this child came after it was
 * opened (cc_db_heal.c). */
void cc_db_refresh(request_rec *r, ap_dbd_t *dbd);

/* Unix seconds now, as the decimal string the statements bind. */
const char *cc_db_now(request_rec *r);

/* n as the decimal string the statements bind (CAST(%s AS BIGINT)). */
const char *cc_db_int(request_rec *r, apr_int64_t n);

#endif
