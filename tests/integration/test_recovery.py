"""忘记密码 over the real httpd: codes delivered by a real SMTP server on
loopback (aiosmtpd) and an SMS gateway of the test's own (http.server, the
protocol of docs/sms.md), to an httpd logging cicpa_cert at trace8 whose
error log must never show a secret."""
import email
import email.policy
import hashlib
import hmac
import json
import os
import random
import re
import statistics
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# The SMTP server is on loopback and asks for AUTH without TLS on purpose
# (the module's plain-SMTP path with credentials); aiosmtpd warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

from conftest import PASSWORD, Api, Httpd, assert_no_unexpected_errors, free_port

ID_NUMBER = "110101199003071233"   # every make_member copy has member 1's
SMTP_USER = "cert-mailer"
SMTP_PASSWORD = "smtp-Secret-9f2c71"
SMS_KEY = "sms-Key-4be81d0a77c5"
NEW_PASSWORD = "New#Pass2026"
SENDER = "noreply@cicpa.example"
# Everything the error log must never show; tests add the codes and
# passwords they use.
SECRETS = {ID_NUMBER, SMTP_PASSWORD, SMS_KEY, PASSWORD, NEW_PASSWORD}


class Mailbox:
    """aiosmtpd handler keeping every delivered message."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def last_to(self, address):
        found = [e for e in self.envelopes if address in e.rcpt_tos]
        assert found, f"no message to {address}"
        return found[-1]


def smtp_login(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
          and auth_data.password == SMTP_PASSWORD.encode())
    return AuthResult(success=ok)


class SmsGateway:
    """The gateway of docs/sms.md: checks the signature and the timestamp,
    records every request, and answers 503 while fail_next > 0."""

    def __init__(self):
        self.requests = []
        self.fail_next = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = self.headers.get("X-Cicpa-Timestamp", "0")
                expected = hmac.new(SMS_KEY.encode(), stamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
                valid = (hmac.compare_digest(expected, self.headers.get("X-Cicpa-Signature", ""))
                         and abs(time.time() - int(stamp)) <= 300)
                gateway.requests.append({"valid": valid, "body": json.loads(body),
                                         "content_type": self.headers["Content-Type"]})
                status = 401 if not valid else 503 if gateway.fail_next > 0 else 200
                gateway.fail_next -= status == 503
                self.send_response(status)
                self.send_header("Content-Length", "11")
                self.end_headers()
                self.wfile.write(b'{"ok":true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def to(self, mobile):
        return [r for r in self.requests if r["body"]["mobile"] == mobile]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), authenticator=smtp_login,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="module")
def gateway():
    g = SmsGateway()
    yield g
    g.close()


@pytest.fixture(scope="module")
def recovery_server(db, mailbox, gateway):
    server = Httpd(db, name="recovery")
    os.makedirs(server.root, exist_ok=True)
    password_file = os.path.join(server.root, "smtp-password")
    with open(password_file, "w") as f:
        f.write(SMTP_PASSWORD + "\n")
    server.extra_conf = (
        "LogLevel warn cicpa_cert:trace8\n"
        "CicpaCertLoginMaxFailures 3\n"
        "CicpaCertLoginMaxFailuresPerAddress 1000\n"
        f"CicpaCertSmtpUrl smtp://127.0.0.1:{mailbox.port}\n"
        "CicpaCertSmtpStartTLS Off\n"
        f"CicpaCertMailFrom {SENDER}\n"
        f"CicpaCertSmtpUser {SMTP_USER}\n"
        f"CicpaCertSmtpPassword file:{password_file}\n"
        f"CicpaCertSmsUrl {gateway.url}\n"
        f"CicpaCertSmsKey {SMS_KEY}\n")
    assert server.start() == 0, server.log_text()
    yield server
    server.stop()


@pytest.fixture
def recovery(request, recovery_server, gateway):
    """The recovery httpd; its log is checked after each test (tests declare
    what they cause with expected_errors)."""
    offset = recovery_server.log_size()
    gateway.fail_next = 0
    yield recovery_server
    gateway.fail_next = 0
    assert_no_unexpected_errors(request, recovery_server, offset)


def forgot(api, member_no, id_number=ID_NUMBER, captcha=True):
    body = {"member_no": member_no, "id_number": id_number}
    if captcha:
        body["captcha_id"], body["captcha"] = api.captcha()
        SECRETS.add(body["captcha"])
    return api.http.post(api.url("/password/forgot"), json=body)


def reset(api, member_no, code, new_password=NEW_PASSWORD):
    SECRETS.add(new_password)
    return api.http.post(api.url("/password/reset"), json={
        "member_no": member_no, "code": code, "new_password": new_password})


def fresh_member(make_member, **kw):
    """A member of its own with an e-mail address of its own."""
    address = f"member.{uuid.uuid4().hex[:10]}@example.com"
    fields = dict(kw.pop("fields", {}), email=address)
    return make_member(fields=fields, **kw), address


def mailed_code(mailbox, address):
    message = email.message_from_bytes(mailbox.last_to(address).content, policy=email.policy.default)
    code = re.search(r"^ +(\d{6})\r?$", message.get_content(), re.M).group(1)
    SECRETS.add(code)
    return code, message


def sent_codes(gateway, mobile):
    return [r["body"]["params"]["code"] for r in gateway.to(mobile)]


def test_recovery_happy_path_over_real_smtp_and_sms(recovery, mailbox, gateway, make_member, db):
    number, address = fresh_member(make_member, fields={"mobile": "13912345678"})
    before = Api(recovery.url)
    assert before.login(number).status_code == 200

    api = Api(recovery.url)
    r = forgot(api, number)
    assert r.status_code == 200, r.text
    assert r.json()["destinations"] == [
        {"channel": "email", "to": address[0] + "*" * (address.index("@") - 2) + address[address.index("@") - 1:]},
        {"channel": "sms", "to": "139****5678"}]
    assert r.json()["expires_in"] == 600

    code, message = mailed_code(mailbox, address)
    envelope = mailbox.last_to(address)
    assert envelope.mail_from == SENDER
    assert message["Subject"] == "中国注册会计师协会：找回密码验证码"
    assert message["From"].addresses[0].display_name == "中国注册会计师协会"
    assert message["From"].addresses[0].addr_spec == SENDER
    raw = envelope.content.decode("ascii")   # all of it 7-bit, as MIME asks
    assert re.search(r"^Subject: =\?UTF-8\?B\?", raw, re.M)
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert message["Content-Transfer-Encoding"] == "base64"
    assert "10分钟内有效" in message.get_content() and number in message.get_content()

    sms = gateway.to("13912345678")[-1]
    assert sms["valid"] and sms["content_type"] == "application/json; charset=utf-8"
    assert sms["body"]["params"] == {"code": code, "minutes": 10}
    assert sms["body"]["template"] == "password_reset_code" and code in sms["body"]["text"]

    stored = db.query("SELECT code_hash, tries_left FROM password_codes WHERE member_no = ?", number)[0]
    assert stored[0].startswith("$2y$10$") and code not in stored[0] and stored[1] == 5

    r = reset(api, number, code)
    assert r.status_code == 200 and r.json() == {"password_reset": True}
    # Every earlier session is gone, the old password too.
    assert requests.get(before.url("/me"), headers=before.bearer()).status_code == 401
    assert Api(recovery.url).login(number).status_code == 401
    assert Api(recovery.url).login(number, NEW_PASSWORD).status_code == 200
    # The code is spent.
    assert reset(api, number, code, "Other#Pass2026").json()["error"]["code"] == "invalid_code"
    assert db.query("SELECT COUNT(*) FROM password_codes WHERE member_no = ?", number)[0][0] == 0
    audit = db.query("SELECT action, detail FROM audit_log WHERE member_no = ? ORDER BY id", number)
    assert ("password_code_sent", "email,sms") in audit and ("password_reset", "every session ended") in audit
    assert not any(code in detail or NEW_PASSWORD in detail for _, detail in audit)


def test_unknown_member_and_wrong_id_number_are_indistinguishable(recovery, mailbox, gateway, make_member):
    api = Api(recovery.url)
    # Each member number asked once (the limit is 3 per number), in random order.
    jobs = [("unknown", f"1166666666{i:02d}", ID_NUMBER) for i in range(10)]
    jobs += [("wrong_id", fresh_member(make_member)[0], "110101199003071241") for _ in range(10)]
    random.shuffle(jobs)
    mails, texts = len(mailbox.envelopes), len(gateway.requests)
    answers = {"unknown": set(), "wrong_id": set()}
    times = {"unknown": [], "wrong_id": []}
    for kind, member_no, id_number in jobs:
        body = {"member_no": member_no, "id_number": id_number}
        body["captcha_id"], body["captcha"] = api.captcha()
        start = time.perf_counter()
        r = api.http.post(api.url("/password/forgot"), json=body)
        times[kind].append(time.perf_counter() - start)
        answers[kind].add((r.status_code, r.content))
    assert answers["unknown"] == answers["wrong_id"] and len(answers["unknown"]) == 1
    status, content = answers["unknown"].pop()
    assert status == 200 and json.loads(content)["destinations"] == []
    assert len(mailbox.envelopes) == mails and len(gateway.requests) == texts
    unknown, wrong = statistics.median(times["unknown"]), statistics.median(times["wrong_id"])
    print(f"forgot: unknown member {unknown * 1000:.2f} ms, wrong ID number {wrong * 1000:.2f} ms (medians)")
    assert abs(unknown - wrong) < 0.010


def test_an_expired_code_is_refused(recovery, mailbox, make_member, db):
    number, address = fresh_member(make_member)
    api = Api(recovery.url)
    assert forgot(api, number).status_code == 200
    code, _ = mailed_code(mailbox, address)
    db.query("UPDATE password_codes SET expires_at = expires_at - 601 WHERE member_no = ?", number)
    r = reset(api, number, code)
    assert r.status_code == 400
    assert r.json()["error"] == {"code": "invalid_code", "message": "验证码错误或已失效，请重新获取验证码"}


def test_five_wrong_codes_spend_it(recovery, mailbox, make_member):
    number, address = fresh_member(make_member)
    api = Api(recovery.url)
    assert forgot(api, number).status_code == 200
    code, _ = mailed_code(mailbox, address)
    wrong = [f"{(int(code) + k) % 1000000:06d}" for k in range(1, 6)]
    for guess in wrong:
        assert reset(api, number, guess).json()["error"]["code"] == "invalid_code"
    assert reset(api, number, code).json()["error"]["code"] == "invalid_code"


def test_a_new_code_replaces_the_old_one(recovery, mailbox, make_member):
    number, address = fresh_member(make_member)
    api = Api(recovery.url)
    assert forgot(api, number).status_code == 200
    first, _ = mailed_code(mailbox, address)
    assert forgot(api, number).status_code == 200
    second, _ = mailed_code(mailbox, address)
    if first != second:
        assert reset(api, number, first).json()["error"]["code"] == "invalid_code"
    assert reset(api, number, second).status_code == 200


def test_weak_passwords_name_the_rule(recovery, mailbox, make_member, db):
    number, address = fresh_member(make_member, fields={"id_type": "护照", "id_number": "EA1234567"})
    api = Api(recovery.url)
    assert forgot(api, number, "ea1234567").status_code == 200   # ID numbers ignore case
    code, _ = mailed_code(mailbox, address)
    r = reset(api, number, code, "abcdefgh")
    assert r.status_code == 400
    assert r.json()["error"] == {"code": "weak_password",
                                 "message": "密码须至少包含大写字母、小写字母、数字、符号中的三类"}
    # Checked before the code: no try spent.
    assert db.query("SELECT tries_left FROM password_codes WHERE member_no = ?", number)[0][0] == 5
    r = reset(api, number, code, "Ea1234567")
    assert r.json()["error"] == {"code": "weak_password", "message": "密码不能与证件号码相同"}
    assert reset(api, number, code).status_code == 200


def test_a_member_without_a_password_sets_one(recovery, mailbox, make_member, db):
    number, address = fresh_member(make_member)
    db.query("UPDATE members SET password_hash = '' WHERE member_no = ?", number)
    api = Api(recovery.url)
    assert api.login(number).json()["error"]["code"] == "password_not_set"
    assert forgot(api, number).status_code == 200
    assert reset(api, number, mailed_code(mailbox, address)[0]).status_code == 200
    assert api.login(number, NEW_PASSWORD).status_code == 200


def test_a_reset_lifts_a_login_lock(recovery, mailbox, make_member):
    number, address = fresh_member(make_member)
    api = Api(recovery.url)
    for _ in range(3):
        assert api.login(number, "Wrong@2026").status_code == 401
    assert api.login(number).status_code == 429
    assert forgot(api, number).status_code == 200
    assert reset(api, number, mailed_code(mailbox, address)[0]).status_code == 200
    assert api.login(number, NEW_PASSWORD).status_code == 200


def test_forgot_is_rate_limited_alike_for_unknown_members(recovery, make_member):
    number, _ = fresh_member(make_member)
    api = Api(recovery.url)
    answers = []
    for member_no in (number, "115555555555"):
        statuses = [forgot(api, member_no).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        r = forgot(api, member_no)
        answers.append((r.status_code, r.json()["error"]["code"], r.json()["error"]["message"].split("，")[0]))
        assert 0 < int(r.headers["Retry-After"]) <= 900
    assert answers[0] == answers[1] == (429, "too_many_attempts", "找回密码的请求过于频繁")


def test_sms_retries_keep_the_request_id(recovery, gateway, make_member):
    number, _ = fresh_member(make_member, fields={"mobile": "13700001111"})
    gateway.fail_next = 1
    r = forgot(Api(recovery.url), number)
    assert r.status_code == 200
    assert {"channel": "sms", "to": "137****1111"} in r.json()["destinations"]
    tries = gateway.to("13700001111")
    assert [t["valid"] for t in tries] == [True, True]
    assert tries[0]["body"]["request_id"] == tries[1]["body"]["request_id"]
    SECRETS.update(sent_codes(gateway, "13700001111"))


@pytest.mark.expected_errors(r"SMS to 137\*\*\*\*2222 failed after 3 tries: .*status 503")
def test_a_failing_gateway_is_reported(recovery, gateway, mailbox, make_member):
    api = Api(recovery.url)
    gateway.fail_next = 100
    # With an e-mail address the code still goes out, by e-mail only.
    number, address = fresh_member(make_member, fields={"mobile": "13700002222"})
    r = forgot(api, number)
    assert r.status_code == 200
    assert [d["channel"] for d in r.json()["destinations"]] == ["email"]
    mailed_code(mailbox, address)
    # Without one, the member is told it failed.
    number = make_member(drop=("email",), fields={"mobile": "13700002222"})
    r = forgot(api, number)
    assert r.status_code == 503
    assert r.json()["error"] == {"code": "delivery_failed", "message": "验证码发送失败，请稍后再试"}
    assert len(gateway.to("13700002222")) == 6   # three tries each
    SECRETS.update(sent_codes(gateway, "13700002222"))
    assert "13700002222" not in recovery.log_text()


def test_a_member_without_contacts_is_sent_to_the_institute(recovery, make_member):
    number = make_member(drop=("email", "mobile"))
    r = forgot(Api(recovery.url), number)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "no_contact"


def test_forgot_needs_its_fields_and_a_captcha(recovery):
    api = Api(recovery.url)
    assert forgot(api, "110000000001", captcha=False).json()["error"]["code"] == "captcha_required"
    r = api.http.post(api.url("/password/forgot"), json={"member_no": "110000000001"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "missing_fields"
    r = api.http.post(api.url("/password/reset"), json={"member_no": "110000000001", "code": "123456"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "missing_fields"


def test_without_smtp_or_sms_recovery_is_unavailable(api):
    r = forgot(api, "110000000001")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "recovery_unavailable"


def test_nothing_secret_reaches_the_log_at_trace8(recovery, mailbox, make_member):
    number, address = fresh_member(make_member)
    api = Api(recovery.url)
    api.login(number, "Wrong@2026")
    SECRETS.add("Wrong@2026")
    assert forgot(api, number).status_code == 200
    code, _ = mailed_code(mailbox, address)
    reset(api, number, f"{(int(code) + 1) % 1000000:06d}")
    assert reset(api, number, code, "Trace#Pass2026").status_code == 200
    log = recovery.log_text()
    assert "[cicpa_cert:debug]" in log and "accepted (status 250" in log   # trace8 really on
    leaked = {secret for secret in SECRETS if secret in log}
    assert leaked == set()
