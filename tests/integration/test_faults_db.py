"""Database faults (issue 13, items 1, 2 and 6): every guarding write fails
closed with a clean 503, nothing is left half-written, and the server heals
by itself once the database is back (cc_db_heal.c), without a restart.

A write that cannot be done is injected exactly with a trigger that makes
every INSERT into one table fail (the real database refuses the statement,
as a full disk or a constraint would); whole-database faults are real: an
SQLite file locked by another process's writer, or read-only, and a
PostgreSQL server stopped and started again under a request loop."""
import os
import stat
import subprocess
import sys
import threading
import time

import pytest
import requests

from conftest import DB_KIND, Api, Database, Httpd, assert_no_unexpected_errors, lib, new_member
from staff import Staff, create_staff
from test_photo import MATCH, MEMBER2_ID, photo, upload_raw

PASSPORT = {"id_type": "护照", "id_number": "E12345678"}
ALLOWED_ORIGIN = "https://portal.example.org"
# What a database fault logs on purpose: the module's failed statements and
# transactions, mod_dbd's failed (re)connections, apr-util's driver.
DB_FAULT_LINES = (r"statement \w+ failed", r"query \w+ failed", r"transaction", r"no database connection",
                  r"could not be saved", r"AH0062\d|AH0063\d|AH0064\d|AH00633|mod_dbd|dbd",
                  r"database")


FAULTABLE = ("audit_log", "sessions")


@pytest.fixture(scope="module")
def fdb():
    """A database of this module's own, with triggers that make every
    INSERT into a table of FAULTABLE fail while injected_faults names it.
    They are made before any httpd opens it: SQLite fails each prepared
    statement once after a schema change, which must not reach the tests."""
    database = Database(DB_KIND, name="faults")
    database.create()
    database.query("CREATE TABLE injected_faults (tbl TEXT NOT NULL)")
    if database.kind != "sqlite":
        database.query("CREATE FUNCTION cc_injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                       " IF EXISTS (SELECT 1 FROM injected_faults WHERE tbl = TG_TABLE_NAME) THEN"
                       " RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$")
    for table in FAULTABLE:
        if database.kind == "sqlite":
            database.query(f"CREATE TRIGGER fault_{table} BEFORE INSERT ON {table}"
                           f" WHEN EXISTS (SELECT 1 FROM injected_faults WHERE tbl = '{table}')"
                           " BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
        else:
            database.query(f"CREATE TRIGGER fault_{table} BEFORE INSERT ON {table}"
                           " FOR EACH ROW EXECUTE FUNCTION cc_injected_fault()")
    return database


@pytest.fixture
def make_member(fdb):
    return lambda **kw: new_member(fdb, **kw)


@pytest.fixture(scope="module")
def server(fdb):
    s = Httpd(fdb, name="faults-db", extra_conf=f"CicpaCertAllowedOrigin {ALLOWED_ORIGIN}\n")
    if s.start() != 0:
        pytest.fail("httpd did not start:\n" + s.log_text())
    yield s
    s.stop()


@pytest.fixture
def log_guard(request, server):
    offset = server.log_size()
    yield
    assert_no_unexpected_errors(request, server, offset)


@pytest.fixture
def failing_inserts(fdb):
    """fail(table): from now on every INSERT into table (of FAULTABLE)
    fails in the database itself; undone after the test."""
    yield lambda table: fdb.query("INSERT INTO injected_faults (tbl) VALUES (?)", table)
    fdb.query("DELETE FROM injected_faults")


def count(fdb, sql, *args):
    return fdb.query(sql, *args)[0][0]


def audit_rows(fdb, number, action=None):
    if action is None:
        return count(fdb, "SELECT COUNT(*) FROM audit_log WHERE member_no = ?", number)
    return count(fdb, "SELECT COUNT(*) FROM audit_log WHERE member_no = ? AND action = ?", number, action)


def sessions_of(fdb, number):
    return count(fdb, "SELECT COUNT(*) FROM sessions WHERE member_no = ?", number)


def assert_db_unavailable(r):
    assert r.status_code == 503, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]["code"] == "database_unavailable"
    assert "cicpa_session" not in r.headers.get("Set-Cookie", "")


def unique(prefix):
    return "%s%d%d" % (prefix, os.getpid() % 1000, int(time.time() * 1000) % 10 ** 7)


