"""cicpa-admin's staff account commands: list-staff, disable-staff,
enable-staff and staff-password, against the real httpd."""
import os
import time

import pytest

from staff import STAFF_PASSWORD, Staff, cicpa_admin, create_staff

NEW_PASSWORD = "Renewed#2026y"
_seq = [0]


def unique(prefix):
    _seq[0] += 1
    return "%s%d-%d" % (prefix, os.getpid() % 100000, _seq[0])


def logged_in(httpd, login, password=STAFF_PASSWORD):
    s = Staff(httpd.url)
    r = s.login(login, password)
    assert r.status_code == 200, r.text
    return s


def refused_like_a_wrong_password(httpd, login, password=STAFF_PASSWORD):
    r = Staff(httpd.url).login(login, password)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_credentials", r.text


def listed(db):
    """list-staff as {login: row}, each row a dict of the header's columns."""
    rc, out, err = cicpa_admin(db, "list-staff")
    assert rc == 0, err
    header, *lines = out.splitlines()
    assert header.split("\t") == ["login", "institute", "role", "disabled", "created_utc"]
    rows = [dict(zip(header.split("\t"), line.split("\t"))) for line in lines]
    return {row["login"]: row for row in rows}


def sessions_of(db, login):
    return db.query("SELECT COUNT(*) FROM staff_sessions WHERE login = ?", login)[0][0]


def audited(db, action, login):
    rows = db.query("SELECT actor, detail FROM audit_log WHERE action = ? ORDER BY id", action)
    return [actor for actor, detail in rows if detail == '{"login":"%s"}' % login]


def test_list_shows_accounts_with_their_role(db):
    national, provincial = create_staff(db, unique("ln"), "00"), create_staff(db, unique("lp"), "31")
    rows = listed(db)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert rows[national]["institute"] == "00" and rows[national]["role"] == "national"
    assert rows[provincial]["institute"] == "31" and rows[provincial]["role"] == "provincial"
    assert rows[national]["disabled"] == rows[provincial]["disabled"] == "no"
    assert rows[national]["created_utc"].startswith(today)


def test_disable_refuses_login_like_a_wrong_password_and_ends_sessions(httpd, db):
    login = create_staff(db, unique("dis"), "11")
    session = logged_in(httpd, login)
    rc, out, err = cicpa_admin(db, "disable-staff", login)
    assert rc == 0, err
    assert session.get("/session").status_code == 401
    assert sessions_of(db, login) == 0
    refused_like_a_wrong_password(httpd, login)
    assert listed(db)[login]["disabled"] == "yes"
    assert audited(db, "staff_disabled", login) == ["staff:cicpa-admin"]


def test_enable_lets_the_account_log_in_again(httpd, db):
    login = create_staff(db, unique("ena"), "11")
    assert cicpa_admin(db, "disable-staff", login)[0] == 0
    rc, _, err = cicpa_admin(db, "enable-staff", login)
    assert rc == 0, err
    logged_in(httpd, login)
    assert listed(db)[login]["disabled"] == "no"
    assert audited(db, "staff_enabled", login) == ["staff:cicpa-admin"]


def test_staff_password_replaces_the_password_and_ends_sessions(httpd, db):
    login = create_staff(db, unique("pw"), "11")
    session = logged_in(httpd, login)
    rc, out, err = cicpa_admin(db, "staff-password", login, stdin=NEW_PASSWORD + "\n")
    assert rc == 0, err
    assert NEW_PASSWORD not in out + err
    assert session.get("/session").status_code == 401
    refused_like_a_wrong_password(httpd, login)
    logged_in(httpd, login, NEW_PASSWORD)
    assert audited(db, "staff_password_set", login) == ["staff:cicpa-admin"]
    details = db.query("SELECT detail FROM audit_log WHERE detail LIKE ?", "%" + NEW_PASSWORD + "%")
    assert details == []


def test_staff_password_keeps_the_policy_and_changes_nothing_when_weak(httpd, db):
    login = create_staff(db, unique("weak"), "11")
    session = logged_in(httpd, login)
    rc, _, err = cicpa_admin(db, "staff-password", login, stdin="short\n")
    assert rc == 1 and "weak password" in err
    assert session.get("/session").status_code == 200
    logged_in(httpd, login)


@pytest.mark.parametrize("command", ["disable-staff", "enable-staff", "staff-password"])
def test_unknown_logins_are_refused(db, command):
    rc, _, err = cicpa_admin(db, command, "nobody-" + unique("x"), stdin=NEW_PASSWORD + "\n")
    assert rc == 1 and "no staff account" in err
