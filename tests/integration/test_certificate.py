"""The certificate: gates, the confirm step, and a real PDF streamed back."""
import os
import urllib.parse

import requests

from conftest import ROOT
from pdftools import Pdf

DEMO_PHOTO = os.path.join(ROOT, "sql", "demo", "photos", "110000000001.jpg")


def download(api, **kw):
    return api.http.post(api.url("/me/certificate"), data={"confirm": "1"},
                         headers={"X-CSRF-Token": api.csrf}, **kw)


def test_me_shows_fields_flags_and_the_next_step(member1):
    me = member1.http.get(member1.url("/me")).json()
    assert me["next_step"] == "download"
    assert me["missing_required"] == []
    fields = {f["key"]: f for f in me["fields"]}
    assert fields["name"]["value"] == "张明远"
    assert fields["name"]["required"] is True and fields["name"]["editable"] is False
    assert fields["mobile"]["editable"] is True
    assert fields["id_number"]["value"] == "1" + "*" * 16 + "3"
    assert me["institute"]["name"] == "北京注册会计师协会"
    assert me["photo"]["on_file"] is True


def test_me_never_shows_the_full_id_number(member1):
    r = member1.http.get(member1.url("/me"))
    assert "110101199003071233" not in r.text


def test_download_needs_confirmation(member1):
    r = member1.http.post(member1.url("/me/certificate"), headers={"X-CSRF-Token": member1.csrf})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "confirmation_required"


def test_cookie_post_without_csrf_token_is_refused(member1):
    r = member1.http.post(member1.url("/me/certificate"), data={"confirm": "1"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf"


def test_cookie_get_needs_the_csrf_token_too(member1):
    """A link on another site sends the Lax cookie with a GET: it must not
    issue a certificate."""
    r = member1.http.get(member1.url("/me/certificate"), params={"confirm": "1"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    r = member1.http.get(member1.url("/me/certificate"), params={"confirm": "1", "csrf_token": member1.csrf})
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")


def test_confirmed_download_is_a_real_certificate_pdf(member1):
    r = download(member1)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/pdf"
    assert int(r.headers["Content-Length"]) == len(r.content)
    assert r.content.startswith(b"%PDF-")
    pdf = Pdf(r.content)
    check = pdf.qpdf_check()
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    fonts = pdf.fonts()
    assert fonts, "no fonts listed"
    for row in fonts:
        # name type encoding emb sub uni object ID
        assert row[-5:-3] == ["yes", "yes"], row
    text = pdf.text()
    for expected in ("张明远", "110000000001", "110000150001", "北京注册会计师协会", "非执业会员"):
        assert expected in text
    # The photo is the one JPEG; the others are the QR code (a stencil) and
    # the two seals, one picture drawn twice (colours and soft mask each);
    # test_verify.py looks at them.
    images = pdf.images()
    assert [image for image in images if image[2] == "jpeg"] == [(178, 220, "jpeg")]
    assert len(images) == 6


def test_the_photo_is_embedded_byte_for_byte(member1):
    pdf = Pdf(download(member1).content)
    with open(DEMO_PHOTO, "rb") as f:
        assert pdf.extracted_jpegs() == [f.read()]


def test_attachment_name_keeps_the_chinese_name(member1):
    disposition = download(member1).headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="certificate-110000000001.pdf"' in disposition
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert urllib.parse.unquote(encoded) == "会员证-张明远-110000000001.pdf"


def test_bearer_get_with_confirm_serves_the_mini_program(member1):
    r = requests.get(member1.url("/me/certificate"), params={"confirm": "1"}, headers=member1.bearer())
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF-")


def test_download_is_audited(member1, db):
    count = "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate_download' AND member_no = ? AND detail = ?"
    before = db.query(count, "110000000001", "110000150001")[0][0]
    assert download(member1).status_code == 200
    assert db.query(count, "110000000001", "110000150001")[0][0] == before + 1
    ip = db.query("SELECT client_ip FROM audit_log WHERE action = 'certificate_download' ORDER BY id DESC")[0][0]
    assert ip == "127.0.0.1"


def test_member_without_photo_is_sent_to_upload(api):
    assert api.login("110000000002").status_code == 200
    me = api.http.get(api.url("/me")).json()
    assert me["next_step"] == "upload_photo"
    assert me["photo"]["message"] == "没有查询到照片信息"
    r = download(api)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "photo_required"


def test_member_with_missing_required_field_must_complete_profile(api):
    assert api.login("110000000003").status_code == 200
    me = api.http.get(api.url("/me")).json()
    assert me["missing_required"] == ["mobile"]
    assert me["next_step"] == "complete_profile"
    r = download(api)
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "profile_incomplete" and err["fields"] == ["mobile"]
    assert err["message"].startswith("请您先将基础信息中的必填信息补充完整")


def test_own_photo_is_served_privately(member1):
    r = member1.http.get(member1.url("/me/photo"))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "image/jpeg"
    assert r.headers["Cache-Control"].startswith("private")
    with open(DEMO_PHOTO, "rb") as f:
        assert r.content == f.read()


def test_no_photo_is_a_404_with_the_guides_message(api):
    assert api.login("110000000002").status_code == 200
    r = api.http.get(api.url("/me/photo"))
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "没有查询到照片信息"


def test_another_members_data_is_never_reachable(member1):
    for path in ("/me?member_no=110000000003", "/me/photo?member_no=110000000003"):
        r = member1.http.get(member1.url(path))
        assert r.status_code == 200
        assert "王建国" not in r.text
    r = member1.http.get(member1.url("/me"), headers={"X-Member-No": "110000000003"})
    assert r.json()["member_no"] == "110000000001"


def test_a_required_field_only_staff_may_fill_means_contact_institute(api, make_member):
    number = make_member(drop=("cert_no",))
    assert api.login(number).status_code == 200
    me = api.http.get(api.url("/me")).json()
    assert me["missing_required"] == ["cert_no"]
    assert me["next_step"] == "contact_institute"
    assert me["institute"]["phone"]


def test_a_name_the_font_cannot_draw_is_a_clear_409_not_a_failed_render(api, make_member, db):
    """An imported name with a character outside the certificate font (here
    an Egyptian hieroglyph) names the field and the institute, issues
    nothing, and leaves no [error] in the log."""
    number = make_member(fields={"name": "张\U00013000"})
    assert api.login(number).status_code == 200
    r = download(api)
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "unprintable_characters" and error["fields"] == ["name"]
    assert error["institute"]["phone"] and "姓名" in error["message"]
    assert db.query("SELECT COUNT(*) FROM certificates WHERE member_no = ?", number) == [(0,)]


def test_head_issues_nothing(member1, db):
    before = db.query("SELECT COUNT(*) FROM audit_log WHERE member_no = ?", "110000000001")
    r = requests.head(member1.url("/me/certificate"), params={"confirm": "1"}, headers=member1.bearer())
    assert r.status_code == 405 and r.headers["Allow"] == "GET, POST"
    assert db.query("SELECT COUNT(*) FROM audit_log WHERE member_no = ?", "110000000001") == before
