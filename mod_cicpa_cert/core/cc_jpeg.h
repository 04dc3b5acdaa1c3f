/* libjpeg decompression that never exits the process and never prints. */
#ifndef CC_JPEG_H
#define CC_JPEG_H

#include <setjmp.h>
#include <stdio.h>
#include <jpeglib.h>

/* The libjpeg state of one decode. It lives in a caller of the functions
 * that call setjmp, so a longjmp back into them cannot clobber it. */
typedef struct cc_jpeg_reader {
    struct jpeg_decompress_struct cinfo; /* the decompressor */
    struct jpeg_error_mgr err;           /* errors and warnings: longjmp to escape */
    struct jpeg_progress_mgr progress;   /* stops files with too many scans */
    jmp_buf escape;                      /* where libjpeg trouble lands */
} cc_jpeg_reader;

/* Sets the handlers: every error and every warning (libjpeg reports corrupt
 * data as a warning and goes on decoding garbage) longjmps to
 * reader->escape; a progressive file with absurdly many scans too (a cheap
 * denial of service otherwise). The caller then does setjmp(reader->escape)
 * and cc_jpeg_reader_create, and jpeg_destroy_decompress at the end. */
void cc_jpeg_reader_init(cc_jpeg_reader *reader);

/* jpeg_create_decompress, then the scan limit (creating clears everything
 * but err and client_data). Call it after setjmp(reader->escape). */
void cc_jpeg_reader_create(cc_jpeg_reader *reader);

#endif
