#include <string.h>
#include <curl/curl.h>

#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_mail.h"
#include "cc_notify.h"
#include "cc_outbox.h"
#include "cc_sms.h"

#define CONNECT_TIMEOUT 5L                  /* seconds to connect */
#define TRY_TIMEOUT 10L                     /* seconds a whole try may take */
#define TRIES 3                             /* on connection errors, timeouts, 4xx SMTP and 5xx/429 HTTP */
#define FIRST_PAUSE apr_time_from_msec(250) /* before the second try; doubled after */
#define MESSAGE_ID_BYTES 18

/* libcurl's global state is set up once per process, before the threads
 * start, by cc_face_client_global_init (post_config). */

/* Whether a failed try may succeed later: the server was unreachable or
 * slow, or said so (SMTP 4xx, HTTP 429 and 5xx). */
static int worth_retrying(CURLcode rc, long status, int http)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return 1;
    default:
        return http ? status == 429 || status >= 500 : status >= 400 && status < 500;
    }
}

/* Sets what must be fresh for each try (rewinds a body, re-signs). */
typedef void before_try_fn(request_rec *r, CURL *curl, void *arg);

/* Runs the transfer up to TRIES times. what names it in the log. */
static int perform(request_rec *r, CURL *curl, const char *what, int http, before_try_fn *before_try,
                   void *arg)
{
    char error[CURL_ERROR_SIZE];
    CURLcode rc = CURLE_OK;
    long status = 0;
    int tries = 0;
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    while (tries < TRIES) {
        if (tries > 0) {
            apr_sleep(FIRST_PAUSE << (tries - 1));
        }
        error[0] = '\0';
        before_try(r, curl, arg);
        rc = curl_easy_perform(curl);
        tries++;
        status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (rc == CURLE_OK && status < 300) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, CCLOGNO(00026) "%s accepted (status %ld, try %d)",
                          what, status, tries);
            return OK;
        }
        if (!worth_retrying(rc, status, http)) {
            break;
        }
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CCLOGNO(00027) "%s: try %d failed: %s (status %ld)", what,
                      tries, error[0] ? error : curl_easy_strerror(rc), status);
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00028) "%s failed after %d tries: %s (status %ld)",
                  what, tries, error[0] ? error : curl_easy_strerror(rc), status);
    return HTTP_SERVICE_UNAVAILABLE;
}

/* Responses are not read: drops whatever the server sends. */
static size_t discard(char *data, size_t size, size_t n, void *arg)
{
    return size * n;
}

static CURL *easy(const char *url, const char *protocols)
{
    CURL *curl = curl_easy_init();
    if (curl != NULL) {
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM */
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, TRY_TIMEOUT);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    }
    return curl;
}

/* A file:// URL (demos): the message goes into that folder, not out. */
static int to_outbox(request_rec *r, const char *url, const char *suffix, const char *data, const char *what)
{
    const char *name = NULL;
    apr_status_t rv = data ? cc_outbox_write(url, suffix, data, strlen(data), r->pool, &name) : APR_EINVAL;
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, CCLOGNO(00029) "%s not written to the outbox %s", what,
                      url);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, CCLOGNO(00030) "%s written to the outbox %s as %s", what, url,
                  name);
    return OK;
}

/* ---- e-mail */

/* The message being sent, rewound before every try. */
typedef struct upload {
    const char *data;
    apr_size_t len, at;
} upload;

static size_t read_upload(char *buf, size_t size, size_t n, void *arg)
{
    upload *up = arg;
    apr_size_t chunk = up->len - up->at < size * n ? up->len - up->at : size * n;
    memcpy(buf, up->data + up->at, chunk);
    up->at += chunk;
    return chunk;
}

static void rewind_upload(request_rec *r, CURL *curl, void *arg)
{
    ((upload *)arg)->at = 0;
}

static const char *message_text(request_rec *r, const cc_server_conf *conf, const char *address,
                                const char *subject, const char *text)
{
    const char *id = cc_random_token(MESSAGE_ID_BYTES, r->pool);
    cc_mail mail = { conf->mail_from, conf->cert_style.issuer, address, subject, text, apr_time_now(), id };
    return id ? cc_mail_message(&mail, r->pool) : NULL;
}

int cc_notify_mail(request_rec *r, const char *address, const char *subject, const char *text)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    const char *what = apr_pstrcat(r->pool, "e-mail to ", cc_mail_mask_address(address, r->pool), NULL);
    upload up = { message_text(r, conf, address, subject, text), 0, 0 };
    if (cc_outbox_url(conf->smtp_url)) {
        return to_outbox(r, conf->smtp_url, "eml", up.data, what);
    }
    CURL *curl = up.data ? easy(conf->smtp_url, "smtp,smtps") : NULL;
    if (curl == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00031) "%s not sent: %s", what,
                      up.data ? "libcurl failed" : "not a usable address");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    up.len = strlen(up.data);
    struct curl_slist *rcpt = curl_slist_append(NULL, apr_pstrcat(r->pool, "<", address, ">", NULL));
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, apr_pstrcat(r->pool, "<", conf->mail_from, ">", NULL));
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.len);
    /* smtps:// is TLS from the start; on smtp://, On requires STARTTLS. */
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)(conf->smtp_starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (conf->smtp_user != NULL) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, conf->smtp_user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, conf->smtp_password ? conf->smtp_password : "");
    }
    int status = perform(r, curl, what, 0, rewind_upload, &up);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    return status;
}

/* ---- SMS */

typedef struct sms_request {
    const char *key;            /* CicpaCertSmsKey */
    const char *body;           /* the same on every try */
    struct curl_slist *headers; /* signed anew for every try */
} sms_request;

static void sign(request_rec *r, CURL *curl, void *arg)
{
    sms_request *req = arg;
    const char *timestamp = apr_psprintf(r->pool, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
    curl_slist_free_all(req->headers);
    req->headers = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    req->headers =
        curl_slist_append(req->headers, apr_pstrcat(r->pool, CC_SMS_TIMESTAMP_HEADER ": ", timestamp, NULL));
    req->headers = curl_slist_append(
        req->headers, apr_pstrcat(r->pool, CC_SMS_SIGNATURE_HEADER ": ",
                                  cc_sms_signature(req->key, timestamp, req->body, r->pool), NULL));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, req->headers);
}

int cc_notify_sms(request_rec *r, const char *mobile, const char *code, int minutes, const char *text)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    const char *what = apr_pstrcat(r->pool, "SMS to ", cc_sms_mask_mobile(mobile, r->pool), NULL);
    const char *request_id = cc_random_token(MESSAGE_ID_BYTES, r->pool);
    sms_request req = { conf->sms_key, NULL, NULL };
    req.body = request_id ? cc_sms_code_body(request_id, mobile, code, minutes, text, r->pool) : NULL;
    if (cc_outbox_url(conf->sms_url)) {
        return to_outbox(r, conf->sms_url, "json", req.body, what);
    }
    CURL *curl = req.body ? easy(conf->sms_url, "http,https") : NULL;
    if (curl == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00032) "%s not sent: request not built", what);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(req.body));
    int status = perform(r, curl, what, 1, sign, &req);
    curl_slist_free_all(req.headers);
    curl_easy_cleanup(curl);
    return status;
}
