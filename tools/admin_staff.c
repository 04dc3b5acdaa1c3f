/* create-staff, list-staff, disable-staff, enable-staff, staff-password:
 * the institutes' staff accounts. */
#include <stdio.h>
#include <string.h>
#include <apr_lib.h>
#include <apr_md5.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "admin_commands.h"
#include "admin_db.h"
#include "cc_audit_sql.h"
#include "cc_json.h"
#include "cc_password.h"

/* --- staff accounts --- */

#define BCRYPT_COST 10
#define MAX_LOGIN_CHARS 32
#define NATIONAL_INSTITUTE "00" /* its staff see every member */

/* Staff logins: letters, digits, '.', '_' and '-'. */
static int login_ok(const char *login)
{
    apr_size_t n = strlen(login);
    if (n == 0 || n > MAX_LOGIN_CHARS) {
        return 0;
    }
    for (const char *c = login; *c; c++) {
        if (!apr_isalnum(*c) && *c != '.' && *c != '_' && *c != '-') {
            return 0;
        }
    }
    return 1;
}

/* The new password: asked twice on a terminal, else the first line of stdin. */
static const char *read_new_password(const char *cmd, apr_pool_t *p)
{
    char first[CC_PASSWORD_MAX_CHARS + 2], second[CC_PASSWORD_MAX_CHARS + 2];
    apr_size_t n1 = sizeof first, n2 = sizeof second;
    if (isatty(0)) {
        if (apr_password_get("新密码: ", first, &n1) != APR_SUCCESS
            || apr_password_get("再次输入新密码: ", second, &n2) != APR_SUCCESS) {
            return NULL;
        }
        if (strcmp(first, second) != 0) {
            fail(cmd, "the two passwords differ");
            return NULL;
        }
        return apr_pstrdup(p, first);
    }
    if (fgets(first, sizeof first, stdin) == NULL) {
        return NULL;
    }
    first[strcspn(first, "\r\n")] = '\0';
    return apr_pstrdup(p, first);
}

static const char *bcrypt_hash(const char *password, apr_pool_t *p)
{
    unsigned char salt[16];
    char hash[64];
    if (apr_generate_random_bytes(salt, sizeof salt) != APR_SUCCESS
        || apr_bcrypt_encode(password, BCRYPT_COST, salt, sizeof salt, hash, sizeof hash) != APR_SUCCESS) {
        return NULL;
    }
    return apr_pstrdup(p, hash);
}

/* The bcrypt hash of LOGIN's new password, read and held to the members'
 * policy; NULL, once cmd has said why, when there is none. */
static const char *new_password_hash(const char *cmd, const char *login, apr_pool_t *p)
{
    const char *password = read_new_password(cmd, p);
    if (password == NULL) {
        fail(cmd, "no password given");
        return NULL;
    }
    const char *problem = cc_password_problem(password, login, NULL);
    if (problem != NULL) {
        fail(apr_pstrcat(p, cmd, ": weak password", NULL), problem);
        return NULL;
    }
    const char *hash = bcrypt_hash(password, p);
    if (hash == NULL) {
        fail(cmd, "bcrypt hashing failed");
    }
    return hash;
}

typedef struct staff_account {
    const char *login;     /* account name */
    const char *institute; /* institute code */
    const char *hash;      /* bcrypt of the password */
} staff_account;

static int insert_staff(admin_db *db, void *arg)
{
    const staff_account *a = arg;
    apr_dbd_prepared_t *ins, *audit;
    const char *now = now_text(db->pool);
    const char *args[] = { a->login, a->hash, now, now, a->institute };
    const char *audit_args[] = {
        now,
        ADMIN_ACTOR,
        NULL,
        "staff_created",
        cc_json_text(json_pack("{s:s, s:s}", "login", a->login, "institute", a->institute), db->pool),
        ""
    };
    if (prepare(db,
                "INSERT INTO staff (login, institute, password_hash, created_at, updated_at)"
                " SELECT %s, code, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT)"
                " FROM institutes WHERE code = %s",
                &ins)
            != 0
        || prepare_statement(db, cc_audit_statements, "cc_audit_insert", &audit) != 0) {
        return 1;
    }
    if (run_prepared(db, ins, 5, args) != 0) {
        return fail("no institute with code", a->institute);
    }
    return run_prepared(db, audit, 6, audit_args);
}

/* create-staff LOGIN INSTITUTE_CODE: a staff account of that institute
 * ('00': national, sees every member); the password comes from stdin. */
