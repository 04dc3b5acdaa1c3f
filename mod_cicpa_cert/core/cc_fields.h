/* Validation of member profile values by field kind (the catalogue is data). */
#ifndef CC_FIELDS_H
#define CC_FIELDS_H

#include <apr_pools.h>

#include "cc_utf8.h"

/* Kinds named in field_catalogue.kind:
 *   text      free text, no control characters
 *   name      a person's name: letters of any script incl. rare CJK, middle dot ·
 *   date      YYYY-MM-DD, a real calendar day, not after today
 *   mobile    mainland mobile number, 11 digits starting 1[3-9]
 *   email     an e-mail address
 *   postcode  six digits
 *   id_type   one of the ID document types (see cc_id_type_valid)
 *   id_number depends on the id_type (checked with cc_id_number_check)
 *   choice    one of the '|'-separated options of the field
 */

/* Trims value and checks it against kind. max_chars counts characters, not
 * bytes (0: no limit); options is the choice list or NULL; today is
 * YYYY-MM-DD. Returns NULL and sets *normalised when valid, otherwise a Chinese
 * message for the member. An empty value is valid here (required-ness is
 * checked by the caller). */
const char *cc_field_check(const char *kind, const char *value, int max_chars, const char *options,
                           const char *today, apr_pool_t *p, const char **normalised);

/* ID document types: 居民身份证, 护照, 港澳居民来往内地通行证,
 * 台湾居民来往大陆通行证, 港澳台居民居住证. True if type is one of them. */
int cc_id_type_valid(const char *type);

/* True for the mainland resident identity card (compared with the national
 * photo database; other documents go to on-site review). */
int cc_id_type_is_mainland(const char *type);

/* Checks number against its document type; for the resident identity card
 * (GB 11643: 18 characters, check digit, real birth date) birth_date, when
 * non-empty, must equal the date in the number. NULL when valid, otherwise a
 * Chinese message. */
const char *cc_id_number_check(const char *type, const char *number, const char *birth_date, apr_pool_t *p);

#endif
