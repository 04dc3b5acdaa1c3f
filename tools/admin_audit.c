/* export-audit [--since YYYY-MM-DD]: the audit trail as CSV (UTC times).
 * Details are written with ID numbers masked (cc_audit's rule). */
#include <stdio.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "admin_commands.h"
#include "admin_db.h"
#include "cc_csv.h"

int cmd_export_audit(admin_db *db, const char *since)
{
    apr_time_exp_t t = { 0 };
    apr_time_t at = 0;
    if (since != NULL
        && (strlen(since) != 10 || sscanf(since, "%4d-%2d-%2d", &t.tm_year, &t.tm_mon, &t.tm_mday) != 3
            || t.tm_mon < 1 || t.tm_mon > 12 || t.tm_mday < 1 || t.tm_mday > 31)) {
        return fail("export-audit", "--since takes a date YYYY-MM-DD");
    }
    if (since != NULL) {
        t.tm_year -= 1900;
        t.tm_mon -= 1;
        apr_time_exp_gmt_get(&at, &t);
    }
    const char *args[] = { apr_psprintf(db->pool, "%" APR_INT64_T_FMT, (apr_int64_t)apr_time_sec(at)) };
    apr_array_header_t *rows = select_rows(db,
                                           "SELECT id, at, actor, member_no, action, detail, client_ip"
                                           " FROM audit_log WHERE at >= CAST(%s AS BIGINT) ORDER BY id",
                                           1, args);
    if (rows == NULL) {
        return 1;
    }
    printf("id,time_utc,actor,member_no,action,detail,client_ip\r\n");
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        printf("%s,%s,%s,%s,%s,%s,%s\r\n", row[0], utc_text(row[1], db->pool), cc_csv_field(row[2], db->pool),
               cc_csv_field(row[3] ? row[3] : "", db->pool), cc_csv_field(row[4], db->pool),
               cc_csv_field(row[5], db->pool), cc_csv_field(row[6], db->pool));
    }
    return 0;
}
