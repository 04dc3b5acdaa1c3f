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

/* A stable number for each message the module logs, as httpd's APLOGNO
 * numbers its own (AHnnnnn): "CC00042: ..." can be searched for in the code
 * and the docs. scripts/logno gives new messages theirs and checks that each
 * number is used once. */
#define CCLOGNO(n) "CC" #n ": "

#endif
