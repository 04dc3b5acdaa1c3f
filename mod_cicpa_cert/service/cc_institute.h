/* The institutes (the national one and the provincial ones): their names
 * and the consultation phone numbers members are shown. Owns table
 * institutes. */
#ifndef CC_INSTITUTE_H
#define CC_INSTITUTE_H

#include "cc_db.h"
#include "cc_result.h"

extern const cc_statement cc_institute_statements[];

typedef struct cc_institute {
    const char *code;  /* GB/T 2260 province code, '00' national */
    const char *name;  /* e.g. 北京注册会计师协会 */
    const char *phone; /* consultation phone number */
} cc_institute;

/* The institute with code; *out is NULL when there is none. CC_DONE or
 * CC_INTERNAL. */
cc_result cc_institute_find(request_rec *r, ap_dbd_t *dbd, const char *code, cc_institute **out);

/* The institutes (cc_institute) in their order: every one when scope is
 * CC_NATIONAL_INSTITUTE or NULL, else only scope's. CC_DONE or
 * CC_DB_UNAVAILABLE. */
cc_result cc_institute_list(request_rec *r, ap_dbd_t *dbd, const char *scope, apr_array_header_t **out);

/* Sets the phone of institute code (in scope, as cc_institute_list) and
 * audits it by actor; *stored is the institute as saved. CC_DONE,
 * CC_NOT_FOUND or CC_DB_UNAVAILABLE. */
cc_result cc_institute_set_phone(request_rec *r, ap_dbd_t *dbd, const char *actor, const char *scope,
                                 const char *code, const char *phone, cc_institute **stored);

#endif
