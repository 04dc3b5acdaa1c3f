/* The photo service's statements (tables member_photos, photo_uploads, photo_comparisons). Plain C: cicpa-admin prepares them too. */
#ifndef CC_PHOTO_SQL_H
#define CC_PHOTO_SQL_H

#include "cc_statement.h"

extern const cc_statement cc_photo_statements[];

#endif
