#include <string.h>

#include "cc_jpeg.h"

/* More scans than any real photo has (progressive files use about ten). */
#define MAX_SCANS 100

static void escape(j_common_ptr cinfo)
{
    cc_jpeg_reader *reader = cinfo->client_data;
    longjmp(reader->escape, 1);
}

/* Trace messages (msg_level >= 0) are ignored; warnings end the reading. */
static void escape_on_warning(j_common_ptr cinfo, int msg_level)
{
    if (msg_level < 0) {
        escape(cinfo);
    }
}

static void escape_on_many_scans(j_common_ptr cinfo)
{
    if (((j_decompress_ptr)cinfo)->input_scan_number > MAX_SCANS) {
        escape(cinfo);
    }
}

void cc_jpeg_reader_init(cc_jpeg_reader *reader)
{
    memset(reader, 0, sizeof(*reader));
    reader->cinfo.err = jpeg_std_error(&reader->err);
    reader->err.error_exit = escape;
    reader->err.emit_message = escape_on_warning;
    reader->cinfo.client_data = reader;
    reader->progress.progress_monitor = escape_on_many_scans;
}

void cc_jpeg_reader_create(cc_jpeg_reader *reader)
{
    jpeg_create_decompress(&reader->cinfo);
    reader->cinfo.progress = &reader->progress;
}
