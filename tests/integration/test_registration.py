"""The member's annual registration bounds the certificate (issue 6's
"expired … per member"): recorded with cicpa-admin set-registration."""
import datetime

import requests

from pdftools import Pdf
from staff import cicpa_admin


def day(offset):
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def download(api):
    return requests.get(api.url("/me/certificate"), params={"confirm": "1"}, headers=api.bearer())


def certificates_of(db, number):
    return db.query("SELECT id FROM certificates WHERE member_no = ? ORDER BY issued_at", number)


def test_the_certificate_ends_with_the_registration(api, make_member, db, httpd):
    number = make_member()
    until = day(30)
    assert cicpa_admin(db, "set-registration", number, until)[0] == 0
    assert api.login(number).status_code == 200
    assert requests.get(api.url("/me"), headers=api.bearer()).json()["registration_valid_until"] == until
    r = download(api)
    assert r.status_code == 200
    assert until in Pdf(r.content).text()
    cert_id = certificates_of(db, number)[0][0]
    shown = requests.get(httpd.url + "/cert/verify/" + cert_id, headers={"Accept": "application/json"}).json()
    assert shown["valid_until"] == until


def test_a_lapsed_registration_gets_no_certificate_until_renewed(api, make_member, db):
    number = make_member()
    assert cicpa_admin(db, "set-registration", number, day(-1))[0] == 0
    assert api.login(number).status_code == 200
    r = download(api)
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "registration_expired"
    assert err["institute"]["phone"]
    assert certificates_of(db, number) == []
    assert cicpa_admin(db, "set-registration", number, day(365))[0] == 0
    assert download(api).status_code == 200
    assert len(certificates_of(db, number)) == 1


def test_no_registration_on_file_means_no_end(member1):
    me = requests.get(member1.url("/me"), headers=member1.bearer()).json()
    assert me["registration_valid_until"] is None


def test_set_registration_refuses_what_is_not_a_date(make_member, db):
    number = make_member()
    for bad in ("2027-02-30", "2027-13-01", "tomorrow", "2027-1-1x"):
        rc, _, err = cicpa_admin(db, "set-registration", number, bad)
        assert rc != 0 and "not a date" in err
    rc, _, err = cicpa_admin(db, "set-registration", "19999999999999", day(10))
    assert rc != 0
    assert cicpa_admin(db, "set-registration", number, "none")[0] == 0
    assert db.query("SELECT registration_valid_until FROM members WHERE member_no = ?", number)[0][0] == 0


def verified(httpd, cert_id):
    return requests.get(httpd.url + "/cert/verify/" + cert_id, headers={"Accept": "application/json"}).json()


def test_a_shortened_registration_ends_the_issued_certificate_at_once(api, make_member, db, httpd):
    number = make_member()
    assert cicpa_admin(db, "set-registration", number, day(300))[0] == 0
    assert api.login(number).status_code == 200
    assert download(api).status_code == 200
    cert_id = certificates_of(db, number)[0][0]
    assert cicpa_admin(db, "set-registration", number, day(-1))[0] == 0
    shown = verified(httpd, cert_id)
    assert shown["status"] == "expired" and shown["valid_until"] == day(-1)


def test_a_renewed_registration_issues_a_certificate_with_the_new_end(api, make_member, db, httpd):
    number = make_member()
    assert cicpa_admin(db, "set-registration", number, day(30))[0] == 0
    assert api.login(number).status_code == 200
    assert download(api).status_code == 200
    assert cicpa_admin(db, "set-registration", number, day(200))[0] == 0
    r = download(api)
    assert r.status_code == 200 and day(200) in Pdf(r.content).text()
    (old,), (new,) = certificates_of(db, number)
    assert verified(httpd, old)["status"] == "superseded"
    assert verified(httpd, new)["status"] == "valid" and verified(httpd, new)["valid_until"] == day(200)
