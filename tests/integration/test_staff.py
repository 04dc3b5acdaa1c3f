"""Institute staff: accounts, scope, the on-site photo review, member
records, phone numbers and the audit trail."""
import json
import os
import time

import pytest
import requests

from conftest import PASSWORD, Api, Httpd
from staff import STAFF_PASSWORD, Staff, cicpa_admin, create_staff
from test_photo import MEMBER2_ID, MATCH, NO_MATCH, photo, upload_multipart

SHANGHAI = {"institute": "31"}
_seq = [0]


def unique(prefix):
    _seq[0] += 1
    return "%s%d-%d" % (prefix, os.getpid() % 100000, _seq[0])


@pytest.fixture(scope="module")
def accounts(db, httpd):
    """One account of Beijing (11), Shanghai (31) and the national institute (00)."""
    return {code: create_staff(db, unique("s%s-" % code), code) for code in ("11", "31", "00")}


@pytest.fixture
def staff_of(httpd, accounts):
    def login(code):
        s = Staff(httpd.url)
        r = s.login(accounts[code])
        assert r.status_code == 200, r.text
        return s
    return login


@pytest.fixture
def awaiting(api, make_member):
    """A logged-in Beijing member whose comparison failed: awaiting review."""
    number = make_member(photo=False, fields=MEMBER2_ID)
    assert api.login(number).status_code == 200
    r = upload_multipart(api, photo(NO_MATCH))
    assert r.json()["result"] == "no_match", r.text
    api.member_no = number
    return api


def audit_actions(db, member_no):
    return [row[0] for row in db.query("SELECT action FROM audit_log WHERE member_no = ? ORDER BY id", member_no)]


# --- accounts and login ---

def test_create_staff_refuses_weak_passwords_and_unknown_institutes(db):
    rc, _, err = cicpa_admin(db, "create-staff", unique("weak"), "11", stdin="short\n")
    assert rc != 0 and "weak password" in err
    rc, _, err = cicpa_admin(db, "create-staff", unique("nowhere"), "99", stdin=STAFF_PASSWORD + "\n")
    assert rc != 0 and "no institute" in err
    rc, _, err = cicpa_admin(db, "create-staff", "bad login!", "11", stdin=STAFF_PASSWORD + "\n")
    assert rc != 0


def test_staff_login_gives_a_short_session_of_its_own(httpd, accounts, db):
    s = Staff(httpd.url)
    r = s.login(accounts["11"])
    assert r.status_code == 200
    body = r.json()
    assert body["national"] is False and body["institute"]["code"] == "11"
    assert abs(body["expires_at"] - time.time() - 1800) < 60
    assert "cicpa_session_staff" in s.http.cookies and "cicpa_session" not in s.http.cookies
    assert s.get("/session").json()["login"] == accounts["11"]
    rows = db.query("SELECT COUNT(*) FROM audit_log WHERE actor = ? AND action = 'staff_login'",
                    "staff:" + accounts["11"])
    assert rows[0][0] >= 1


def test_a_failed_staff_login_is_audited_without_the_password(httpd, accounts, db):
    r = Staff(httpd.url).login(accounts["11"], "Wrong#Guess2026")
    assert r.status_code == 401
    details = [d for (d,) in db.query("SELECT detail FROM audit_log WHERE action = 'staff_login_failed'")]
    assert {"login": accounts["11"], "reason": "invalid_credentials"} in [json.loads(d) for d in details]
    assert not db.query("SELECT id FROM audit_log WHERE detail LIKE ?", "%Wrong#Guess2026%")


def test_member_sessions_do_not_open_the_staff_api(member1, httpd):
    assert member1.http.get(httpd.url + "/cert/admin/api/review").status_code == 401
    assert requests.get(httpd.url + "/cert/admin/api/review", headers=member1.bearer()).status_code == 401


def test_staff_login_needs_the_captcha_and_the_password(httpd, accounts):
    s = Staff(httpd.url)
    assert s.login(accounts["11"], captcha=False).json()["error"]["code"] == "captcha_required"
    r = s.login(accounts["11"], password="Wrong#2026x")
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_credentials"
    assert s.login("nobody-here").status_code == 401


