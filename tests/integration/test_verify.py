"""A certificate that proves itself: its QR code read back from the rendered
page (pdftoppm + zbarimg) leads to the public verification page, its PDF
signature is checked by pdfsig, and its offline claim by the openssl command
line. Revocation and suspension go through cicpa-admin; a changed member
record supersedes the certificate."""
import base64
import datetime
import hashlib
import os
import re
import subprocess
import tempfile
import urllib.parse

import pytest
import requests

from conftest import ROOT, Httpd, refused_startup
from pdftools import Pdf, run
from test_certificate import DEMO_PHOTO, download

NAME = "张明远"                       # demo member 110000000001, copied by make_member
ID_NUMBER = "110101199003071233"      # ... and the ID number the page must never show
SERIAL = re.compile(r"^CICPA-11-\d{4}-\d{6}$")
JSON = {"Accept": "application/json"}


def member_api(api, make_member, **kw):
    number = make_member(**kw)
    assert api.login(number).status_code == 200
    return number


def certificate(api):
    r = download(api)
    assert r.status_code == 200, r.text
    return r.content


def qr_text(pdf_bytes):
    """The QR code as zbarimg reads it from the page rendered at 200 dpi."""
    with tempfile.TemporaryDirectory(prefix="cicpa-qr-") as folder:
        path = os.path.join(folder, "cert.pdf")
        with open(path, "wb") as f:
            f.write(pdf_bytes)
        subprocess.run(["pdftoppm", "-r", "200", "-png", path, os.path.join(folder, "page")], check=True)
        out = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(folder, "page-1.png")],
                             capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def cert_id(url):
    return urllib.parse.urlsplit(url).path.rsplit("/", 1)[1]


def check(url, **kw):
    r = requests.get(url, headers=JSON, **kw)
    assert r.status_code == 200, r.text
    return r.json()


def admin(db, *args):
    return subprocess.run([os.path.join(ROOT, "cicpa-admin"), "-d", db.driver, "-p", db.params, *args],
                          capture_output=True, text=True)


def test_keys_are_published_with_their_ids_for_rotation(httpd):
    keys = requests.get(httpd.url + "/cert/verify/keys").json()
    assert [k["current"] for k in keys["keys"]] == [True, False]  # CicpaCertQrOldKey in the demo
    assert all(re.fullmatch(r"[0-9a-f]{8}", k["kid"]) for k in keys["keys"])
    assert keys["payload"].startswith("cicpa-cert/1|kid|id|member_no|")


def test_unknown_and_malformed_ids_are_not_found(httpd):
    for path in ("AAAAAAAAAAAAAAAAAAAAAA", "not%20an%20id", "AAAA/BBBB", ""):
        r = requests.get(httpd.url + "/cert/verify/" + path)
        assert r.status_code == 404, path
        assert "not found" in r.text
    r = requests.get(httpd.url + "/cert/verify/AAAAAAAAAAAAAAAAAAAAAA", headers=JSON)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert requests.post(httpd.url + "/cert/verify/keys").status_code == 405


def test_qr_code_leads_to_a_valid_certificate(httpd, api, make_member):
    number = member_api(api, make_member)
    url = qr_text(certificate(api))
    assert url.startswith(httpd.url + "/cert/verify/")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["m"] == [number] and set(query) == {"k", "m", "d", "s"}
    assert len(cert_id(url)) == 22  # 128 bits, base64url
    page = check(url)
    assert page["status"] == "valid" and page["status_text"] == "有效"
    assert page["name"] == "张*远"
    assert page["category"] == "非执业会员" and page["institute"] == "北京注册会计师协会"
    assert page["issuer"] == "中国注册会计师协会"
    assert page["issue_date"] == datetime.date.today().isoformat() == query["d"][0]
    assert SERIAL.match(page["serial"])
    assert page["signature"] == {"result": "valid", "key_id": query["k"][0]}
    assert any("数字签名有效" in c for c in page["checks"])
    assert any(page["serial"] in c for c in page["checks"])


