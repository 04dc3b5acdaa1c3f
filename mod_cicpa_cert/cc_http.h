/* HTTP plumbing for the JSON API: bounded bodies, parameters, JSON replies. */
#ifndef CC_HTTP_H
#define CC_HTTP_H

#include <jansson.h>

#include "cc_module.h"
#include "cc_result.h"

/* Sends obj (the reference is taken) as the JSON body with status; returns OK
 * for the handler to return. */
int cc_send_json(request_rec *r, int status, json_t *obj);

/* Sends {"error":{"code":code,"message":message}} with status; returns OK. */
int cc_send_error(request_rec *r, int status, const char *code, const char *message);

/* As cc_send_error, with extra members merged into the error object. */
int cc_send_error_with(request_rec *r, int status, const char *code, const char *message, json_t *extra);

/* Sends a JPEG body with the given Cache-Control; returns OK. */
int cc_send_jpeg(request_rec *r, const unsigned char *jpeg, apr_size_t len, const char *cache_control);

/* Reads the whole request body, refusing it while reading once it exceeds
 * limit. Returns OK, or an HTTP status (413, 408 when mod_reqtimeout cut a
 * slow body off, 400) with nothing sent yet. */
int cc_read_body(request_rec *r, apr_size_t limit, const unsigned char **data, apr_size_t *len);

/* Reads JSON-object or form-urlencoded parameters (string values) from the
 * body into *params; no body at all gives no parameters. Returns CC_DONE,
 * or what is wrong (nothing sent): CC_PARAMS_MEDIA_TYPE,
 * CC_BODY_TOO_LARGE, CC_BODY_TIMEOUT, CC_BODY_UNREADABLE, CC_MALFORMED_JSON or
 * CC_MALFORMED_FORM. */
cc_result cc_read_params(request_rec *r, apr_size_t limit, apr_table_t **params);

/* 1 when a browser sent the request from another site than the request's
 * own origin (scheme://Host) and the allowed origins (const char *), by its
 * Sec-Fetch-Site or, without it, its Origin: such a request must not log
 * in or change anything with the cookie. A request with neither header (not
 * a browser's page: curl, the mini-program) is not cross-site. */
int cc_http_cross_site(request_rec *r, const apr_array_header_t *allowed);

/* The query string's parameters: CC_DONE (an empty table when there is
 * none), or CC_MALFORMED_FORM (a key twice, bad escapes) where a query that
 * cannot be read must not be taken as no query (a filter). */
cc_result cc_query_read(request_rec *r, apr_table_t **params);

/* The query string's parameters, an empty table when there is none or it
 * cannot be read (where that only means the defaults). */
apr_table_t *cc_query_params(request_rec *r);

/* 1 when the request announces a body (chunked or Content-Length > 0). */
int cc_request_has_body(request_rec *r);

/* 1 when the request's media type (Content-Type without parameters) is type. */
int cc_media_type_is(request_rec *r, const char *type);

#endif
