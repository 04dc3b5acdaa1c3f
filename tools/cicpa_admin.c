/* cicpa-admin: database administration for mod_cicpa_cert through apr-util
 * DBD, so the same commands work on SQLite and PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_dbd.h>
#include <apr_general.h>

#include "admin_commands.h"
#include "admin_db.h"

static int usage(void)
{
    fputs("usage: cicpa-admin -d DRIVER -p PARAMS COMMAND [ARGS]\n"
          "  DRIVER  sqlite3 or pgsql (as in mod_dbd's DBDriver)\n"
          "  PARAMS  as in mod_dbd's DBDParams\n"
          "commands:\n"
          "  migrate DIR               apply DIR/NNN_*.sql newer than the schema version\n"
          "  load-demo DIR             run DIR/*.sql, then store DIR/photos/<member_no>.jpg\n"
          "  set-photo MEMBER FILE     store FILE as MEMBER's photo\n"
          "  set-reference-photo MEMBER FILE\n"
          "                            store FILE as the reference provider's photo of MEMBER's ID number\n"
          "  set-registration MEMBER YYYY-MM-DD|none\n"
          "                            the last day of MEMBER's annual registration: certificates end\n"
          "                            then at the latest, and none is issued after it\n"
          "  revoke CERT REASON        revoke a certificate (CERT: its id or serial) for good; the\n"
          "                            verification page shows REASON, and the member gets no new one\n"
          "  suspend CERT              suspend a valid certificate (downloads stop until reinstated)\n"
          "  reinstate CERT            make a suspended certificate valid again\n"
          "  create-staff LOGIN CODE   a staff account of institute CODE ('00': national, sees\n"
          "                            every member); the password from stdin (asked twice on a tty)\n"
          "  list-staff                every staff account, tab-separated: login, institute, role,\n"
          "                            disabled, created (UTC)\n"
          "  disable-staff LOGIN       LOGIN can no longer log in; its sessions end\n"
          "  enable-staff LOGIN        LOGIN can log in again\n"
          "  staff-password LOGIN      a new password for LOGIN, as for create-staff; its sessions end\n"
          "  import-members FILE.csv [PHOTO_DIR]\n"
          "                            add or update members from UTF-8 CSV (header: field keys with\n"
          "                            member_no and user_type, optional password_hash), photos from\n"
          "                            PHOTO_DIR/<member_no>.jpg; all or nothing, bad lines on stderr\n"
          "  export-audit [--since YYYY-MM-DD]\n"
          "                            the audit trail as CSV on stdout (UTC times)\n"
          "  issue-certificates --url URL --staff LOGIN [--institute CODE] [--jobs N]\n"
          "                            issue and store the certificate of every member (of CODE) through\n"
          "                            the node whose staff API is URL, acting as LOGIN; N requests at a\n"
          "                            time (default: twice the cores); a rerun skips what is current;\n"
          "                            who cannot be issued is listed with the reason (exit status 1)\n"
          "  make-members N PHOTO [--institute CODE]\n"
          "                            N synthetic members for benchmarks (CODE, default 11): valid ID\n"
          "                            numbers, PHOTO on file, complete profiles, password Demo@2026\n",
          stderr);
    return 2;
}

static int dispatch(admin_db *db, int argc, const char *const *argv)
{
    if (argc == 2 && strcmp(argv[0], "migrate") == 0) {
        return cmd_migrate(db, argv[1]);
    }
    if (argc == 2 && strcmp(argv[0], "load-demo") == 0) {
        return cmd_load_demo(db, argv[1]);
    }
    if (argc == 3 && strcmp(argv[0], "set-photo") == 0) {
        return cmd_set_photo(db, argv[1], argv[2]);
    }
    if (argc == 3 && strcmp(argv[0], "set-reference-photo") == 0) {
        return cmd_set_reference_photo(db, argv[1], argv[2]);
    }
    if (argc == 3 && strcmp(argv[0], "set-registration") == 0) {
        return cmd_set_registration(db, argv[1], argv[2]);
    }
    if (argc == 3 && strcmp(argv[0], "revoke") == 0) {
        return cmd_revoke(db, argv[1], argv[2]);
    }
    if (argc == 2 && strcmp(argv[0], "suspend") == 0) {
        return cmd_suspend(db, argv[1]);
    }
    if (argc == 2 && strcmp(argv[0], "reinstate") == 0) {
        return cmd_reinstate(db, argv[1]);
    }
    if (argc == 3 && strcmp(argv[0], "create-staff") == 0) {
        return cmd_create_staff(db, argv[1], argv[2]);
    }
    if (argc == 1 && strcmp(argv[0], "list-staff") == 0) {
        return cmd_list_staff(db);
    }
    if (argc == 2 && strcmp(argv[0], "disable-staff") == 0) {
        return cmd_disable_staff(db, argv[1]);
    }
    if (argc == 2 && strcmp(argv[0], "enable-staff") == 0) {
        return cmd_enable_staff(db, argv[1]);
    }
    if (argc == 2 && strcmp(argv[0], "staff-password") == 0) {
        return cmd_staff_password(db, argv[1]);
    }
    if ((argc == 2 || argc == 3) && strcmp(argv[0], "import-members") == 0) {
        return cmd_import_members(db, argv[1], argc == 3 ? argv[2] : NULL);
    }
    if (argc == 1 && strcmp(argv[0], "export-audit") == 0) {
        return cmd_export_audit(db, NULL);
    }
    if (argc == 3 && strcmp(argv[0], "export-audit") == 0 && strcmp(argv[1], "--since") == 0) {
        return cmd_export_audit(db, argv[2]);
    }
    if (argc == 3 && strcmp(argv[0], "make-members") == 0) {
        return cmd_make_members(db, argv[1], argv[2], NULL);
    }
    if (argc == 5 && strcmp(argv[0], "make-members") == 0 && strcmp(argv[3], "--institute") == 0) {
        return cmd_make_members(db, argv[1], argv[2], argv[4]);
    }
    if (argc >= 1 && strcmp(argv[0], "issue-certificates") == 0) {
        int rc = cmd_issue_certificates(db, argc - 1, argv + 1);
        return rc == 2 ? usage() : rc;
    }
    return usage();
}

int main(int argc, const char *const *argv)
{
    admin_db db = { 0 };
    if (argc < 6 || strcmp(argv[1], "-d") != 0 || strcmp(argv[3], "-p") != 0) {
        return usage();
    }
    apr_app_initialize(&argc, &argv, NULL);
    atexit(apr_terminate);
    apr_pool_create(&db.pool, NULL);
    apr_dbd_init(db.pool);
    if (db_open(&db, argv[2], argv[4]) != 0) {
        return 1;
    }
    int rc = dispatch(&db, argc - 5, argv + 5);
    apr_dbd_close(db.driver, db.handle);
    return rc;
}
