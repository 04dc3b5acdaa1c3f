"""EXIF orientation (issue 13, item 4): a photo is judged as a viewer shows
it. A file that viewers flip or turn is refused with a message naming the
tag (docs/photo.md), by the free pre-check and the upload alike, so every
stored photo looks the same in the browser and on the PDF (which embeds the
stored bytes and knows no EXIF)."""
import struct
import time

import requests

from pdftools import Pdf
from test_photo import (MATCH, MEMBER2_ID, PHOTOS, access_lines, attempts_used, convert, photo, provider_calls,
                        upload_raw)

DEMO_PHOTO = "110000000001.jpg"  # 178x220, JFIF 96 dpi


def with_orientation(jpeg, orientation, big_endian=False):
    """jpeg with an EXIF APP1 holding only IFD0 Orientation, right after its
    JFIF APP0, in either TIFF byte order (as phones and exiftool write it)."""
    order = ">" if big_endian else "<"
    tiff = (b"MM\0*" if big_endian else b"II*\0") + struct.pack(order + "I", 8)
    tiff += struct.pack(order + "H", 1) + struct.pack(order + "HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff += struct.pack(order + "I", 0)
    app1 = b"Exif\0\0" + tiff
    assert jpeg[2:4] == b"\xff\xe0"
    after_app0 = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:after_app0] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[after_app0:]


def turned_left(name):
    """The photo stored 220x178, turned a quarter to the left: a viewer
    following Orientation 6 (turn right) shows it upright, 178x220."""
    return convert(f"{PHOTOS}/{name}", "-rotate", "-90", "-density", "96", "-units", "PixelsPerInch",
                   "-quality", "92", "x.jpg")


def precheck(api, data):
    r = requests.post(api.url("/photo/check"), data=data, headers={**api.bearer(), "Content-Type": "image/jpeg"})
    assert r.status_code == 200, r.text
    return r.json()


def problems(answer):
    return {p["code"]: p["message"] for p in answer["problems"]}


def test_a_photo_viewers_show_sideways_fails_the_precheck(member1):
    for big_endian in (False, True):
        answer = precheck(member1, with_orientation(photo(DEMO_PHOTO), 6, big_endian))
        found = problems(answer)
        assert answer["ok"] is False and set(found) == {"bad_dimensions", "exif_orientation"}, found
        assert "当前为220×178" in found["bad_dimensions"]
        assert "方向标记" in found["exif_orientation"] and "顺时针旋转90°" in found["exif_orientation"]


def test_a_photo_viewers_show_upside_down_fails_the_precheck(member1):
    found = problems(precheck(member1, with_orientation(photo(DEMO_PHOTO), 3)))
    assert set(found) == {"exif_orientation"} and "旋转180°" in found["exif_orientation"], found


def test_upright_or_untagged_photos_pass_as_before(member1):
    assert precheck(member1, photo(DEMO_PHOTO)) == {"ok": True, "problems": []}
    assert precheck(member1, with_orientation(photo(DEMO_PHOTO), 1, True)) == {"ok": True, "problems": []}


def test_a_sideways_file_shown_upright_is_refused_for_its_tag_and_costs_nothing(api, make_member, db, httpd):
    sideways = with_orientation(turned_left(MATCH), 6)
    assert 10240 <= len(sideways) <= 20480
    number = make_member(photo=False, fields=MEMBER2_ID)
    assert api.login(number).status_code == 200
    found = problems(precheck(api, sideways))
    assert set(found) == {"exif_orientation"}, found  # 178x220 as shown: the size is right
    before = access_lines(httpd)
    r = upload_raw(api, sideways)
    assert r.status_code == 422 and r.json()["error"]["code"] == "photo_rejected", r.text
    assert [p["code"] for p in r.json()["error"]["problems"]] == ["exif_orientation"]
    assert attempts_used(db, number) == 0
    assert db.query("SELECT photo_status FROM members WHERE member_no = ?", number) == [("none",)]
    assert db.query("SELECT COUNT(*) FROM member_photos WHERE member_no = ?", number) == [(0,)]
    time.sleep(0.5)  # the access log line is written after the response
    assert provider_calls(httpd, before) == 0


def test_an_upright_tagged_photo_looks_the_same_in_the_browser_and_the_pdf(api, make_member):
    upright = with_orientation(photo(MATCH), 1)
    number = make_member(photo=False, fields=MEMBER2_ID)
    assert api.login(number).status_code == 200
    r = upload_raw(api, upright)
    assert r.status_code == 200 and r.json()["result"] == "match", r.text
    stored = requests.get(api.url("/me/photo"), headers=api.bearer()).content
    assert stored == upright  # what the browser gets, tag 1: shown as stored
    pdf = Pdf(requests.get(api.url("/me/certificate"), params={"confirm": "1"}, headers=api.bearer()).content)
    assert pdf.extracted_jpegs() == [upright]
    assert [(w, h) for w, h, kind in pdf.images() if kind == "jpeg"] == [(178, 220)]
