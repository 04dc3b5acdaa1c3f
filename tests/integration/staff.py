"""Staff accounts and a client of the staff API, for the staff tests."""
import os
import subprocess

import requests

from conftest import ROOT

STAFF_PASSWORD = "Staff#2026x"
ADMIN = os.path.join(ROOT, "cicpa-admin")


def cicpa_admin(db, *args, stdin=""):
    """Runs cicpa-admin on the test database: (exit code, stdout, stderr)."""
    r = subprocess.run([ADMIN, "-d", db.driver, "-p", db.params, *args],
                       input=stdin, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def create_staff(db, login, institute, password=STAFF_PASSWORD):
    rc, out, err = cicpa_admin(db, "create-staff", login, institute, stdin=password + "\n")
    assert rc == 0, err
    return login


class Staff:
    """A client of the staff API, as the admin pages use it (cookie + CSRF)."""

    def __init__(self, base):
        self.root = base
        self.base = base + "/cert/admin/api"
        self.http = requests.Session()
        self.csrf = None

    def url(self, path):
        return self.base + path

    def login(self, login, password=STAFF_PASSWORD, captcha=True):
        body = {"login": login, "password": password}
        if captcha:
            r = self.http.get(self.root + "/cert/api/captcha")
            body["captcha_id"], body["captcha"] = r.json()["captcha_id"], r.headers["X-Captcha-Answer"]
        r = self.http.post(self.url("/login"), json=body)
        if r.status_code == 200:
            self.csrf = r.json()["csrf_token"]
        return r

    def get(self, path, **kw):
        return self.http.get(self.url(path), **kw)

    def post(self, path, body=None, **kw):
        return self.http.post(self.url(path), json=body or {}, headers={"X-CSRF-Token": self.csrf}, **kw)

    def put(self, path, body, **kw):
        return self.http.put(self.url(path), json=body, headers={"X-CSRF-Token": self.csrf}, **kw)
