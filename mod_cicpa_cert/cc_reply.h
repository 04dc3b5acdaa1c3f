/* The one reply table: each service result (service/cc_result.h) as an
 * HTTP status, an error code and the Chinese message the member or staff
 * reads. Every error the JSON APIs send goes through it. */
#ifndef CC_REPLY_H
#define CC_REPLY_H

#include <jansson.h>

#include "cc_module.h"
#include "cc_result.h"

/* Sends result's error {"error":{"code","message"}} with its status (and
 * its header, e.g. WWW-Authenticate); returns OK for the handler. */
int cc_reply(request_rec *r, cc_result result);

/* As cc_reply, with the members of extra (taken; may be NULL) added to the
 * error object. */
int cc_reply_with(request_rec *r, cc_result result, json_t *extra);

/* As cc_reply_with, with message in place of the table's (the results
 * whose message names fields or a wait). */
int cc_reply_message(request_rec *r, cc_result result, const char *message, json_t *extra);

/* result with problem as its message and {"fields": {field: problem}}:
 * what one wrong field gets. */
int cc_reply_field_problem(request_rec *r, cc_result result, const char *field, const char *problem);

/* As cc_reply, but the attempt limits' results (CC_TOO_MANY_LOGINS …) as
 * "<their message>，请N分钟后再试" with Retry-After and retry_after: wait
 * seconds. */
int cc_reply_throttled(request_rec *r, cc_result result, apr_int64_t wait);

/* The table's message of result: for the results whose message names
 * fields, the lead the names follow. */
const char *cc_reply_text(cc_result result);

/* The status result is sent with (for logs and tests of the table). */
int cc_reply_status(cc_result result);

#endif