# --- item 1: guarding writes fail closed -----------------------------------

@pytest.mark.expected_errors(*DB_FAULT_LINES)
def test_a_login_that_cannot_be_audited_answers_alike_for_right_and_wrong_passwords(
        server, log_guard, fdb, make_member, failing_inserts):
    number = make_member()
    failing_inserts("audit_log")
    right = Api(server.url).login(number)
    wrong = Api(server.url).login(number, password="Wrong#2026x")
    assert_db_unavailable(right)
    assert_db_unavailable(wrong)
    assert right.json() == wrong.json()
    assert sessions_of(fdb, number) == 0 and audit_rows(fdb, number) == 0


@pytest.mark.expected_errors(*DB_FAULT_LINES)
def test_a_session_that_cannot_be_written_is_a_503_without_cookie_or_login_row(
        server, log_guard, fdb, make_member, failing_inserts):
    number = make_member()
    failing_inserts("sessions")
    assert_db_unavailable(Api(server.url).login(number))
    assert sessions_of(fdb, number) == 0 and audit_rows(fdb, number, "login") == 0


@pytest.mark.expected_errors(*DB_FAULT_LINES)
def test_staff_logins_and_logouts_fail_closed_too(server, log_guard, fdb, failing_inserts):
    login = create_staff(fdb, unique("fdb"), "11")
    staff = Staff(server.url)
    assert staff.login(login).status_code == 200
    failing_inserts("audit_log")
    right, wrong = Staff(server.url).login(login), Staff(server.url).login(login, password="Wrong#2026x")
    assert_db_unavailable(right)
    assert_db_unavailable(wrong)
    assert right.json() == wrong.json()
    assert "_staff=" not in right.headers.get("Set-Cookie", "")
    assert count(fdb, "SELECT COUNT(*) FROM staff_sessions WHERE login = ?", login) == 1
    # A logout that cannot be audited leaves the session as it was.
    assert_db_unavailable(staff.post("/logout"))
    assert staff.get("/session").status_code == 200


@pytest.mark.expected_errors(*DB_FAULT_LINES)
def test_an_action_whose_audit_row_cannot_be_written_is_not_done(server, log_guard, fdb, make_member,
                                                                 failing_inserts):
    on_file, passport = make_member(), make_member(photo=False, fields=PASSPORT)
    apis = {n: Api(server.url) for n in (on_file, passport)}
    for n, api in apis.items():
        assert api.login(n).status_code == 200
    failing_inserts("audit_log")
    download = apis[on_file].http.get(apis[on_file].url("/me/certificate"), params={"confirm": "1"},
                                      headers=apis[on_file].bearer())
    assert_db_unavailable(download)
    upload = upload_raw(apis[passport], photo(MATCH))
    assert_db_unavailable(upload)
    # The photo kept for the review rolled back with its missing audit row.
    assert fdb.query("SELECT photo_status FROM members WHERE member_no = ?", passport) == [("none",)]
    assert count(fdb, "SELECT COUNT(*) FROM photo_uploads WHERE member_no = ?", passport) == 0
    for n in apis:
        assert audit_rows(fdb, n) == 1  # the login's only


# --- item 6: login CSRF ------------------------------------------------------

def form_login(server, number, **headers):
    api = Api(server.url)
    cid, answer = api.captcha()
    return api.http.post(api.url("/login"), headers=headers, data={
        "user_type": "non_practicing", "member_no": number, "password": "Demo@2026",
        "captcha_id": cid, "captcha": answer})


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://127.0.0.1.evil.example", "Sec-Fetch-Site": "same-site"},
])
def test_a_cross_site_login_form_is_refused_without_a_cookie(server, log_guard, fdb, make_member, headers):
    number = make_member()
    r = form_login(server, number, **headers)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "cross_site"
    assert "Set-Cookie" not in r.headers
    assert sessions_of(fdb, number) == 0 and audit_rows(fdb, number) == 0