def test_staff_failures_lock_the_account(db):
    server = Httpd(db, name="staff-lockout", extra_conf="CicpaCertLoginMaxFailures 2\n")
    assert server.start() == 0
    try:
        login = create_staff(db, unique("lock"), "11")
        s = Staff(server.url)
        for _ in range(2):
            assert s.login(login, password="Wrong#2026x").status_code == 401
        r = s.login(login)
        assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_attempts"
    finally:
        server.stop()


def test_changes_need_the_csrf_token(staff_of, awaiting):
    bj = staff_of("11")
    r = bj.http.post(bj.url(f"/members/{awaiting.member_no}/approve"), json={})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"


def test_logout_ends_the_staff_session(staff_of):
    bj = staff_of("11")
    assert bj.post("/logout").status_code == 200
    assert bj.get("/session").status_code == 401


# --- scope ---

def test_provincial_staff_cannot_read_or_change_another_provinces_member(staff_of, make_member, db):
    number = make_member(fields=SHANGHAI)
    bj, sh, nat = staff_of("11"), staff_of("31"), staff_of("00")
    unknown = bj.get("/members/199999999999")
    for r in (bj.get(f"/members/{number}"), bj.get(f"/members/{number}/upload"),
              bj.post(f"/members/{number}/approve"), bj.post(f"/members/{number}/reject", {"reason": "x"}),
              bj.put(f"/members/{number}/profile", {"cert_no": "X1"}),
              bj.post(f"/members/{number}/attempts/reset", {"reason": "x"}),
              bj.post(f"/members/{number}/password/clear", {"reason": "x"})):
        assert r.status_code == 404 and r.json() == unknown.json()
    assert bj.get("/members", params={"q": number}).json()["members"] == []
    assert db.query("SELECT password_hash <> '' FROM members WHERE member_no = ?", number)[0][0]
    assert sh.get(f"/members/{number}").status_code == 200
    assert nat.get(f"/members/{number}").status_code == 200
    assert [m["member_no"] for m in sh.get("/members", params={"q": number}).json()["members"]] == [number]


def test_the_review_queue_holds_only_the_staffs_members(staff_of, awaiting):
    def queued(s):
        return [m["member_no"] for m in s.get("/review").json()["members"]]
    assert awaiting.member_no in queued(staff_of("11"))
    assert awaiting.member_no in queued(staff_of("00"))
    assert awaiting.member_no not in queued(staff_of("31"))


# --- the review ---

def test_review_flow_from_failed_comparison_to_download(staff_of, awaiting, db):
    bj = staff_of("11")
    number = awaiting.member_no
    assert awaiting.http.get(awaiting.url("/me")).json()["next_step"] == "onsite_review"
    entry = [m for m in bj.get("/review").json()["members"] if m["member_no"] == number][0]
    assert entry["reason"] == "no_match" and entry["name"] == MEMBER2_ID["name"]
    r = bj.get(f"/members/{number}/upload")
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/jpeg"
    assert r.content == photo(NO_MATCH)
    record = bj.get(f"/members/{number}").json()
    assert record["comparisons"][0]["result"] == "no_match"
    assert record["upload"]["reason"] == "no_match"
    assert "*" in [f for f in record["fields"] if f["key"] == "id_number"][0]["value"]

    r = bj.post(f"/members/{number}/approve")
    assert r.status_code == 200, r.text
    assert r.json()["photo"]["status"] == "on_file"
    assert bj.post(f"/members/{number}/approve").status_code == 409
    me = awaiting.http.get(awaiting.url("/me")).json()
    assert me["next_step"] == "download"
    assert awaiting.http.get(awaiting.url("/me/photo")).content == photo(NO_MATCH)
    pdf = awaiting.http.post(awaiting.url("/me/certificate"), data={"confirm": "1"},
                             headers={"X-CSRF-Token": awaiting.csrf})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert db.query("SELECT COUNT(*) FROM photo_uploads WHERE member_no = ?", number)[0][0] == 0
    actions = audit_actions(db, number)
    for action in ("login", "photo_comparison", "photo_review_approved", "certificate_download"):
        assert action in actions
    assert db.query("SELECT actor FROM audit_log WHERE member_no = ? AND action = 'photo_review_approved'",
                    number)[0][0] == "staff:" + bj.get("/session").json()["login"]


