/* The commands of cicpa-admin, one file a concern; each returns the exit
 * code (0, or 1 once it said why on stderr). */
#ifndef ADMIN_COMMANDS_H
#define ADMIN_COMMANDS_H

#include "admin_db.h"

int cmd_migrate(admin_db *db, const char *dir);
int cmd_set_photo(admin_db *db, const char *member_no, const char *path);
int cmd_set_reference_photo(admin_db *db, const char *member_no, const char *path);
int cmd_load_demo(admin_db *db, const char *dir);
int cmd_revoke(admin_db *db, const char *cert, const char *reason);
int cmd_suspend(admin_db *db, const char *cert);
int cmd_reinstate(admin_db *db, const char *cert);
int cmd_set_registration(admin_db *db, const char *member_no, const char *date);
int cmd_import_members(admin_db *db, const char *file, const char *photo_dir);
int cmd_export_audit(admin_db *db, const char *since);
int cmd_create_staff(admin_db *db, const char *login, const char *institute);
int cmd_list_staff(admin_db *db);
int cmd_disable_staff(admin_db *db, const char *login);
int cmd_enable_staff(admin_db *db, const char *login);
int cmd_staff_password(admin_db *db, const char *login);
int cmd_issue_certificates(admin_db *db, int argc, const char *const *argv);
int cmd_make_members(admin_db *db, const char *count, const char *photo_path, const char *institute);

#endif
