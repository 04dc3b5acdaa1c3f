"""Integration harness: a real apache2 with the built module, on a loopback
port, over a real SQLite file or a real PostgreSQL database (CICPA_TEST_DB).

Like httpd's own pyhttpd, every test fails when the error log gained
[error]/[crit]/[alert]/[emerg] lines (or a child killed by a signal) it did not declare with
@pytest.mark.expected_errors("regex", ...)."""
import os
import re
import socket
import sqlite3
import subprocess
import time

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DB_KIND = os.environ.get("CICPA_TEST_DB", "sqlite")
# Parallel runs (several developers on one machine) pick their own folder
# and PostgreSQL database.
OUT = os.path.join(os.environ.get("CICPA_TEST_OUT", os.path.join(ROOT, "tests", "out")), DB_KIND)
PG_DB = os.environ.get("CICPA_TEST_PGDB", "cicpa_test")
PASSWORD = "Demo@2026"
SERIOUS = re.compile(r"\[(?:[\w.]+:)?(error|crit|alert|emerg)\]|exit signal")
# Every test httpd reads this before its own extra conf. The captcha stays
# on; the test-only header hands its answer to Api.login. All tests log in
# from 127.0.0.1 and share the demo members and the database's counts, so the
# attempt limits and rates are out of reach here; test_login_hardening.py,
# test_verify.py and test_nodes.py test them in httpds of their own.
TEST_CONF = """CicpaCertCaptcha On
CicpaCertCaptchaTestHeader On
CicpaCertLoginMaxFailures 100000
CicpaCertLoginMaxFailuresPerAddress 100000
CicpaCertCaptchaRate 6000
CicpaCertVerifyRate 6000
"""


def lib(command):
    """Runs a function of scripts/lib.sh (the demo uses the same ones)."""
    subprocess.run(["bash", "-c", f'. "{ROOT}/scripts/lib.sh" && {command}'],
                   check=True, cwd=ROOT)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """Direct access for set-up and assertions (never the module's path)."""

    def __init__(self, kind, name=None):
        """The suite's database, or (name) one of a test module's own."""
        self.kind = kind
        self.pg_name = PG_DB + ("_" + name if name else "")
        if kind == "sqlite":
            self.path = os.path.join(OUT, "db-" + name if name else "db", "cicpa.db")
            self.driver, self.params = "sqlite3", self.path
        else:
            port = os.environ.get("CICPA_PG_PORT", "54329")
            self.driver = "pgsql"
            self.params = f"host=127.0.0.1 port={port} dbname={self.pg_name} user=postgres"

    def create(self):
        if self.kind == "sqlite":
            lib(f'cc_new_sqlite_db "{self.path}"')
        else:
            lib(f"cc_new_pg_db {self.pg_name}")

    def _connect(self):
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.path, timeout=10)
            return conn
        import psycopg2
        return psycopg2.connect(self.params)

    def query(self, sql, *args):
        """Runs sql (with ? placeholders) and returns all rows, committed."""
        if self.kind != "sqlite":
            sql = sql.replace("?", "%s")
        conn = self._connect()
        try:
            cur = conn.cursor()
            cur.execute(sql, args)
            rows = cur.fetchall() if cur.description else []
            conn.commit()
            return rows
        finally:
            conn.close()


