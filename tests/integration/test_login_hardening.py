"""The login's captcha and attempt limits, over the real httpd: the suite's
own (captcha on, limits out of reach) and httpds of their own with small
limits, reached from loopback addresses of their own (127.0.0.x) so that
every test has a fresh address counter."""
import base64
import concurrent.futures
import itertools
import os
import time

import pytest
import requests
from requests.adapters import HTTPAdapter

from conftest import PASSWORD, ROOT, Api, Httpd, assert_no_unexpected_errors

WRONG = "Wrong@2026"
LIMITS = "CicpaCertLoginMaxFailures 3\nCicpaCertLoginMaxFailuresPerAddress 6\n"
_addresses = itertools.count(10)


class FromAddress(HTTPAdapter):
    """Connects from a given loopback address: httpd sees it as the client."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(server, address=None):
    """An Api client of server from a loopback address no other test uses."""
    api = Api(server.url)
    api.address = address or f"127.0.0.{next(_addresses)}"
    api.http.mount("http://", FromAddress(api.address))
    return api


def jpeg_size(data):
    """(width, height) from the frame header of a JPEG."""
    assert data[:2] == b"\xff\xd8"
    i = 2
    while i + 9 < len(data):
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length
    raise AssertionError("no frame header")


def other_answer(answer):
    """A wrong answer of the same shape."""
    return ("3" if answer[0] != "3" else "4") + answer[1:]


def failures(db, scope):
    return db.query("SELECT COUNT(*) FROM throttle_events WHERE scope = ?", scope)[0][0]


# ------------------------------------------------------------------ captcha

def test_captcha_is_json_with_an_id_and_a_jpeg(api):
    r = api.http.get(api.url("/captcha"))
    assert r.status_code == 200
    body = r.json()
    assert body["expires_in"] == 300
    assert len(body["captcha_id"]) >= 24 and r.headers["X-Captcha-Id"] == body["captcha_id"]
    prefix = "data:image/jpeg;base64,"
    assert body["image"].startswith(prefix)
    assert jpeg_size(base64.b64decode(body["image"][len(prefix):])) == (160, 60)
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith(f"cicpa_session_captcha={body['captcha_id']};") and "HttpOnly" in cookie
    assert r.headers["Cache-Control"] == "no-store"


def test_captcha_as_a_raw_image_for_pages(api):
    first = api.http.get(api.url("/captcha?format=image"))
    second = api.http.get(api.url("/captcha?format=image"))
    assert first.status_code == 200 and first.headers["Content-Type"] == "image/jpeg"
    assert jpeg_size(first.content) == (160, 60)
    assert first.headers["X-Captcha-Id"] != second.headers["X-Captcha-Id"]
    assert first.content != second.content


def test_login_without_a_captcha_is_refused(api):
    r = api.login("110000000001", captcha=False)
    assert r.status_code == 400
    assert r.json()["error"] == {"code": "captcha_required", "message": "请输入验证码"}


def test_wrong_captcha_is_refused_before_the_password_and_spent(api, db):
    before = failures(db, "login-member:110000000001")
    captcha_id, answer = api.captcha()
    body = {"member_no": "110000000001", "password": PASSWORD, "captcha_id": captcha_id}
    r = api.http.post(api.url("/login"), json=dict(body, captcha=other_answer(answer)))
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "captcha_invalid"
    assert "验证码" in r.json()["error"]["message"]
    # Spent by the wrong try: the right answer no longer helps.
    r = api.http.post(api.url("/login"), json=dict(body, captcha=answer))
    assert r.json()["error"]["code"] == "captcha_invalid"
    # Neither try reached the password, so neither counts as a failed login.
    assert failures(db, "login-member:110000000001") == before


def test_captcha_is_single_use(api):
    captcha_id, answer = api.captcha()
    body = {"member_no": "110000000001", "password": PASSWORD, "captcha_id": captcha_id, "captcha": answer}
    assert api.http.post(api.url("/login"), json=body).status_code == 200
    r = api.http.post(api.url("/login"), json=body)
    assert r.status_code == 400 and r.json()["error"]["code"] == "captcha_invalid"


def test_expired_captcha_is_refused(api, db):
    captcha_id, answer = api.captcha()
    db.query("UPDATE captchas SET expires_at = expires_at - 301 WHERE captcha_id = ?", captcha_id)
    r = api.http.post(api.url("/login"), json={
        "member_no": "110000000001", "password": PASSWORD, "captcha_id": captcha_id, "captcha": answer})
    assert r.status_code == 400 and r.json()["error"]["code"] == "captcha_invalid"


def test_unknown_captcha_id_is_refused(api):
    r = api.http.post(api.url("/login"), json={
        "member_no": "110000000001", "password": PASSWORD, "captcha_id": "x" * 24, "captcha": "ABCDE"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "captcha_invalid"


def test_answers_ignore_case_and_spaces(api):
    captcha_id, answer = api.captcha()
    r = api.http.post(api.url("/login"), json={
        "member_no": "110000000001", "password": PASSWORD, "captcha_id": captcha_id,
        "captcha": f" {answer.lower()} "})
    assert r.status_code == 200


def test_pages_may_rely_on_the_captcha_cookie(api):
    _, answer = api.captcha()  # the session keeps the cookie, as a browser does
    r = api.http.post(api.url("/login"), json={
        "member_no": "110000000001", "password": PASSWORD, "captcha": answer})
    assert r.status_code == 200


def test_answers_are_stored_hashed_and_expire_after_the_lifetime(api, db):
    captcha_id, answer = api.captcha()
    answer_hash, expires_at = db.query(
        "SELECT answer_hash, expires_at FROM captchas WHERE captcha_id = ?", captcha_id)[0]
    assert len(answer_hash) == 64 and answer not in answer_hash and answer.lower() not in answer_hash
    assert abs(expires_at - (time.time() + 300)) < 5


def test_the_suite_turns_the_test_header_on_and_httpd_warns(httpd):
    assert "CicpaCertCaptchaTestHeader is On" in httpd.log_text()


def test_shipped_configurations_never_turn_the_test_header_on():
    for path in ("conf/cicpa_cert.conf", "conf/standalone.conf.in", "scripts/demo", "scripts/lib.sh"):
        with open(os.path.join(ROOT, path)) as f:
            assert "CicpaCertCaptchaTestHeader" not in f.read(), path
    with open(os.path.join(ROOT, "conf", "cicpa_cert-reference.conf")) as f:
        assert "\n#CicpaCertCaptchaTestHeader Off\n" in f.read()


@pytest.fixture(scope="module")
def captcha_off(db):
    """As `CICPA_DEMO_CAPTCHA=off scripts/demo` runs, and without the test header."""
    server = Httpd(db, name="captcha-off",
                   extra_conf="CicpaCertCaptcha Off\nCicpaCertCaptchaTestHeader Off\n")
    assert server.start() == 0, server.log_text()
    yield server
    server.stop()


def test_captcha_off_lets_scripts_log_in_and_answers_stay_secret(captcha_off, request):
    offset = captcha_off.log_size()
    api = Api(captcha_off.url)
    assert api.login("110000000001", captcha=False).status_code == 200
    r = api.http.get(api.url("/captcha"))
    assert r.status_code == 200 and "X-Captcha-Answer" not in r.headers
    assert_no_unexpected_errors(request, captcha_off, offset)


# ----------------------------------------------------------- attempt limits

@pytest.fixture(scope="module")
def limited_server(db):
    server = Httpd(db, name="login-limited", extra_conf=LIMITS)
    assert server.start() == 0, server.log_text()
    yield server
    server.stop()


@pytest.fixture
def limited(request, limited_server):
    """An httpd allowing 3 failures per member number and 6 per address in
    15 minutes; its error log is checked after each test."""
    offset = limited_server.log_size()
    yield limited_server
    assert_no_unexpected_errors(request, limited_server, offset)


def assert_locked(r, most=900):
    assert r.status_code == 429, r.text
    error = r.json()["error"]
    assert error["code"] == "too_many_attempts"
    assert 0 < int(r.headers["Retry-After"]) <= most
    assert error["retry_after"] == int(r.headers["Retry-After"])
    assert error["message"].startswith("登录失败次数过多，请") and error["message"].endswith("分钟后再试")


def test_member_is_locked_even_with_the_right_password(limited, make_member):
    number = make_member()
    api = client(limited)
    for _ in range(3):
        assert api.login(number, WRONG).status_code == 401
    r = api.login(number)
    assert_locked(r)
    assert int(r.headers["Retry-After"]) > 890
    # Only that member: another one logs in from the same address.
    assert api.login(make_member()).status_code == 200


def test_unknown_members_lock_alike(limited):
    api = client(limited)
    for _ in range(3):
        assert api.login("119999999998", WRONG).status_code == 401
    assert_locked(api.login("119999999998", WRONG))


def test_lock_lifts_as_failures_leave_the_window(limited, make_member, db):
    number = make_member()
    api = client(limited)
    for _ in range(3):
        api.login(number, WRONG)
    db.query("UPDATE throttle_events SET at = at - 600 WHERE scope = ?", f"login-member:{number}")
    r = api.login(number)
    assert_locked(r, most=300)
    assert int(r.headers["Retry-After"]) > 290
    db.query("UPDATE throttle_events SET at = at - 300 WHERE scope = ?", f"login-member:{number}")
    assert api.login(number).status_code == 200


def test_success_resets_the_member_count(limited, make_member, db):
    number = make_member()
    api = client(limited)
    for _ in range(2):
        assert api.login(number, WRONG).status_code == 401
    assert api.login(number).status_code == 200
    assert failures(db, f"login-member:{number}") == 0
    for _ in range(2):
        assert api.login(number, WRONG).status_code == 401
    assert api.login(number).status_code == 200


def test_address_is_locked_across_member_numbers(limited, make_member):
    api = client(limited)
    for i in range(6):
        assert api.login(f"11888888880{i}", WRONG).status_code == 401
    number = make_member()
    assert_locked(api.login(number))
    # A forwarded-for header is not the client's address (mod_remoteip's job).
    assert_locked(api.login(number, headers={"X-Forwarded-For": "10.9.8.7"}))
    assert client(limited).login(number).status_code == 200


def test_a_success_does_not_reset_the_address_count(limited, make_member):
    api = client(limited)
    for i in range(5):
        api.login(f"11777777770{i}", WRONG)
    assert api.login(make_member()).status_code == 200
    api.login("117777777779", WRONG)
    assert_locked(api.login(make_member()))


def test_wrong_captchas_are_not_failed_logins(limited, make_member):
    number = make_member()
    api = client(limited)
    for _ in range(5):
        captcha_id, answer = api.captcha()
        r = api.http.post(api.url("/login"), json={
            "member_no": number, "password": WRONG, "captcha_id": captcha_id,
            "captcha": other_answer(answer)})
        assert r.json()["error"]["code"] == "captcha_invalid"
    assert api.login(number).status_code == 200


def test_wrong_reset_codes_are_limited_per_address(limited, make_member):
    number = make_member()
    api = client(limited)
    body = {"member_no": number, "code": "000000", "new_password": "New#Pass2026"}
    for _ in range(6):
        r = api.http.post(api.url("/password/reset"), json=body)
        assert r.json()["error"]["code"] == "invalid_code"
    r = api.http.post(api.url("/password/reset"), json=body)
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_attempts"
    # Per address only: the member can still reset from elsewhere.
    r = client(limited).http.post(api.url("/password/reset"), json=body)
    assert r.json()["error"]["code"] == "invalid_code"


def test_nodes_share_the_counters(limited, db, make_member, request):
    other = Httpd(db, name="login-limited-b", extra_conf=LIMITS)
    assert other.start() == 0, other.log_text()
    try:
        number = make_member()
        address = f"127.0.0.{next(_addresses)}"
        for _ in range(3):
            assert client(limited, address).login(number, WRONG).status_code == 401
        assert_locked(client(other, address).login(number))
        assert_no_unexpected_errors(request, other, 0)
    finally:
        other.stop()


def test_password_never_set_is_sent_to_forgot_password(api, make_member, db):
    number = make_member()
    db.query("UPDATE members SET password_hash = '' WHERE member_no = ?", number)
    for password in (PASSWORD, "anything"):
        r = api.login(number, password)
        assert r.status_code == 401
        assert r.json()["error"] == {"code": "password_not_set",
                                     "message": "您尚未设置密码，请点击“忘记密码”设置密码"}


# ------------------------------------------------------------ captcha rate

@pytest.fixture(scope="module")
def captcha_limited(db):
    server = Httpd(db, name="captcha-limited", extra_conf="CicpaCertCaptchaRate 3\n")
    assert server.start() == 0, server.log_text()
    yield server
    server.stop()


def test_captchas_are_rate_limited_per_address(captcha_limited):
    api = client(captcha_limited)
    # One keep-alive connection stays with one child, whose limiter counts.
    answers = [api.http.get(api.url("/captcha")) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client(captcha_limited).http.get(api.url("/captcha")).status_code == 200


def test_parallel_guesses_never_get_past_the_limit(limited, make_member):
    """Each attempt is recorded before the limit is checked, so guesses sent
    at once cannot all slip in before any of them counts."""
    number = make_member()
    guessers = [client(limited) for _ in range(12)]  # one loopback address each
    captchas = [g.captcha() for g in guessers]

    def guess(i):
        captcha_id, answer = captchas[i]
        return guessers[i].http.post(guessers[i].url("/login"), json={
            "member_no": number, "password": WRONG, "captcha_id": captcha_id, "captcha": answer})
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        codes = [r.json()["error"]["code"] for r in pool.map(guess, range(12))]
    assert codes.count("invalid_credentials") <= 3, codes
    assert codes.count("invalid_credentials") + codes.count("too_many_attempts") == 12, codes
    assert_locked(guessers[0].login(number))
