#include <string.h>

#include "cc_crypto.h"
#include "cc_reference_photos.h"

const cc_statement cc_reference_statements[] = {
    { "cc_reference_photo_get", "SELECT jpeg_b64 FROM reference_photos WHERE id_number_sha256 = %s" },
    { NULL, NULL }
};

cc_result cc_reference_photo(request_rec *r, ap_dbd_t *dbd, const char *id_number, unsigned char **jpeg,
                             apr_size_t *len)
{
    return CC_DB_SELECT_JPEG(r, dbd, "cc_reference_photo_get", jpeg, len,
                             cc_sha256_hex(id_number, strlen(id_number), r->pool));
}
