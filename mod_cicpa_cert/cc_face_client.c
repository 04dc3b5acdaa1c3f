#include <curl/curl.h>

#include "cc_face_client.h"

/* Largest provider answer read; a real one is about a hundred bytes. */
#define MAX_ANSWER 16384

typedef struct answer {
    char *data;            /* received bytes */
    apr_size_t len;        /* how many */
    int overflow;          /* the provider sent more than MAX_ANSWER */
    const char *timestamp; /* its X-Cicpa-Timestamp header */
    const char *signature; /* its X-Cicpa-Signature header */
    apr_pool_t *pool;      /* where header values are copied */
} answer;

static apr_status_t curl_cleanup(void *data)
{
    curl_global_cleanup();
    return APR_SUCCESS;
}

void cc_face_client_global_init(apr_pool_t *pconf)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    apr_pool_cleanup_register(pconf, NULL, curl_cleanup, apr_pool_cleanup_null);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    answer *a = userdata;
    apr_size_t n = size * nmemb;
    if (a->len + n > MAX_ANSWER) {
        a->overflow = 1;
        return 0; /* makes libcurl fail the transfer */
    }
    memcpy(a->data + a->len, ptr, n);
    a->len += n;
    return n;
}

/* The value of header name in line, copied into p, or NULL. */
static const char *header_value(const char *line, size_t len, const char *name, apr_pool_t *p)
{
    apr_size_t n = strlen(name);
    if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':') {
        return NULL;
    }
    const char *v = line + n + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
    }
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) {
        end--;
    }
    return apr_pstrmemdup(p, v, end - v);
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
    answer *a = userdata;
    size_t len = size * nmemb;
    const char *v;
    if ((v = header_value(line, len, CC_FACE_HEADER_TIMESTAMP, a->pool)) != NULL) {
        a->timestamp = v;
    } else if ((v = header_value(line, len, CC_FACE_HEADER_SIGNATURE, a->pool)) != NULL) {
        a->signature = v;
    }
    return len;
}

static struct curl_slist *signed_headers(const cc_photo_conf *conf, const char *body, apr_pool_t *p)
{
    const char *ts = apr_psprintf(p, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    h = curl_slist_append(h, apr_pstrcat(p, CC_FACE_HEADER_TIMESTAMP ": ", ts, NULL));
    h = curl_slist_append(h, apr_pstrcat(p, CC_FACE_HEADER_SIGNATURE ": ",
                                         cc_face_signature(conf->verifier_key, ts, body, strlen(body), p),
                                         NULL));
    return h;
}

/* One HTTP exchange; returns the HTTP status, or 0 on a transport error. */
static long post_once(request_rec *r, const cc_photo_conf *conf, const char *body, answer *a)
{
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        return 0;
    }
    struct curl_slist *headers = signed_headers(conf, body, r->pool);
    long status = 0;
    a->len = 0;
    a->overflow = 0;
    a->timestamp = a->signature = NULL;
    curl_easy_setopt(curl, CURLOPT_URL, conf->verifier_url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)conf->verifier_timeout);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, a);
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    } else {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, CCLOGNO(00018) "face verifier unreachable: %s",
                      curl_easy_strerror(rc));
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

static cc_face_response service_error(const cc_face_request *req)
{
    cc_face_response resp = { req->request_id, CC_FACE_SERVICE_ERROR, 0 };
    return resp;
}

/* The provider's answer, believed only when signed and about this request. */
static cc_face_response read_answer(request_rec *r, const cc_photo_conf *conf, const cc_face_request *req,
                                    const answer *a)
{
    cc_face_response resp;
    const char *err = NULL;
    if (!cc_face_signature_ok(conf->verifier_key, a->timestamp, a->signature, a->data, a->len, apr_time_now(),
                              300, r->pool)) {
        err = "answer not signed with the shared key";
    } else if (cc_face_response_parse(a->data, a->len, r->pool, &resp, &err) == APR_SUCCESS
               && strcmp(resp.request_id, req->request_id) != 0) {
        err = "answer is for another request";
    }
    if (err != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      CCLOGNO(00019) "face verifier answer refused (%s), request %s", err, req->request_id);
        return service_error(req);
    }
    return resp;
}

cc_face_response cc_face_verify(request_rec *r, const cc_photo_conf *conf, const cc_face_request *req)
{
    if (conf->verifier_url == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      CCLOGNO(00020) "no CicpaCertFaceVerifierUrl: cannot compare");
        return service_error(req);
    }
    const char *body = cc_face_request_json(req, r->pool);
    answer a = { apr_palloc(r->pool, MAX_ANSWER), 0, 0, NULL, NULL, r->pool };
    for (int attempt = 1; attempt <= conf->verifier_tries; attempt++) {
        long status = post_once(r, conf, body, &a);
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      CCLOGNO(00021) "face verifier try %d of request %s: HTTP %ld", attempt, req->request_id,
                      status);
        if (status == 200) {
            return read_answer(r, conf, req, &a);
        }
        if (status != 0 && status < 500) {
            break; /* the provider refused the request itself: trying again won't help */
        }
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  CCLOGNO(00022) "face verifier gave no answer for request %s", req->request_id);
    return service_error(req);
}
