"""Login, sessions, logout and CSRF over the real httpd."""
import json
import statistics
import time

import pytest

from conftest import PASSWORD


def test_login_with_json_returns_a_bearer_token_and_cookie(api):
    r = api.login("110000000001")
    assert r.status_code == 200
    body = r.json()
    assert body["member_no"] == "110000000001"
    assert body["token_type"] == "Bearer" and len(body["token"]) >= 43
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert body["token"] in cookie


def test_login_with_form_urlencoded(api):
    captcha_id, answer = api.captcha()
    r = api.http.post(api.url("/login"), data={
        "user_type": "非执业会员", "member_no": "110000000001", "password": PASSWORD,
        "captcha_id": captcha_id, "captcha": answer})
    assert r.status_code == 200
    assert r.json()["member_no"] == "110000000001"


def test_wrong_password_and_unknown_member_answer_alike(api):
    wrong = api.login("110000000001", password="Wrong@2026")
    unknown = api.login("119999999999")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    assert wrong.json()["error"]["message"] == "用户名或密码错误"


def test_unknown_member_costs_about_as_long_as_a_wrong_password(api):
    def timed(member_no):
        start = time.perf_counter()
        api.login(member_no, password="Wrong@2026")
        return time.perf_counter() - start
    wrong = statistics.median(timed("110000000001") for _ in range(5))
    unknown = statistics.median(timed("119999999999") for _ in range(5))
    # Both run one bcrypt verification (tens of ms): an unknown member is
    # not answered markedly faster.
    assert unknown > wrong * 0.5


def test_wrong_user_type_is_a_wrong_login(api):
    r = api.login("110000000001", user_type="practicing")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("member_no", [
    "' OR '1'='1", "110000000001' --", "110000000001; DROP TABLE members;--",
    "%s%s%s", "110000000001\" OR \"\"=\"", "x" * 500])
def test_sql_metacharacters_are_just_a_wrong_login(api, db, member_no):
    r = api.login(member_no)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_credentials"
    assert db.query("SELECT COUNT(*) FROM members")[0][0] >= 3


def test_missing_fields_are_a_bad_request(api):
    r = api.http.post(api.url("/login"), json={"member_no": "110000000001"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "missing_credentials"


def test_me_needs_a_session(api):
    r = api.http.get(api.url("/me"))
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"


def test_bearer_token_works_without_cookie(api, httpd):
    assert api.login("110000000001").status_code == 200
    import requests
    r = requests.get(api.url("/me"), headers=api.bearer())
    assert r.status_code == 200
    assert r.json()["member_no"] == "110000000001"


def test_forged_token_is_refused(api):
    import requests
    r = requests.get(api.url("/me"), headers={"Authorization": "Bearer " + "A" * 43})
    assert r.status_code == 401


def test_expired_session_is_refused(member1, db):
    db.query("UPDATE sessions SET expires_at = 1000")
    r = member1.http.get(member1.url("/me"))
    assert r.status_code == 401


def test_logout_with_cookie_needs_the_csrf_token(member1):
    r = member1.http.post(member1.url("/logout"))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf"
    assert member1.http.get(member1.url("/me")).status_code == 200


def test_logout_revokes_the_session_server_side(member1):
    token = member1.token
    r = member1.http.post(member1.url("/logout"), headers={"X-CSRF-Token": member1.csrf})
    assert r.status_code == 200
    import requests
    assert requests.get(member1.url("/me"), headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert member1.http.get(member1.url("/me")).status_code == 401


def test_login_is_audited(api, db):
    before = db.query("SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND member_no = ?",
                      "110000000002")[0][0]
    assert api.login("110000000002").status_code == 200
    after = db.query("SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND member_no = ?",
                     "110000000002")[0][0]
    assert after == before + 1


def test_failed_logins_are_audited_alike_and_without_the_password(api, db, make_member):
    number = make_member()
    unknown = "19999" + number[5:]
    for who in (number, unknown):
        assert api.login(who, password="Wrong#Guess2026").status_code == 401
    rows = db.query("SELECT actor, member_no, detail FROM audit_log WHERE action = 'login_failed'"
                    " AND member_no IN (?, ?) ORDER BY id", number, unknown)
    assert [(actor, member) for actor, member, _ in rows] == [("anonymous", number), ("anonymous", unknown)]
    assert all(json.loads(detail)["reason"] == "invalid_credentials" for _, _, detail in rows)
    assert not db.query("SELECT id FROM audit_log WHERE detail LIKE ?", "%Wrong#Guess2026%")


def test_session_rows_store_only_a_hash_of_the_token(member1, db):
    hashes = [row[0] for row in db.query("SELECT token_hash FROM sessions")]
    assert member1.token not in hashes
    assert all(len(h) == 64 for h in hashes)


def test_logout_without_a_body_works_for_the_mini_program(api):
    import requests
    assert api.login("110000000002").status_code == 200
    r = requests.post(api.url("/logout"), headers=api.bearer())
    assert r.status_code == 200
    assert requests.get(api.url("/me"), headers=api.bearer()).status_code == 401
