"""忘记密码 as the demo offers it: CicpaCertSmtpUrl and CicpaCertSmsUrl name
a file outbox (file:///FOLDER), and the recovery code is read from the
files there (an RFC 5322 message for mail, the gateway's JSON for SMS)."""
import email
import email.policy
import json
import os
import re
import shutil
import stat
import subprocess
import uuid

import pytest

from conftest import Api, Httpd, assert_no_unexpected_errors, refused_startup

ID_NUMBER = "110101199003071233"   # every make_member copy has member 1's
SENDER = "noreply@cicpa.example"
NEW_PASSWORD = "Outbox#Pass2026"


@pytest.fixture(scope="module")
def outbox_server(db):
    server = Httpd(db, name="outbox")
    outbox = os.path.join(server.root, "outbox")
    shutil.rmtree(outbox, ignore_errors=True)
    os.makedirs(outbox)
    if os.getuid() == 0:   # httpd's children run as www-data
        shutil.chown(outbox, "www-data")
    server.outbox = outbox
    server.extra_conf = (f"CicpaCertSmtpUrl file://{outbox}\n"
                         f"CicpaCertMailFrom {SENDER}\n"
                         f"CicpaCertSmsUrl file://{outbox}\n")
    assert server.start() == 0, server.log_text()
    yield server
    server.stop()


@pytest.fixture
def outbox(request, outbox_server):
    offset = outbox_server.log_size()
    yield outbox_server
    assert_no_unexpected_errors(request, outbox_server, offset)


def files(folder, suffix):
    return sorted(name for name in os.listdir(folder) if name.endswith(suffix))


def test_forgotten_password_with_the_codes_read_from_the_outbox(outbox, make_member):
    address = f"member.{uuid.uuid4().hex[:10]}@example.com"
    number = make_member(fields={"email": address, "mobile": "13712345678"})
    mails_before, sms_before = files(outbox.outbox, ".eml"), files(outbox.outbox, ".json")
    api = Api(outbox.url)
    captcha_id, answer = api.captcha()
    r = api.http.post(api.url("/password/forgot"), json={
        "member_no": number, "id_number": ID_NUMBER, "captcha_id": captcha_id, "captcha": answer})
    assert r.status_code == 200, r.text
    assert [d["channel"] for d in r.json()["destinations"]] == ["email", "sms"]

    new_mails = sorted(set(files(outbox.outbox, ".eml")) - set(mails_before))
    new_sms = sorted(set(files(outbox.outbox, ".json")) - set(sms_before))
    assert len(new_mails) == 1 and len(new_sms) == 1
    assert not [n for n in os.listdir(outbox.outbox) if n.startswith(".")]   # no temporary left
    mail_path = os.path.join(outbox.outbox, new_mails[0])
    assert re.fullmatch(r"\d{8}T\d{6}Z-[A-Za-z0-9_-]{16}\.eml", new_mails[0])
    assert stat.S_IMODE(os.stat(mail_path).st_mode) == 0o600
    with open(mail_path, "rb") as f:
        message = email.message_from_bytes(f.read(), policy=email.policy.default)
    assert message["To"] == address and message["From"].addresses[0].addr_spec == SENDER
    assert message["Subject"] == "中国注册会计师协会：找回密码验证码"
    mailed = re.search(r"^ +(\d{6})\r?$", message.get_content(), re.M).group(1)
    with open(os.path.join(outbox.outbox, new_sms[0]), encoding="utf-8") as f:
        sms = json.load(f)
    assert sms["mobile"] == "13712345678" and sms["template"] == "password_reset_code"
    assert sms["params"]["code"] == mailed and mailed in sms["text"]

    r = api.http.post(api.url("/password/reset"), json={
        "member_no": number, "code": sms["params"]["code"], "new_password": NEW_PASSWORD})
    assert r.status_code == 200 and r.json() == {"password_reset": True}
    assert Api(outbox.url).login(number, NEW_PASSWORD).status_code == 200


def test_startup_warns_that_the_outbox_is_for_demos(outbox):
    assert re.search(r"\[cicpa_cert:warn\].*file://: recovery codes are written to a folder, not sent."
                     r" For demos only", outbox.log_text())


def test_a_missing_outbox_folder_stops_httpd(db):
    output = refused_startup(db, "outbox-missing", "CicpaCertSmsUrl file:///nonexistent/outbox\n")
    assert "CicpaCertSmsUrl: the outbox /nonexistent/outbox is not an existing folder" in output
    output = refused_startup(db, "outbox-relative", "CicpaCertSmtpUrl file:outbox\n"
                             "CicpaCertMailFrom noreply@cicpa.example\n")
    assert "CicpaCertSmtpUrl: an outbox is file:///FOLDER" in output
