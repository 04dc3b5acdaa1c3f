"""cicpa-admin's command line as an administrator meets it: a bare call or a
wrong command is an error with the usage, and a folder of migrations that
cannot be read says why."""
import subprocess

from staff import ADMIN, cicpa_admin


def test_no_arguments_is_an_error_with_the_usage_on_stderr():
    r = subprocess.run([ADMIN], capture_output=True, text=True)
    assert r.returncode != 0
    assert r.stdout == "" and r.stderr.startswith("usage: cicpa-admin -d DRIVER -p PARAMS COMMAND")
    assert "migrate DIR" in r.stderr and "export-audit" in r.stderr


def test_an_unknown_command_is_an_error_with_the_usage(db):
    rc, out, err = cicpa_admin(db, "no-such-command")
    assert rc != 0 and out == "" and err.startswith("usage: cicpa-admin")


def test_migrations_that_cannot_be_listed_say_why(db, tmp_path):
    rc, _, err = cicpa_admin(db, "migrate", str(tmp_path / "missing"))
    assert rc == 1
    assert err.strip() == f"cicpa-admin: cannot list migrations in {tmp_path / 'missing'}: No such file or directory"
    not_a_folder = tmp_path / "file.sql"
    not_a_folder.write_text("")
    rc, _, err = cicpa_admin(db, "migrate", str(not_a_folder))
    assert rc == 1 and err.strip().endswith(": Not a directory")