def test_the_page_is_plain_html_that_never_shows_the_id_number(httpd, api, make_member):
    member_api(api, make_member)
    r = requests.get(qr_text(certificate(api)))
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    # The page's own policy (the portal's <Location /cert> may add its own:
    # a browser enforces both).
    assert ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none';"
            " form-action 'none'; frame-ancestors 'none'") in r.headers["Content-Security-Policy"]
    assert r.headers["Cache-Control"] == "no-store"
    for text in ("有效", "张*远", "非执业会员", "本次核验检查了什么"):
        assert text in r.text
    assert NAME not in r.text and ID_NUMBER not in r.text
    assert "<script" not in r.text and "<style" not in r.text and "style=" not in r.text
    css = requests.get(httpd.url + "/cert/verify/verify.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


def test_the_same_data_gives_the_same_certificate(api, make_member, db):
    number = member_api(api, make_member)
    first, second = certificate(api), certificate(api)
    assert qr_text(first) == qr_text(second)
    assert db.query("SELECT COUNT(*) FROM certificates WHERE member_no = ?", number)[0][0] == 1
    issued = "SELECT COUNT(*) FROM audit_log WHERE member_no = ? AND action = 'certificate_issued'"
    assert db.query(issued, number)[0][0] == 1


def test_changed_data_supersedes_the_certificate(api, make_member, db):
    number = member_api(api, make_member)
    old = qr_text(certificate(api))
    db.query("UPDATE member_fields SET value = '女' WHERE member_no = ? AND field_key = 'sex'", number)
    new = qr_text(certificate(api))
    assert cert_id(new) != cert_id(old)
    assert check(old)["status"] == "superseded"
    assert check(old)["status_text"] == "已被新证书取代"
    assert check(new)["status"] == "valid"
    assert check(old)["serial"] != check(new)["serial"]


def test_an_expired_certificate_says_so_and_a_download_renews_it(api, make_member, db):
    number = member_api(api, make_member)
    old = qr_text(certificate(api))
    page = check(old)
    assert page["valid_until"] == (datetime.date.fromisoformat(page["issue_date"])
                                   + datetime.timedelta(days=365)).isoformat()  # CicpaCertValidityDays 365
    db.query("UPDATE certificates SET valid_until = issued_at - 1 WHERE member_no = ?", number)
    assert check(old)["status"] == "expired" and check(old)["status_text"] == "已过期"
    new = qr_text(certificate(api))
    assert cert_id(new) != cert_id(old)
    assert check(new)["status"] == "valid"
    assert check(old)["status"] == "superseded"


def test_revoked_by_staff(api, make_member, db):
    member_api(api, make_member)
    url = qr_text(certificate(api))
    done = admin(db, "revoke", cert_id(url), "会员资格已终止")
    assert done.returncode == 0, done.stderr
    page = check(url)
    assert page["status"] == "revoked" and page["status_text"] == "已撤销：会员资格已终止"
    assert "已撤销：会员资格已终止" in requests.get(url).text
    r = download(api)
    assert r.status_code == 409 and r.json()["error"]["code"] == "certificate_revoked"
    assert r.json()["error"]["reason"] == "会员资格已终止"
    again = admin(db, "reinstate", cert_id(url))
    assert again.returncode != 0 and "no suspended certificate" in again.stderr


def test_suspended_then_reinstated_by_serial(api, make_member, db):
    number = member_api(api, make_member)
    url = qr_text(certificate(api))
    serial = check(url)["serial"]
    assert admin(db, "suspend", serial).returncode == 0
    assert check(url)["status_text"] == "已暂停"
    r = download(api)
    assert r.status_code == 409 and r.json()["error"]["code"] == "certificate_suspended"
    assert admin(db, "reinstate", serial).returncode == 0
    assert check(url)["status"] == "valid"
    assert qr_text(certificate(api)) == url
    actions = db.query("SELECT action, actor FROM audit_log WHERE detail = ? ORDER BY id", serial)
    assert actions == [("certificate_issued", "member:" + number),
                       ("certificate_suspended", "staff:cicpa-admin"),
                       ("certificate_reinstated", "staff:cicpa-admin")]


def test_admin_refuses_unknown_certificates_and_a_revocation_without_reason(db):
    assert "no valid certificate nope" in admin(db, "suspend", "nope").stderr
    assert admin(db, "revoke", "nope", "").returncode != 0


def test_the_pdf_signature_covers_the_whole_document(api, make_member):
    member_api(api, make_member)
    pdf = Pdf(certificate(api))
    out = run("pdfsig", pdf.path).stdout
    assert "Signature is Valid" in out, out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out and "SHA-256" in out
    assert "CICPA Demo Certificate Signing" in out
    check_ = pdf.qpdf_check()
    assert check_.returncode == 0, check_.stdout + check_.stderr


def test_changing_one_byte_breaks_the_signature(api, make_member):
    member_api(api, make_member)
    data = bytearray(certificate(api))
    data[len(data) // 3] ^= 0x01
    out = run("pdfsig", Pdf(bytes(data)).path).stdout
    assert "Signature is Valid" not in out


def test_offline_claim_verifies_with_the_published_key_and_openssl(httpd, api, make_member, tmp_path):
    number = member_api(api, make_member)
    url = qr_text(certificate(api))
    query = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}
    keys = requests.get(httpd.url + "/cert/verify/keys").json()
    key = next(k for k in keys["keys"] if k["kid"] == query["k"])
    assert key["current"] and key["crv"] == "Ed25519"
    folder = str(tmp_path)

    def verify(name):
        payload = "|".join(["cicpa-cert/1", query["k"], cert_id(url), number,
                            hashlib.sha256(name.encode()).hexdigest(), query["d"]])
        paths = {n: os.path.join(folder, n) for n in ("key.pem", "payload", "sig")}
        with open(paths["key.pem"], "w") as f:
            f.write(key["pem"])
        with open(paths["payload"], "wb") as f:
            f.write(payload.encode())
        with open(paths["sig"], "wb") as f:
            f.write(base64.urlsafe_b64decode(query["s"] + "=="))
        return run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key.pem"], "-rawin",
                   "-in", paths["payload"], "-sigfile", paths["sig"])

    good = verify(NAME)
    assert good.returncode == 0 and "Signature Verified Successfully" in good.stdout
    assert verify("张明达").returncode != 0