def test_same_origin_allowed_origins_and_plain_clients_log_in(server, log_guard, make_member):
    number = make_member()
    own = server.url
    for headers in ({"Origin": own}, {"Origin": own, "Sec-Fetch-Site": "same-origin"},
                    {"Origin": ALLOWED_ORIGIN, "Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "none"}, {}):
        r = form_login(server, number, **headers)
        assert r.status_code == 200, (headers, r.text)
        assert "cicpa_session=" in r.headers["Set-Cookie"]


def test_cookie_changes_from_another_site_are_refused_and_bearer_clients_are_not(server, log_guard,
                                                                                 make_member):
    api = Api(server.url)
    assert api.login(make_member()).status_code == 200
    evil = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    r = api.http.put(api.url("/me/profile"), json={"mobile": "13800000000"},
                     headers={"X-CSRF-Token": api.csrf, **evil})
    assert r.status_code == 403 and r.json()["error"]["code"] == "cross_site"
    # Reading stays possible; a Bearer client is not a browser's cookie.
    assert api.http.get(api.url("/me"), headers=evil).status_code == 200
    bearer = requests.post(api.url("/logout"), headers={**api.bearer(), **evil})
    assert bearer.status_code == 200, bearer.text


def test_a_cross_site_staff_login_is_refused(server, log_guard, fdb):
    login = create_staff(fdb, unique("fdx"), "11")
    staff = Staff(server.url)
    r = staff.http.get(server.url + "/cert/api/captcha")
    body = {"login": login, "password": "Staff#2026x", "captcha_id": r.json()["captcha_id"],
            "captcha": r.headers["X-Captcha-Answer"]}
    r = staff.http.post(staff.url("/login"), data=body,
                        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "cross_site"
    assert "Set-Cookie" not in r.headers


# --- item 4 leftovers: parameters read alike ----------------------------------

def test_an_audit_query_that_cannot_be_read_is_400_not_an_unfiltered_list(server, log_guard, fdb):
    staff = Staff(server.url)
    assert staff.login(create_staff(fdb, unique("fda"), "00")).status_code == 200
    r = staff.get("/audit", params=[("member_no", "110000000001"), ("member_no", "110000000002")])
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "malformed_form"


def test_json_keys_differing_only_in_case_are_refused_as_the_form_refuses_them(server, log_guard):
    api = Api(server.url)
    cid, answer = api.captcha()
    body = ('{"user_type":"non_practicing","member_no":"110000000001","Member_No":"110000000002",'
            f'"password":"Demo@2026","captcha_id":"{cid}","captcha":"{answer}"}}')
    r = api.http.post(api.url("/login"), data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
    form = api.http.post(api.url("/login"), data=[("member_no", "1"), ("Member_No", "2")])
    assert form.status_code == 400 and form.json()["error"]["code"] == "malformed_form"


# --- item 2: whole-database faults under a request loop -----------------------

class Loop:
    """Members logging in, reading /me, downloading and uploading in a few
    threads until stopped; every answer recorded with its time."""

    def __init__(self, server, make_member, threads=4):
        self.server = server
        self.members = [make_member() for _ in range(threads)]
        self.uploaders = [make_member(photo=False, fields=PASSPORT) for _ in range(threads)]
        self.answers = []  # (started, seconds, what, status, code)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(threads)]

    def record(self, what, started, r):
        code = None
        if r is not None and r.status_code >= 400:
            try:
                code = r.json()["error"]["code"]
            except ValueError:
                code = "not json"
        with self.lock:
            self.answers.append((started, time.time() - started, what,
                                 r.status_code if r is not None else None, code))

    def call(self, what, fn):
        started = time.time()
        try:
            r = fn()
        except requests.RequestException:
            r = None
        self.record(what, started, r)
        return r

    def login(self, number):
        """A login as the page does it, the captcha recorded too; the
        logged-in client or None."""
        api = Api(self.server.url)
        r = self.call("captcha", lambda: api.http.get(api.url("/captcha")))
        if r is None or r.status_code != 200:
            return None
        body = {"user_type": "non_practicing", "member_no": number, "password": "Demo@2026",
                "captcha_id": r.json()["captcha_id"], "captcha": r.headers["X-Captcha-Answer"]}
        r = self.call("login", lambda: api.http.post(api.url("/login"), json=body))
        if r is None or r.status_code != 200:
            return None
        api.token = r.json()["token"]
        return api

    def cycle(self, i):
        api = self.login(self.members[i])
        if api is None:
            return False
        ok = self.call("me", lambda: api.http.get(api.url("/me"), headers=api.bearer())).status_code == 200
        d = self.call("download", lambda: api.http.get(api.url("/me/certificate"), params={"confirm": "1"},
                                                        headers=api.bearer()))
        up = self.login(self.uploaders[i])
        if up is not None:
            self.call("upload", lambda: upload_raw(up, photo(MATCH)))
        return ok and d is not None and d.status_code == 200

    def run(self, i):
        while not self.stopping.is_set():
            try:
                self.cycle(i)
            except (requests.RequestException, KeyError, ValueError, AttributeError):
                pass  # recorded already; a broken cycle just starts again

    def __enter__(self):
        self.t0 = time.time()
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for t in self.threads:
            t.join(60)

    def statuses(self):
        """{(what, status, code): (how many, slowest seconds)}."""
        seen = {}
        for a in self.answers:
            n, slowest = seen.get((a[2], a[3], a[4]), (0, 0))
            seen[(a[2], a[3], a[4])] = (n + 1, round(max(slowest, a[1]), 1))
        return seen


def assert_clean(loop, slowest=20):
    """Only success, expected refusals and clean 503s; nothing hung."""
    expected = {200, 409, 503}
    bad = [a for a in loop.answers if a[3] not in expected or (a[3] == 503 and a[4] != "database_unavailable"
                                                              and a[4] != "comparison_unavailable")]
    assert not bad, "unexpected answers: %r" % bad[:10]
    assert max(a[1] for a in loop.answers) < slowest, "a request took %.1f s" % max(a[1] for a in loop.answers)
    # Seen: refused, or kept waiting while the driver retried.
    assert any(a[3] == 503 or a[1] > 2 for a in loop.answers), "the fault was never seen: %r" % loop.statuses()


def healed_within(server, make_member, since, limit=10, in_a_row=8):
    """Seconds from since until the first of in_a_row fresh clients in a row
    (new connections, reaching the different children) that each log in,
    read /me and download; fails when that streak starts after limit."""
    number = make_member()
    healthy, streak = 0, None
    while time.time() - since < limit or healthy:
        api = Api(server.url)
        begun = time.time()
        try:
            ok = (api.login(number).status_code == 200
                  and api.http.get(api.url("/me"), headers=api.bearer()).status_code == 200
                  and api.http.get(api.url("/me/certificate"), params={"confirm": "1"},
                                   headers=api.bearer()).status_code == 200)
        except (requests.RequestException, AssertionError):
            ok = False
        healthy = healthy + 1 if ok else 0
        streak = (streak or begun) if ok else None
        if healthy == in_a_row:
            return streak - since
        if not ok:
            time.sleep(0.2)
    pytest.fail(f"not healed {limit} s after the fault ended")


def assert_nothing_half_written(fdb, loop):
    """Every answer matches its rows: a login answered 200 has its session
    and its audit row and nothing else has either; every download answered
    has its audit row; an upload kept is kept whole; no claim stays."""
    t0 = int(loop.t0) - 1
    logins = {}
    for number in loop.members + loop.uploaders:
        sessions = count(fdb, "SELECT COUNT(*) FROM sessions WHERE member_no = ? AND created_at >= ?",
                         number, t0)
        rows = count(fdb, "SELECT COUNT(*) FROM audit_log WHERE member_no = ? AND action = 'login'"
                     " AND at >= ?", number, t0)
        assert sessions == rows, (number, sessions, rows)
        logins[number] = rows
    answered = sum(1 for a in loop.answers if a[2] == "login" and a[3] == 200)
    # A login whose answer was lost in transit may be stored; never fewer.
    assert sum(logins.values()) >= answered
    assert sum(logins.values()) <= answered + sum(1 for a in loop.answers if a[2] == "login" and a[3] is None)
    downloads = sum(count(fdb, "SELECT COUNT(*) FROM audit_log WHERE member_no = ?"
                              " AND action = 'certificate_download' AND at >= ?", n, t0) for n in loop.members)
    assert downloads >= sum(1 for a in loop.answers if a[2] == "download" and a[3] == 200)
    for number in loop.uploaders:
        status = fdb.query("SELECT photo_status, compare_claim FROM members WHERE member_no = ?", number)[0]
        kept = count(fdb, "SELECT COUNT(*) FROM photo_uploads WHERE member_no = ?", number)
        audited = audit_rows(fdb, number, "photo_kept_for_review")
        assert (status[0], kept, audited) in {("none", 0, 0), ("awaiting_review", 1, 1)}, (number, status, kept)
        assert not status[1]
    for number in loop.members:
        assert not fdb.query("SELECT compare_claim FROM members WHERE member_no = ?", number)[0][0]


@pytest.mark.skipif(DB_KIND != "sqlite", reason="an SQLite file locked by another process")
@pytest.mark.expected_errors(*DB_FAULT_LINES)
def test_sqlite_locked_by_another_writer(server, log_guard, fdb, make_member):
    loop = Loop(server, make_member)
    with loop:
        time.sleep(1.5)
        holder = subprocess.Popen(["sqlite3", fdb.path], stdin=subprocess.PIPE, text=True)
        holder.stdin.write("PRAGMA busy_timeout = 10000;\nBEGIN EXCLUSIVE;\n"
                           "INSERT INTO audit_log (at, actor, action, detail, client_ip)"
                           " VALUES (0, 'test', 'lock', '', '');\n")
        holder.stdin.flush()
        time.sleep(6)
        holder.stdin.write("ROLLBACK;\n.quit\n")
        holder.stdin.close()
        holder.wait(10)
        released = time.time()
        time.sleep(2)
    assert_clean(loop)
    took = healed_within(server, make_member, released)
    print(f"locked: answers {loop.statuses()}; healed {took:.1f} s after the lock ended")
    assert_nothing_half_written(fdb, loop)


def set_writable(fdb, writable):
    mode = os.stat(fdb.path).st_mode
    os.chmod(fdb.path, mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.mark.skipif(DB_KIND != "sqlite", reason="an SQLite file made read-only")
@pytest.mark.skipif(os.geteuid() != 0, reason="the children must run as another user than the file's owner")
@pytest.mark.expected_errors(*DB_FAULT_LINES)
def test_sqlite_read_only_for_a_while(fdb, make_member, request):
    # An httpd of its own: the read-only file reaches connections as they
    # are opened, so its children start during the fault.
    server = Httpd(fdb, name="faults-db-ro")
    assert server.start() == 0, server.log_text()
    try:
        offset = server.log_size()
        loop = Loop(server, make_member)
        with loop:
            time.sleep(1)
            set_writable(fdb, False)
            try:
                subprocess.run(["apache2", "-f", server.conf, "-k", "graceful"], check=True)
                time.sleep(5)
            finally:
                set_writable(fdb, True)
            writable = time.time()
            time.sleep(2)
        assert_clean(loop)
        took = healed_within(server, make_member, writable)
        print(f"read-only: answers {loop.statuses()}; healed {took:.1f} s after it was writable")
        assert_nothing_half_written(fdb, loop)
        assert_no_unexpected_errors(request, server, offset)
    finally:
        set_writable(fdb, True)
        server.stop()


@pytest.mark.skipif(DB_KIND != "pgsql", reason="a PostgreSQL server stopped and started")
@pytest.mark.expected_errors(*DB_FAULT_LINES)
def test_postgresql_stopped_and_started_under_load(server, log_guard, fdb, make_member, httpd):
    loop = Loop(server, make_member)
    try:
        with loop:
            time.sleep(1.5)
            lib("cc_pg_stop")
            time.sleep(4)
            lib("cc_pg_start")
            started = time.time()
            time.sleep(2)
    finally:
        lib("cc_pg_start 2>/dev/null || true")  # whatever failed: the rest of the suite needs it
    assert_clean(loop)
    took = healed_within(server, make_member, started)
    print(f"restart: answers {loop.statuses()}; healed {took:.1f} s after the server was back")
    assert_nothing_half_written(fdb, loop)
    # The suite's own httpd lost its connections too: it would heal on its
    # own as well, but with a failed request per child in whichever test
    # comes next. New children, so that the next tests find it as it was.
    subprocess.run(["apache2", "-f", httpd.conf, "-k", "graceful"], check=True)
    ready, deadline = 0, time.time() + 15
    while ready < 8 and time.time() < deadline:
        ready = ready + 1 if httpd.answers_from_database() else 0
        time.sleep(0.1)
