/* Which members a staff member sees: national staff every member,
 * provincial staff those of their institute. */
#ifndef CC_SCOPE_H
#define CC_SCOPE_H

/* The national institute's code: its staff see every member, its seal goes
 * over the issuer of every certificate. */
#define CC_NATIONAL_INSTITUTE "00"

/* SQL condition "the member row <alias> is in the staff's scope", for every
 * statement that reads or changes a member for staff: two parameters, the
 * staff's institute code twice. A member out of scope is not found, like an
 * unknown one. */
#define CC_IN_SCOPE(alias)                                                                                   \
    "(%s = '" CC_NATIONAL_INSTITUTE "' OR EXISTS (SELECT 1 FROM member_fields sf"                            \
    " WHERE sf.member_no = " alias ".member_no AND sf.field_key = 'institute'"                               \
    " AND sf.value = %s))"

#endif