def test_an_altered_or_missing_signature_is_reported(api, make_member):
    member_api(api, make_member)
    url = qr_text(certificate(api))
    base, query = url.split("?")
    params = dict(urllib.parse.parse_qsl(query))
    assert check(base)["signature"]["result"] == "absent"
    forged = dict(params, s=params["s"][:10] + ("A" if params["s"][10] != "A" else "B") + params["s"][11:])
    assert check(base, params=forged)["signature"]["result"] == "invalid"
    assert check(base, params=dict(params, d="2001-01-01"))["signature"]["result"] == "invalid"
    assert check(base, params=dict(params, k="00000000"))["signature"]["result"] == "unknown_key"
    # A key id not shaped like ours is not repeated: the page shows no text from the URL.
    injected = check(base, params=dict(params, k="请致电 400-000-0000 核实"))
    assert injected["signature"] == {"result": "unknown_key", "key_id": None}
    assert "400-000-0000" not in requests.get(base, params=dict(params, k="请致电 400-000-0000")).text
    assert check(base, params=forged)["status"] == "valid"  # the register still says so


def test_the_page_can_show_the_photo_on_the_certificate(api, make_member):
    member_api(api, make_member)
    url = qr_text(certificate(api))
    page = check(url)
    assert page["photo"] == cert_id(url) + "/photo"
    photo = requests.get(urllib.parse.urljoin(url, page["photo"]))
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    with open(DEMO_PHOTO, "rb") as f:
        assert photo.content == f.read()


def test_the_pdf_says_who_it_is_for_and_carries_its_metadata(api, make_member):
    member_api(api, make_member)
    data = certificate(api)
    pdf = Pdf(data)
    text = pdf.text()
    serial = check(qr_text(data))["serial"]
    for expected in ("仅供本人使用", serial, "发证日期", "有效期至", "中国注册会计师协会"):
        assert expected in text, expected
    info = run("pdfinfo", pdf.path).stdout
    assert re.search(r"^Title:\s+中国注册会计师协会会员证$", info, re.M)
    assert re.search(r"^Author:\s+中国注册会计师协会$", info, re.M)
    assert re.search(r"^Subject:\s+电子会员证 " + serial + "$", info, re.M)
    assert re.search(r"^CreationDate:\s+\S", info, re.M)
    images = run("pdfimages", "-list", pdf.path).stdout.splitlines()[2:]
    assert [line.split()[2] for line in images] == [
        "image", "stencil", "image", "smask", "image", "smask"]  # photo, QR code, two seals


def test_checks_are_rate_limited_per_address(db):
    server = Httpd(db, name="verify-rate", extra_conf="CicpaCertVerifyRate 3\n")
    assert server.start() == 0, server.log_text()
    # The other tests' checks from 127.0.0.1 count too: start from none.
    db.query("DELETE FROM throttle_events WHERE scope LIKE ?", "verify-%")
    try:  # a new connection each: the limit holds over the httpd children
        codes = [requests.get(server.url + "/cert/verify/AAAAAAAAAAAAAAAAAAAAAA").status_code
                 for _ in range(5)]
        limited = requests.get(server.url + "/cert/verify/AAAAAAAAAAAAAAAAAAAAAA")
        keys = requests.get(server.url + "/cert/verify/keys")
    finally:
        server.stop()
    assert codes == [404] * 3 + [429] * 2
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert keys.status_code == 200  # the published keys are not limited


@pytest.mark.parametrize("extra, directive", [
    ("CicpaCertSeal 11 /nonexistent/seal.png\n", "CicpaCertSeal 11 /nonexistent/seal.png"),
    ("CicpaCertSeal 11 " + DEMO_PHOTO + "\n", "not a PNG"),
    ("CicpaCertQrKey /nonexistent/qr.pem\n", "CicpaCertQrKey /nonexistent/qr.pem"),
    ("CicpaCertSigningKey " + os.path.join(ROOT, "run", "keys", "qr-ed25519.pem") + "\n",
     "is not the private key of the certificate"),
    ("CicpaCertVerifyUrl https://cert.example.org/verify\n", "CicpaCertVerifyUrl"),
])
def test_bad_proof_settings_stop_httpd(db, extra, directive):
    assert directive in refused_startup(db, "bad-proof", extra)


def test_signing_is_required(db):
    def unsigned(text):
        return "\n".join(line for line in text.splitlines() if not line.startswith("CicpaCertSigning"))
    output = refused_startup(db, "unsigned", edit=unsigned)
    for directive in ("CicpaCertSigningCert", "CicpaCertSigningKey"):
        assert directive + " is required in the main server" in output