int cmd_create_staff(admin_db *db, const char *login, const char *institute)
{
    if (!login_ok(login)) {
        return fail("create-staff", "LOGIN is 1-32 letters, digits, '.', '_' or '-'");
    }
    staff_account a = { login, institute, new_password_hash("create-staff", login, db->pool) };
    if (a.hash == NULL || db_in_transaction(db, insert_staff, &a) != 0) {
        return 1;
    }
    printf("staff account %s of institute %s created\n", login, institute);
    return 0;
}

/* list-staff: every account, tab-separated under a header line. */
int cmd_list_staff(admin_db *db)
{
    apr_array_header_t *rows = select_rows(db,
                                           "SELECT login, institute, disabled, created_at"
                                           " FROM staff ORDER BY institute, login",
                                           0, NULL);
    if (rows == NULL) {
        return 1;
    }
    printf("login\tinstitute\trole\tdisabled\tcreated_utc\n");
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        printf("%s\t%s\t%s\t%s\t%s\n", row[0], row[1],
               strcmp(row[1], NATIONAL_INSTITUTE) == 0 ? "national" : "provincial",
               strcmp(row[2], "0") == 0 ? "no" : "yes", utc_text(row[3], db->pool));
    }
    return 0;
}

/* A change to an existing account: one column, perhaps the end of its
 * sessions (so the change holds at once), and its audit entry. */
typedef struct staff_change {
    const char *login;  /* the account */
    const char *set;    /* "column = <expression of one %s>" */
    const char *value;  /* for that %s */
    int end_sessions;   /* 1: every session of the account ends */
    const char *action; /* audit_log action */
    const char *done;   /* what to print */
} staff_change;

static int change_staff(admin_db *db, void *arg)
{
    const staff_change *c = arg;
    apr_dbd_prepared_t *update, *end, *audit;
    const char *now = now_text(db->pool);
    const char *update_args[] = { c->value, now, c->login }, *end_args[] = { c->login };
    const char *audit_args[] = {
        now, ADMIN_ACTOR, NULL, c->action, cc_json_text(json_pack("{s:s}", "login", c->login), db->pool), ""
    };
    if (prepare(db,
                apr_pstrcat(db->pool, "UPDATE staff SET ", c->set,
                            ", updated_at = CAST(%s AS BIGINT)"
                            " WHERE login = %s",
                            NULL),
                &update)
            != 0
        || prepare(db, "DELETE FROM staff_sessions WHERE login = %s", &end) != 0
        || prepare_statement(db, cc_audit_statements, "cc_audit_insert", &audit) != 0) {
        return 1;
    }
    if (run_prepared(db, update, 3, update_args) != 0) {
        return fail("no staff account", c->login);
    }
    if (c->end_sessions && exec_prepared(db, end, 1, end_args) != 0) {
        return 1;
    }
    return run_prepared(db, audit, 6, audit_args);
}

static int cmd_change_staff(admin_db *db, const staff_change *c)
{
    if (db_in_transaction(db, change_staff, (void *)c) != 0) {
        return 1;
    }
    printf("staff account %s %s\n", c->login, c->done);
    return 0;
}

int cmd_disable_staff(admin_db *db, const char *login)
{
    staff_change c = {
        login, "disabled = CAST(%s AS INTEGER)", "1", 1, "staff_disabled", "disabled (its sessions ended)"
    };
    return cmd_change_staff(db, &c);
}

int cmd_enable_staff(admin_db *db, const char *login)
{
    staff_change c = { login, "disabled = CAST(%s AS INTEGER)", "0", 0, "staff_enabled", "enabled" };
    return cmd_change_staff(db, &c);
}

static int staff_exists(admin_db *db, const char *login)
{
    apr_array_header_t *rows = select_rows(db, "SELECT login FROM staff WHERE login = %s", 1, &login);
    return rows != NULL && rows->nelts > 0;
}

/* staff-password LOGIN: the account is checked first, so nobody types a
 * password for a login that does not exist. */
int cmd_staff_password(admin_db *db, const char *login)
{
    if (!staff_exists(db, login)) {
        return fail("no staff account", login);
    }
    staff_change c = { login, "password_hash = %s", new_password_hash("staff-password", login, db->pool),
                       1,     "staff_password_set", "has a new password (its sessions ended)" };
    return c.value == NULL ? 1 : cmd_change_staff(db, &c);
}
