/* Shared includes and the module record of mod_cicpa_cert's httpd glue. */
#ifndef CC_MODULE_H
#define CC_MODULE_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include <apr_dbd.h>
#include "mod_dbd.h"

#include <apr_strings.h>
#include <apr_uri.h>

extern module AP_MODULE_DECLARE_DATA cicpa_cert_module;

/* So that `LogLevel cicpa_cert:debug` works (mod_cicpa_cert.c gets it from
 * AP_DECLARE_MODULE instead). */
#ifndef CC_MODULE_RECORD
APLOG_USE_MODULE(cicpa_cert);
#endif

#endif