def test_another_provinces_staff_cannot_replace_the_photo(staff_of, awaiting, db):
    sh = staff_of("31")
    number = awaiting.member_no
    r = sh.http.post(sh.url(f"/members/{number}/replace"), headers={"X-CSRF-Token": sh.csrf},
                     files={"photo": ("a.jpg", photo(MATCH), "image/jpeg")})
    assert r.status_code == 404, r.text
    assert db.query("SELECT photo_status FROM members WHERE member_no = ?", number) == [("awaiting_review",)]
    assert db.query("SELECT COUNT(*) FROM member_photos WHERE member_no = ?", number) == [(0,)]
    assert "photo_review_replaced" not in audit_actions(db, number)


def test_a_photo_taken_on_site_must_pass_the_photo_rules(staff_of, awaiting, db):
    bj = staff_of("11")
    number = awaiting.member_no
    url = bj.url(f"/members/{number}/replace")
    r = bj.http.post(url, files={"photo": ("a.jpg", b"not a jpeg", "image/jpeg")},
                     headers={"X-CSRF-Token": bj.csrf})
    assert r.status_code == 422 and r.json()["error"]["code"] == "photo_rejected"
    assert r.json()["error"]["problems"]
    r = bj.http.post(url, files={"photo": ("a.jpg", photo(MATCH), "image/jpeg")},
                     headers={"X-CSRF-Token": bj.csrf})
    assert r.status_code == 200, r.text
    assert r.json()["next_step"] == "download"
    assert awaiting.http.get(awaiting.url("/me/photo")).content == photo(MATCH)
    assert "photo_review_replaced" in audit_actions(db, number)


def test_a_rejection_tells_the_member_why_and_lets_them_upload_again(staff_of, awaiting, db):
    bj = staff_of("11")
    number = awaiting.member_no
    r = bj.post(f"/members/{number}/reject", {"reason": ""})
    assert r.status_code == 422 and r.json()["error"]["code"] == "reason_required"
    r = bj.post(f"/members/{number}/reject", {"reason": "照片与本人不符，请重新上传近期照片"})
    assert r.status_code == 200, r.text
    me = awaiting.http.get(awaiting.url("/me")).json()
    assert me["next_step"] == "upload_photo"
    assert me["photo"]["review_note"] == "照片与本人不符，请重新上传近期照片"
    assert me["compare_attempts_left"] == 1
    assert upload_multipart(awaiting, photo(MATCH)).json()["result"] == "match"
    assert "photo_review_rejected" in audit_actions(db, number)


# --- member records ---

def test_search_finds_by_number_name_and_id_number_with_the_id_masked(staff_of, make_member):
    number = make_member(fields={"id_number": "11010519491231002X", "birth_date": "1949-12-31",
                                 "name": "检索测试"})
    bj = staff_of("11")
    for q in (number, "11010519491231002x", "11010519491231002X"):
        found = bj.get("/members", params={"q": q}).json()["members"]
        assert number in [m["member_no"] for m in found], q
    found = bj.get("/members", params={"q": "检索测试"}).json()["members"]
    assert [m["id_number"] for m in found if m["member_no"] == number] == ["1****************X"]
    assert bj.get("/members", params={"q": ""}).status_code == 400


