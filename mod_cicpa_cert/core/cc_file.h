/* Reading the small files the configuration names (keys, certificates,
 * seal images) whole into memory, with a size bound. */
#ifndef CC_FILE_H
#define CC_FILE_H

#include <apr_pools.h>

/* The contents of path, NUL-terminated (the NUL is not counted in *len),
 * or NULL with *err ("<path>: <reason>") when it cannot be read or is
 * larger than max bytes. */
const unsigned char *cc_file_read(const char *path, apr_size_t max, apr_pool_t *p, apr_size_t *len,
                                  const char **err);

#endif