class Httpd:
    def __init__(self, db, name="main", extra_conf=None):
        self.db = db
        self.root = os.path.join(OUT, name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.conf = os.path.join(self.root, "httpd.conf")
        self.error_log = os.path.join(self.root, "error.log")
        self.extra_conf = extra_conf

    def render(self):
        os.makedirs(self.root, exist_ok=True)
        extra = os.path.join(self.root, "extra.conf")
        with open(extra, "w") as f:
            f.write(TEST_CONF + (self.extra_conf or ""))
        for leftover in ("error.log", "httpd.pid"):
            path = os.path.join(self.root, leftover)
            if os.path.exists(path):
                os.remove(path)
        lib(f'cc_render_conf "{self.root}" {self.port} {self.db.driver} '
            f'"{self.db.params}" "{extra}"')

    def start(self):
        """Starts httpd; returns the apache2 exit code (0 when it runs)."""
        self.render()
        rc = subprocess.run(["apache2", "-f", self.conf, "-k", "start"]).returncode
        if rc != 0:
            return rc
        deadline = time.time() + 15
        ready = 0
        started = False
        while time.time() < deadline:
            # `-k start` returns before the detached parent writes its pid
            # file: gone means exited only once it has been there.
            started = started or not self.exited()
            if started and self.exited():
                return 1
            # Ready once fresh connections (reaching the different children)
            # get an answer from the database: the children have opened
            # their connections and prepared their statements.
            ready = ready + 1 if self.answers_from_database() else 0
            if ready >= 8:
                return 0
            time.sleep(0.05)
        return 1

    def answers_from_database(self):
        try:
            return requests.get(self.url + "/cert/api/contacts", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def exited(self):
        return not os.path.exists(os.path.join(self.root, "httpd.pid"))

    def stop(self):
        subprocess.run(["apache2", "-f", self.conf, "-k", "stop"],
                       stderr=subprocess.DEVNULL)
        deadline = time.time() + 15
        while not self.exited() and time.time() < deadline:
            time.sleep(0.1)

    def log_size(self):
        return os.path.getsize(self.error_log) if os.path.exists(self.error_log) else 0

    def log_since(self, offset):
        if not os.path.exists(self.error_log):
            return []
        with open(self.error_log, encoding="utf-8", errors="replace") as f:
            f.seek(offset)
            return f.read().splitlines()

    def log_text(self):
        return "\n".join(self.log_since(0))


def refused_startup(db, name, extra_conf=None, edit=None):
    """A configuration that a bad setting must refuse: extra_conf, or
    edit(text) applied to its rendered httpd.conf. `apache2 -t` (configtest,
    what `apachectl graceful` and logrotate's reload run first) must fail,
    and so must a start; fails the test when either accepts it. Returns what
    configtest said, which is what the callers check."""
    server = Httpd(db, name=name, extra_conf=extra_conf)
    server.render()
    if edit:
        with open(server.conf) as f:
            text = edit(f.read())
        with open(server.conf, "w") as f:
            f.write(text)
    tested = subprocess.run(["apache2", "-t", "-f", server.conf], capture_output=True, text=True)
    said = tested.stdout + tested.stderr
    assert tested.returncode != 0 and "Syntax OK" not in said, "configtest accepted it:\n" + said
    started = subprocess.run(["apache2", "-f", server.conf, "-k", "start"],
                             capture_output=True, text=True)
    output = started.stdout + started.stderr + server.log_text()
    if started.returncode == 0:
        # `-k start` can succeed before the detached parent refuses the
        # configuration: give it a second to stop and say why.
        time.sleep(1)
        output += server.log_text()
        running = not server.exited()
        server.stop()
        assert not running, "httpd kept running:\n" + output
    return said


@pytest.fixture(scope="session")
def db():
    database = Database(DB_KIND)
    database.create()
    return database


@pytest.fixture(scope="session")
def httpd(db):
    server = Httpd(db)
    if server.start() != 0:
        pytest.fail("httpd did not start:\n" + server.log_text())
    yield server
    server.stop()


def assert_no_unexpected_errors(request, server, offset):
    """Fails on serious lines server logged since offset that the test did
    not declare with @pytest.mark.expected_errors (for httpds of a test's own)."""
    marker = request.node.get_closest_marker("expected_errors")
    allowed = [re.compile(p) for p in (marker.args if marker else ())]
    unexpected = [line for line in server.log_since(offset)
                  if SERIOUS.search(line) and not any(p.search(line) for p in allowed)]
    assert not unexpected, "unexpected lines in the error log:\n" + "\n".join(unexpected)


@pytest.fixture(autouse=True)
def error_log_guard(request, httpd):
    offset = httpd.log_size()
    yield
    assert_no_unexpected_errors(request, httpd, offset)


def pytest_configure(config):
    config.addinivalue_line("markers", "expected_errors(*regex): error-log lines a test causes on purpose")


class Api:
    """A client of the member API, as a page or the mini-program uses it."""

    def __init__(self, base):
        self.base = base + "/cert/api"
        self.http = requests.Session()
        self.token = None
        self.csrf = None

    def url(self, path):
        return self.base + path

    def captcha(self):
        """A fresh captcha: (captcha_id, answer). Test httpds send the answer
        in X-Captcha-Answer (CicpaCertCaptchaTestHeader, TEST_CONF)."""
        r = self.http.get(self.url("/captcha"))
        assert r.status_code == 200, r.text
        return r.json()["captcha_id"], r.headers["X-Captcha-Answer"]

    def login(self, member_no, password=PASSWORD, user_type="non_practicing", captcha=True, **kw):
        """Logs in as the login page does: with a fresh captcha (captcha=False
        leaves it out)."""
        body = {"user_type": user_type, "member_no": member_no, "password": password}
        if captcha:
            body["captcha_id"], body["captcha"] = self.captcha()
        r = self.http.post(self.url("/login"), json=body, **kw)
        if r.status_code == 200:
            self.token = r.json()["token"]
            self.csrf = r.json()["csrf_token"]
        return r

    def bearer(self):
        """The same session as the mini-program sends it: no cookie."""
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def api(httpd):
    return Api(httpd.url)


@pytest.fixture
def member1(api):
    assert api.login("110000000001").status_code == 200
    return api


_member_seq = [0]


def new_member(db, photo=True, drop=(), fields=None, user_type="non_practicing"):
    """A member of a test's own: a copy of demo member 110000000001
    (password Demo@2026, photo on file) under a fresh number, with `drop`
    fields left empty and `fields` overriding values. photo=False leaves it
    without a photo."""
    _member_seq[0] += 1
    number = "19%04d%06d" % (os.getpid() % 10000, _member_seq[0])
    source = "110000000001"
    db.query("INSERT INTO members (member_no, user_type, password_hash, photo_status,"
             " compare_attempts_used, created_at, updated_at)"
             " SELECT ?, ?, password_hash, ?, compare_attempts_used, created_at, updated_at"
             " FROM members WHERE member_no = ?",
             number, user_type, "on_file" if photo else "none", source)
    values = dict(db.query("SELECT field_key, value FROM member_fields WHERE member_no = ?", source))
    values.update(fields or {})
    for key, value in values.items():
        if key not in drop:
            db.query("INSERT INTO member_fields (member_no, field_key, value) VALUES (?, ?, ?)",
                     number, key, value)
    if photo:
        db.query("INSERT INTO member_photos (member_no, jpeg_b64, sha256, updated_at)"
                 " SELECT ?, jpeg_b64, sha256, updated_at FROM member_photos WHERE member_no = ?",
                 number, source)
    return number


@pytest.fixture
def make_member(db):
    """make(photo=True, drop=(), fields=None, user_type=...): new_member in
    the suite's database."""
    def make(**kw):
        return new_member(db, **kw)
    return make
