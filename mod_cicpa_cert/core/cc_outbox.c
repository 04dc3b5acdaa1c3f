#include <string.h>

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "cc_crypto.h"
#include "cc_outbox.h"

#define SCHEME "file://"
#define RANDOM_BYTES 12 /* 16 base64url characters */
#define MAX_SUFFIX 8

int cc_outbox_url(const char *url)
{
    return url != NULL && strncasecmp(url, "file:", 5) == 0;
}

/* The folder of a file:///FOLDER URL, or NULL. */
static const char *folder_of(const char *url)
{
    if (strncasecmp(url, SCHEME, strlen(SCHEME)) != 0) {
        return NULL;
    }
    const char *dir = url + strlen(SCHEME);
    return *dir == '/' && strlen(dir) <= CC_OUTBOX_MAX_DIR ? dir : NULL;
}

const char *cc_outbox_problem(const char *directive, const char *url, apr_pool_t *p)
{
    const char *dir = folder_of(url);
    apr_finfo_t info;
    if (dir == NULL) {
        return apr_psprintf(p,
                            "%s: an outbox is file:///FOLDER (an absolute path of at most %d"
                            " bytes, no host), not '%s'",
                            directive, CC_OUTBOX_MAX_DIR, url);
    }
    if (apr_stat(&info, dir, APR_FINFO_TYPE, p) != APR_SUCCESS || info.filetype != APR_DIR) {
        return apr_psprintf(p, "%s: the outbox %s is not an existing folder", directive, dir);
    }
    return NULL;
}

static int suffix_ok(const char *suffix)
{
    apr_size_t n = strlen(suffix);
    return n > 0 && n <= MAX_SUFFIX && strspn(suffix, "abcdefghijklmnopqrstuvwxyz") == n;
}

/* "<UTC time>-<random>.<suffix>", or NULL when the random generator fails. */
static const char *new_name(const char *suffix, apr_pool_t *p)
{
    apr_time_exp_t t;
    apr_size_t n;
    char when[sizeof "YYYYMMDDTHHMMSSZ"];
    const char *random = cc_random_token(RANDOM_BYTES, p);
    apr_time_exp_gmt(&t, apr_time_now());
    apr_strftime(when, &n, sizeof when, "%Y%m%dT%H%M%SZ", &t);
    return random ? apr_pstrcat(p, when, "-", random, ".", suffix, NULL) : NULL;
}

static apr_status_t write_new(const char *path, const char *data, apr_size_t len, apr_pool_t *p)
{
    apr_file_t *f;
    apr_status_t rv = apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_EXCL,
                                    APR_FPROT_UREAD | APR_FPROT_UWRITE, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = apr_file_write_full(f, data, len, NULL);
    if (rv == APR_SUCCESS) {
        rv = apr_file_sync(f);
    }
    apr_status_t closed = apr_file_close(f);
    return rv != APR_SUCCESS ? rv : closed;
}

apr_status_t cc_outbox_write(const char *url, const char *suffix, const char *data, apr_size_t len,
                             apr_pool_t *p, const char **name)
{
    const char *dir = folder_of(url);
    const char *file = suffix_ok(suffix) ? new_name(suffix, p) : NULL;
    if (dir == NULL || file == NULL) {
        return APR_EINVAL;
    }
    const char *path = apr_pstrcat(p, dir, "/", file, NULL);
    const char *tmp = apr_pstrcat(p, dir, "/.", file, ".tmp", NULL);
    apr_status_t rv = write_new(tmp, data, len, p);
    if (rv == APR_SUCCESS) {
        rv = apr_file_rename(tmp, path, p);
    }
    if (rv != APR_SUCCESS) {
        apr_file_remove(tmp, p);
        return rv;
    }
    *name = file;
    return APR_SUCCESS;
}