def test_staff_edit_fields_members_cannot_with_the_same_validators(staff_of, make_member, db):
    number = make_member()
    bj, nat = staff_of("11"), staff_of("00")
    r = bj.put(f"/members/{number}/profile", {"cert_no": "CPA-2026-1", "mobile": "123"})
    assert r.status_code == 422 and list(r.json()["error"]["fields"]) == ["mobile"]
    r = bj.put(f"/members/{number}/profile", {"cert_no": "CPA-2026-1"})
    assert r.status_code == 200 and r.json()["changed"] == ["cert_no"]
    assert db.query("SELECT actor FROM audit_log WHERE member_no = ? AND action = 'profile_update'",
                    number)[-1][0].startswith("staff:")
    r = bj.put(f"/members/{number}/profile", {"institute": "31"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "national_only_field"
    assert nat.put(f"/members/{number}/profile", {"institute": "31"}).status_code == 200
    assert bj.get(f"/members/{number}").status_code == 404


def test_attempts_reset_needs_a_reason(staff_of, awaiting, db):
    bj = staff_of("11")
    number = awaiting.member_no
    assert bj.post(f"/members/{number}/attempts/reset", {}).status_code == 422
    r = bj.post(f"/members/{number}/attempts/reset", {"reason": "比对服务故障"})
    assert r.status_code == 200 and r.json()["compare_attempts_left"] == 1
    assert db.query("SELECT detail FROM audit_log WHERE member_no = ? AND action = 'compare_attempts_reset'",
                    number) == [('{"reason":"比对服务故障"}',)]


def test_clearing_a_password_ends_the_members_sessions(staff_of, api, make_member, db):
    number = make_member()
    assert api.login(number).status_code == 200
    r = staff_of("11").post(f"/members/{number}/password/clear", {"reason": "本人来电要求"})
    assert r.status_code == 200, r.text
    assert api.http.get(api.url("/me")).status_code == 401
    r = Api(api.base[:-len("/cert/api")]).login(number)
    assert r.status_code == 401 and r.json()["error"]["code"] == "password_not_set"
    assert "password_cleared" in audit_actions(db, number)


# --- phone numbers and audit ---

@pytest.fixture
def phones_restored(db):
    """The demo's phone numbers back after the test: other tests check them."""
    before = db.query("SELECT code, phone FROM institutes")
    yield
    for code, phone in before:
        db.query("UPDATE institutes SET phone = ? WHERE code = ?", phone, code)


def test_institute_phone_numbers_only_of_the_staffs_institute(staff_of, api, httpd, phones_restored):
    bj, nat = staff_of("11"), staff_of("00")
    assert [i["code"] for i in bj.get("/institutes").json()["institutes"]] == ["11"]
    assert len(nat.get("/institutes").json()["institutes"]) == 32
    r = bj.put("/institutes/11", {"phone": "010-12345678"})
    assert r.status_code == 200 and r.json()["phone"] == "010-12345678"
    assert bj.put("/institutes/31", {"phone": "021-1"}).status_code == 404
    assert nat.put("/institutes/31", {"phone": "021-87654321"}).status_code == 200
    contacts = {i["code"]: i["phone"] for i in requests.get(httpd.url + "/cert/api/contacts").json()["institutes"]}
    assert contacts["11"] == "010-12345678" and contacts["31"] == "021-87654321"


def test_audit_viewer_filters_and_keeps_to_the_scope(staff_of, awaiting, db):
    bj, sh, nat = staff_of("11"), staff_of("31"), staff_of("00")
    number = awaiting.member_no
    bj.post(f"/members/{number}/attempts/reset", {"reason": "测试"})
    entries = bj.get("/audit", params={"member_no": number}).json()["entries"]
    assert {"login", "photo_comparison", "compare_attempts_reset"} <= {e["action"] for e in entries}
    only = bj.get("/audit", params={"member_no": number, "action": "compare_attempts_reset"}).json()["entries"]
    assert [e["action"] for e in only] == ["compare_attempts_reset"]
    today = time.strftime("%Y-%m-%d", time.gmtime())
    by_staff = nat.get("/audit", params={"staff": bj.get("/session").json()["login"], "from": today,
                                         "to": today}).json()["entries"]
    assert "compare_attempts_reset" in [e["action"] for e in by_staff]
    assert sh.get("/audit", params={"member_no": number}).json()["entries"] == []
    assert bj.get("/audit", params={"from": "2026-13-01"}).status_code == 400
    for e in nat.get("/audit", params={"limit": "1000"}).json()["entries"]:
        assert MEMBER2_ID["id_number"] not in e["detail"]
