/* The policy for new member passwords, and one-time password-reset codes. */
#ifndef CC_PASSWORD_H
#define CC_PASSWORD_H

#include <apr_pools.h>

#define CC_PASSWORD_MIN_CHARS 8
#define CC_PASSWORD_MAX_CHARS 64 /* ASCII only, so within bcrypt's 72 bytes */
#define CC_RESET_CODE_DIGITS 6

/* NULL when password may become a member's password, otherwise a Chinese
 * message naming the first rule it breaks:
 *   CC_PASSWORD_MIN_CHARS..CC_PASSWORD_MAX_CHARS characters;
 *   printable ASCII without spaces (letters, digits, symbols);
 *   at least three of: lower-case, upper-case, digit, symbol;
 *   not the member number, not the ID number (ignoring letter case).
 * member_no and id_number may be NULL or "" (that rule is then skipped). */
const char *cc_password_problem(const char *password, const char *member_no, const char *id_number);

/* A uniformly random code of CC_RESET_CODE_DIGITS decimal digits, or NULL
 * when the random generator fails. */
const char *cc_password_reset_code(apr_pool_t *p);

/* 1 when s has the shape of a reset code (exactly CC_RESET_CODE_DIGITS
 * ASCII digits). */
int cc_password_code_shape_ok(const char *s);

#endif
