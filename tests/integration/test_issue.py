"""cicpa-admin issue-certificates: every member's certificate issued and
stored ahead of the downloads by a running node, resumable, with who could
not be issued and why, and never two certificates for one member when the
batch and the members' own downloads race."""
import concurrent.futures
import hashlib
import json
import os
import pty
import re
import subprocess

import pytest

from conftest import ROOT, Api
from staff import ADMIN, cicpa_admin, create_staff
from test_store import LOST_RACE, download

# The batch's members live in an institute no other suite uses, so that a
# batch sees only this file's members.
INSTITUTE = "65"
PHOTO = os.path.join(ROOT, "sql", "demo", "photos", "110000000001.jpg")


def run_batch(db, httpd, staff, *extra, jobs="4"):
    """Runs the batch (output to pipes: the plain progress lines)."""
    r = subprocess.run([ADMIN, "-d", db.driver, "-p", db.params, "issue-certificates", "--url",
                        httpd.url + "/cert/admin/api", "--staff", staff, "--jobs", jobs, *extra],
                       capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


def members(make_member, n, **kw):
    fields = {"institute": INSTITUTE, **kw.pop("fields", {})}
    return [make_member(fields=fields, **kw) for _ in range(n)]


def issued_for(db, number):
    """(certificates, stored PDFs, their SHA-256s) of a member."""
    certs = db.query("SELECT COUNT(*) FROM certificates WHERE member_no = ?", number)[0][0]
    stored = db.query("SELECT p.sha256 FROM certificate_pdfs p JOIN certificates c"
                      " ON c.id = p.certificate_id WHERE c.member_no = ?", number)
    return certs, [s for (s,) in stored]


@pytest.fixture(scope="module")
def national(db):
    return create_staff(db, "batch-national", "00")


def clear_institute(db):
    """Members earlier tests of this file left in INSTITUTE leave it."""
    db.query("UPDATE member_fields SET value = '11' WHERE field_key = 'institute' AND value = ?", INSTITUTE)


def test_a_batch_issues_what_a_download_then_serves_and_a_rerun_skips_it(db, httpd, make_member, national):
    clear_institute(db)
    ready = members(make_member, 6)
    rc, out, err = run_batch(db, httpd, national, "--institute", INSTITUTE)
    assert rc == 0, err
    assert "issued 6, already current 0, failed 0" in out, out
    assert "issue-certificates: 6/6 (100%)" in err
    for number in ready:
        certs, stored = issued_for(db, number)
        assert certs == 1 and len(stored) == 1
    # A member's download serves exactly the stored bytes: no new one.
    api = Api(httpd.url)
    assert api.login(ready[0]).status_code == 200
    pdf = download(api)
    assert pdf.status_code == 200
    assert hashlib.sha256(pdf.content).hexdigest() == issued_for(db, ready[0])[1][0]
    assert issued_for(db, ready[0])[0] == 1
    rc, out, err = run_batch(db, httpd, national, "--institute", INSTITUTE)
    assert rc == 0 and "issued 0, already current 6, failed 0" in out, out + err
    audit = db.query("SELECT actor, detail FROM audit_log WHERE action = 'certificates_batch' ORDER BY id DESC")
    assert audit[0][0] == "staff:batch-national"
    assert json.loads(audit[0][1]) == {"members": 6, "issued": 0, "current": 6, "failed": 0}
    issued_by = db.query("SELECT DISTINCT actor FROM audit_log WHERE action = 'certificate_issued'"
                         " AND member_no = ?", ready[1])
    assert issued_by == [("staff:batch-national",)]


def test_members_who_cannot_be_issued_are_reported_and_the_batch_goes_on(db, httpd, make_member, national):
    clear_institute(db)
    ready = members(make_member, 3)
    no_photo = members(make_member, 1, photo=False)[0]
    incomplete = members(make_member, 1, drop=("mobile",))[0]
    rare = members(make_member, 1, fields={"name": "张\U00013000"})[0]
    rc, out, err = run_batch(db, httpd, national, "--institute", INSTITUTE)
    assert rc == 1, out + err
    assert f"member {no_photo}: photo_required" in err
    assert f"member {incomplete}: profile_incomplete" in err
    assert f"member {rare}: unprintable_characters" in err
    assert "issued 3, already current 0, failed 3" in out, out
    for number in ready:
        assert issued_for(db, number)[0] == 1
    for number in (no_photo, incomplete, rare):
        assert issued_for(db, number) == (0, [])
    # The rerun issues no one twice and reports the same three.
    rc, out, err = run_batch(db, httpd, national, "--institute", INSTITUTE)
    assert rc == 1 and "issued 0, already current 3, failed 3" in out, out


def test_an_interrupted_batch_resumes_where_it_stopped(db, httpd, make_member, national):
    clear_institute(db)
    rc, _, err = cicpa_admin(db, "make-members", "60", PHOTO, "--institute", INSTITUTE)
    assert rc == 0, err
    ready = [n for (n,) in db.query("SELECT member_no FROM member_fields WHERE field_key = 'institute'"
                                    " AND value = ?", INSTITUTE)]
    assert len(ready) == 60
    proc = subprocess.Popen([ADMIN, "-d", db.driver, "-p", db.params, "issue-certificates", "--url",
                             httpd.url + "/cert/admin/api", "--staff", national, "--jobs", "1",
                             "--institute", INSTITUTE], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Killed once some (not all) are stored.
    while db.query("SELECT COUNT(*) FROM certificate_pdfs p JOIN certificates c ON c.id = p.certificate_id"
                   " JOIN member_fields f ON f.member_no = c.member_no AND f.field_key = 'institute'"
                   " WHERE f.value = ?", INSTITUTE)[0][0] < 3:
        if proc.poll() is not None:
            pytest.fail("the batch ended before it could be interrupted: " + proc.stderr.read().decode())
    proc.kill()
    proc.wait()
    done_before = sum(issued_for(db, n)[0] for n in ready)
    assert 3 <= done_before < 60
    rc, out, err = run_batch(db, httpd, national, "--institute", INSTITUTE)
    assert rc == 0, err
    assert f"issued {60 - done_before}, already current {done_before}, failed 0" in out, out
    counts = db.query("SELECT c.member_no, COUNT(*), COUNT(p.certificate_id) FROM certificates c"
                      " LEFT JOIN certificate_pdfs p ON p.certificate_id = c.id"
                      " JOIN member_fields f ON f.member_no = c.member_no AND f.field_key = 'institute'"
                      " WHERE f.value = ? GROUP BY c.member_no", INSTITUTE)
    assert sorted(counts) == sorted((n, 1, 1) for n in ready)


# The loser of a race to issue logs its failed insert and tries again.
@pytest.mark.expected_errors(LOST_RACE)
def test_a_batch_racing_the_members_own_downloads_issues_one_certificate_each(db, httpd, make_member, national):
    clear_institute(db)
    ready = members(make_member, 10)
    apis = []
    for number in ready:
        api = Api(httpd.url)
        assert api.login(number).status_code == 200
        apis.append(api)
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        batch = pool.submit(run_batch, db, httpd, national, "--institute", INSTITUTE)
        downloads = list(pool.map(download, apis * 2))
        rc, out, err = batch.result()
    assert rc == 0, err
    assert all(r.status_code == 200 for r in downloads), {r.status_code for r in downloads}
    for i, number in enumerate(ready):
        certs, stored = issued_for(db, number)
        assert certs == 1 and len(stored) == 1, number
        served = {hashlib.sha256(r.content).hexdigest() for r in downloads[i::len(ready)]}
        assert served == set(stored)


def test_provincial_staff_issue_for_their_institute_only(db, httpd, make_member):
    clear_institute(db)
    members(make_member, 1)
    login = create_staff(db, "batch-beijing", "11")
    rc, out, err = run_batch(db, httpd, login, "--institute", INSTITUTE)
    assert rc == 1 and "may issue for institute 11 only" in err


def test_wrong_url_or_account_stops_the_batch_with_the_reason(db, httpd, national):
    rc, out, err = run_batch(db, httpd, "nobody-here", "--institute", INSTITUTE)
    assert rc == 1 and "no enabled staff account" in err
    r = subprocess.run([ADMIN, "-d", db.driver, "-p", db.params, "issue-certificates", "--url",
                        httpd.url + "/cert/api", "--staff", national, "--institute", "11"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "is URL the staff API" in r.stderr and "member" not in r.stderr, r.stderr
    r = subprocess.run([ADMIN, "-d", db.driver, "-p", db.params, "issue-certificates", "--staff", national],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "usage:" in r.stderr


def test_on_a_terminal_the_progress_is_a_bar_with_rate_and_eta(db, httpd, make_member, national):
    clear_institute(db)
    members(make_member, 2)
    main, side = pty.openpty()
    proc = subprocess.Popen([ADMIN, "-d", db.driver, "-p", db.params, "issue-certificates", "--url",
                             httpd.url + "/cert/admin/api", "--staff", national, "--institute", INSTITUTE],
                            stdout=subprocess.PIPE, stderr=side)
    os.close(side)
    out, _ = proc.communicate(timeout=120)
    screen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal's other end is closed
            break
        if not chunk:
            break
        screen += chunk
    os.close(main)
    assert proc.returncode == 0, screen
    last = screen.decode().replace("\r\n", "\n").split("\r")[-1]
    assert re.search(r"\[#{30}\] 2/2 100%  \d+/s  ETA 0:00", last), screen
    assert b"issued 2, already current 0, failed 0" in out
