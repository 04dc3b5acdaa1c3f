#include "cc_file.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>

const unsigned char *cc_file_read(const char *path, apr_size_t max, apr_pool_t *p, apr_size_t *len,
                                  const char **err)
{
    apr_file_t *f = NULL;
    apr_finfo_t info;
    unsigned char *data = NULL;
    char reason[120];
    apr_status_t rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&info, APR_FINFO_SIZE | APR_FINFO_TYPE, f);
    }
    if (rv == APR_SUCCESS && (info.filetype != APR_REG || (apr_size_t)info.size > max)) {
        *err = apr_psprintf(p, "%s: %s", path,
                            info.filetype != APR_REG
                                ? "not a regular file"
                                : apr_psprintf(p, "larger than %" APR_SIZE_T_FMT " bytes", max));
        apr_file_close(f);
        return NULL;
    }
    if (rv == APR_SUCCESS) {
        *len = (apr_size_t)info.size;
        data = apr_palloc(p, *len + 1);
        rv = *len ? apr_file_read_full(f, data, *len, NULL) : APR_SUCCESS;
        data[*len] = '\0';
    }
    if (f != NULL) {
        apr_file_close(f);
    }
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "%s: %s", path, apr_strerror(rv, reason, sizeof(reason)));
        return NULL;
    }
    return data;
}
