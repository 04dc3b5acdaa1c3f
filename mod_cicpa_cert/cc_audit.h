/* The audit trail: who did what to which member, when and from where. */
#ifndef CC_AUDIT_H
#define CC_AUDIT_H

#include "cc_module.h"

/* Appends an audit row; actor is "member:<no>" or "staff:<login>". detail
 * must never hold a password, code or full ID number. A failure is logged,
 * and returns -1 so a caller that must not proceed without it can stop. */
int cc_audit(request_rec *r, ap_dbd_t *dbd, const char *actor,
             const char *member_no, const char *action, const char *detail);

#endif
