/* Delivery of one-time codes: e-mail over SMTP (CicpaCertSmtpUrl) and SMS
 * through the HTTP gateway of docs/sms.md (CicpaCertSmsUrl), both with
 * libcurl, with timeouts and a bounded number of tries. Nothing secret is
 * logged (not the code, the message, the SMTP password or the SMS key), and
 * recipients only masked. */
#ifndef CC_NOTIFY_H
#define CC_NOTIFY_H

#include "cc_module.h"

/* Sends a plain-text e-mail (UTF-8 subject and text) to address from
 * CicpaCertMailFrom. OK when the SMTP server accepted it; otherwise logs why
 * and returns HTTP_SERVICE_UNAVAILABLE. */
int cc_notify_mail(request_rec *r, const char *address, const char *subject, const char *text);

/* Asks the SMS gateway to send code (valid for minutes) to mobile, with
 * text as the message. OK when the gateway answered 2xx; otherwise logs why
 * and returns HTTP_SERVICE_UNAVAILABLE. */
int cc_notify_sms(request_rec *r, const char *mobile, const char *code, int minutes, const char *text);

#endif
