/* Shared by the unit tests that check their output with command-line tools:
 * a temporary working directory for the group and running a shell command,
 * both on cc_unit.h's pool. */
#ifndef CC_UNIT_FILES_H
#define CC_UNIT_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "cc_unit.h"

static char *workdir;

/* Runs a shell command; returns its exit status and its stdout+stderr. */
static inline int run(const char *command, char **output)
{
    FILE *pipe = popen(apr_pstrcat(pool, command, " 2>&1", NULL), "r");
    apr_size_t len = 0, cap = 4096;
    char *buf = apr_palloc(pool, cap);
    size_t n;
    int status;

    assert_non_null(pipe);
    while ((n = fread(buf + len, 1, cap - len - 1, pipe)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *bigger = apr_palloc(pool, cap * 2);

            memcpy(bigger, buf, len);
            buf = bigger;
            cap *= 2;
        }
    }
    buf[len] = '\0';
    status = pclose(pipe);
    *output = buf;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static inline const char *work_path(const char *name)
{
    return apr_pstrcat(pool, workdir, "/", name, NULL);
}

/* Makes workdir, a fresh directory in the temporary directory whose name
 * starts with prefix (the test's name); 0 on success, -1 otherwise. */
static inline int cc_unit_workdir_create(const char *prefix)
{
    const char *tmp;

    if (apr_temp_dir_get(&tmp, pool) != APR_SUCCESS)
        return -1;
    workdir = apr_pstrcat(pool, tmp, "/", prefix, ".XXXXXX", NULL);
    return mkdtemp(workdir) ? 0 : -1;
}

static inline void cc_unit_workdir_remove(void)
{
    char *out;

    run(apr_pstrcat(pool, "rm -rf '", workdir, "'", NULL), &out);
}

#endif
