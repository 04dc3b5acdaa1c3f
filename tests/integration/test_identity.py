"""Behind the portal's own sign-in (CicpaCertIdentity httpd): members and
staff whom httpd's own authentication modules signed in (mod_auth_form with
mod_session_cookie/mod_session_crypto, mod_auth_basic, both through
mod_authn_dbd against the same database) reach the certificate with no
second login; a section without authentication is refused at configtest and
start; a forged X-Remote-User header is never a member."""
import subprocess

import pytest
import requests

from conftest import PASSWORD, Httpd, assert_no_unexpected_errors, refused_startup
from pdftools import Pdf
from staff import STAFF_PASSWORD, create_staff
from test_photo import MATCH, MEMBER2_ID, photo

MODULES = subprocess.run(["apxs", "-q", "LIBEXECDIR"], capture_output=True, text=True).stdout.strip()
AUTH_MODULES = "".join(f"LoadModule {name}_module {MODULES}/mod_{name}.so\n" for name in (
    "authn_core", "authn_dbd", "auth_basic", "auth_form", "authz_user", "request", "env",
    "session", "session_cookie", "session_crypto"))
MEMBER_PW = 'AuthDBDUserPWQuery "SELECT password_hash FROM members WHERE member_no = %s"'
STAFF_PW = 'AuthDBDUserPWQuery "SELECT password_hash FROM staff WHERE login = %s"'
# The portal's form sign-in: an encrypted session cookie of mod_session.
FORM_SESSION = """    AuthType form
    AuthName portal
    AuthFormProvider dbd
    {pw}
    Session On
    SessionCookieName portal_session path=/;httponly
    SessionCryptoPassphrase portal-test-passphrase-not-a-secret
"""
PORTAL_CONF = AUTH_MODULES + f"""
<Location /portal/dologin>
    SetHandler form-login-handler
{FORM_SESSION.format(pw=MEMBER_PW)}</Location>
<Location /portal/logout>
    SetHandler form-logout-handler
{FORM_SESSION.format(pw=MEMBER_PW)}    SessionMaxAge 1
</Location>
<Location /portal/cert/api>
    SetHandler cicpa-cert-api
{FORM_SESSION.format(pw=MEMBER_PW)}    Require valid-user
    CicpaCertIdentity httpd
</Location>
<Location /script/api>
    SetHandler cicpa-cert-api
    AuthType Basic
    AuthName scripts
    AuthBasicProvider dbd
    {MEMBER_PW}
    Require valid-user
    CicpaCertIdentity httpd
    CicpaCertIdentityUser user
</Location>
<Location /claim/api>
    SetHandler cicpa-cert-api
    AuthType Basic
    AuthName claims
    AuthBasicProvider dbd
    {STAFF_PW}
    Require valid-user
    # As an OpenID Connect module sets a claim's variable beside r->user.
    SetEnv PORTAL_MEMBER_NO 110000000002
    CicpaCertIdentity httpd
    CicpaCertIdentityUser env:PORTAL_MEMBER_NO
</Location>
<Location /portal-staff-as-member/api>
    SetHandler cicpa-cert-api
    AuthType Basic
    AuthName staff
    AuthBasicProvider dbd
    {STAFF_PW}
    Require valid-user
    CicpaCertIdentity httpd
</Location>
<Location /staff-portal/api>
    SetHandler cicpa-cert-admin
    AuthType Basic
    AuthName staff
    AuthBasicProvider dbd
    {STAFF_PW}
    Require valid-user
    CicpaCertStaffIdentity httpd
</Location>
"""


@pytest.fixture(scope="module")
def portal(db):
    server = Httpd(db, name="identity", extra_conf=PORTAL_CONF)
    if server.start() != 0:
        pytest.fail("httpd did not start:\n" + server.log_text())
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def portal_log_guard(request, portal):
    offset = portal.log_size()
    yield
    assert_no_unexpected_errors(request, portal, offset)


def sign_in(portal, member_no, password=PASSWORD, signed_in=True):
    """A browser signing in through the portal's form (mod_auth_form)."""
    browser = requests.Session()
    r = browser.post(portal.url + "/portal/dologin",
                     data={"httpd_username": member_no, "httpd_password": password},
                     allow_redirects=False)
    assert (r.status_code != 401) == signed_in, r.text
    return browser


def test_form_sign_in_reaches_the_certificate_with_no_second_login(portal, db, make_member):
    number = make_member(photo=False, fields=MEMBER2_ID)
    browser = sign_in(portal, number)
    api = portal.url + "/portal/cert/api"
    me = browser.get(api + "/me")
    assert me.status_code == 200, me.text
    assert me.json()["member_no"] == number and me.json()["next_step"] == "upload_photo"
    assert me.json()["signed_in_by"] == "portal"
    csrf = me.json()["csrf_token"]
    # A change without the CSRF token of the module's session is refused.
    files = {"photo": ("a.jpg", photo(MATCH), "image/jpeg")}
    assert browser.post(api + "/me/photo", files=files).status_code == 403
    up = browser.post(api + "/me/photo", files=files, headers={"X-CSRF-Token": csrf})
    assert up.status_code == 200 and up.json()["result"] == "match", up.text
    pdf = browser.get(api + "/me/certificate", params={"confirm": "1", "csrf_token": csrf})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    doc = Pdf(pdf.content)
    assert doc.qpdf_check().returncode == 0
    assert number in doc.text() and MEMBER2_ID["name"] in doc.text()
    logins = db.query("SELECT actor, detail FROM audit_log WHERE member_no = ? AND action = 'login'", number)
    assert logins == [(f"member:{number}", "via httpd auth")]
    # The portal's sign-out ends access, though the module's cookie remains.
    browser.get(portal.url + "/portal/logout", allow_redirects=False)
    assert "cicpa_session" in browser.cookies
    after = browser.get(api + "/me")
    assert after.status_code == 401 and number not in after.text


@pytest.mark.expected_errors(r"AH01807: .*password Mismatch")
def test_wrong_portal_password_is_no_member(portal):
    browser = sign_in(portal, "110000000001", password="wrong-password", signed_in=False)
    assert browser.get(portal.url + "/portal/cert/api/me").status_code == 401


def test_another_users_module_cookie_is_never_reused(portal):
    first = sign_in(portal, "110000000001")
    assert first.get(portal.url + "/portal/cert/api/me").status_code == 200
    second = sign_in(portal, "110000000002")
    # Member 2's browser presents member 1's module cookie: still member 2,
    # with a module session of their own.
    cookies = {"portal_session": second.cookies["portal_session"],
               "cicpa_session": first.cookies["cicpa_session"]}
    me = requests.get(portal.url + "/portal/cert/api/me", cookies=cookies)
    assert me.status_code == 200 and me.json()["member_no"] == "110000000002"
    assert me.cookies["cicpa_session"] not in ("", first.cookies["cicpa_session"])


def test_own_login_and_recovery_are_off_behind_the_portal(portal):
    browser = sign_in(portal, "110000000001")
    for method, path in (("post", "/login"), ("get", "/captcha"), ("post", "/password/forgot")):
        r = getattr(browser, method)(portal.url + "/portal/cert/api" + path)
        assert r.status_code == 409 and r.json()["error"]["code"] == "signed_in_by_portal"


@pytest.mark.expected_errors(r"AH01617: .*Password Mismatch")
def test_basic_auth_for_a_script(portal):
    script = requests.Session()
    script.auth = ("110000000001", PASSWORD)
    api = portal.url + "/script/api"
    me = script.get(api + "/me")
    assert me.status_code == 200 and me.json()["member_no"] == "110000000001"
    pdf = script.post(api + "/me/certificate", data={"confirm": "1"},
                      headers={"X-CSRF-Token": me.json()["csrf_token"]})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert requests.get(api + "/me", auth=("110000000001", "wrong")).status_code == 401


def test_a_portal_user_who_is_no_member_is_403_with_the_phones(portal, db):
    create_staff(db, "idportal-staff", "11")
    # The portal signs in its staff too; a staff name is no member number.
    r = requests.get(portal.url + "/portal-staff-as-member/api/me", auth=("idportal-staff", STAFF_PASSWORD))
    assert r.status_code == 403
    body = r.json()
    assert body["error"]["code"] == "unknown_identity"
    assert any(i["phone"] for i in body["error"]["institutes"])


def test_the_member_number_from_a_variable_the_auth_module_set(portal, db):
    login = create_staff(db, "idportal-claims", "11")
    me = requests.get(portal.url + "/claim/api/me", auth=(login, STAFF_PASSWORD))
    assert me.status_code == 200 and me.json()["member_no"] == "110000000002"
    # Not read without httpd's authentication of the request.
    assert requests.get(portal.url + "/claim/api/me").status_code == 401


def test_staff_from_httpd_auth(portal, db):
    login = create_staff(db, "idportal-reviewer", "11")
    staff = requests.Session()
    staff.auth = (login, STAFF_PASSWORD)
    api = portal.url + "/staff-portal/api"
    who = staff.get(api + "/session")
    assert who.status_code == 200, who.text
    found = staff.get(api + "/members", params={"q": "110000000001"})
    assert found.status_code == 200 and "110000000001" in found.text
    assert db.query("SELECT detail FROM audit_log WHERE actor = ? AND action = 'staff_login'",
                    "staff:" + login) == [("via httpd auth",)]
    assert staff.post(api + "/login", json={}).json()["error"]["code"] == "signed_in_by_portal"


@pytest.mark.parametrize("path", ["/portal/cert/api/me", "/script/api/me", "/cert/api/me"])
def test_forged_remote_user_header_is_never_a_member(portal, path):
    forged = {"X-Remote-User": "110000000001", "Remote-User": "110000000001",
              "X-Forwarded-User": "110000000001"}
    r = requests.get(portal.url + path, headers=forged)
    assert r.status_code == 401 and "110000000001" not in r.text


@pytest.mark.parametrize("section", [
    "    Require all granted\n",
    "    AuthType Basic\n    AuthName x\n    AuthBasicProvider dbd\n    Require all granted\n",
    "    Require valid-user\n",
])
def test_httpd_identity_without_authentication_is_refused(db, section):
    conf = AUTH_MODULES + ("<VirtualHost 127.0.0.1:*>\n    <Location /open/api>\n"
                           "    SetHandler cicpa-cert-api\n" + section + "    CicpaCertIdentity httpd\n"
                           "    </Location>\n</VirtualHost>\n")
    said = refused_startup(db, "identity-open", extra_conf=conf)
    assert "CicpaCertIdentity httpd" in said and "<Location /open/api>" in said
    assert "virtual host" in said


def test_staff_identity_without_authentication_is_refused(db):
    conf = "<Location /open/admin>\n    SetHandler cicpa-cert-admin\n    CicpaCertStaffIdentity httpd\n</Location>\n"
    said = refused_startup(db, "identity-open-staff", extra_conf=conf)
    assert "CicpaCertStaffIdentity httpd" in said and "the main server" in said


def test_identity_directive_values_are_checked(db):
    said = refused_startup(db, "identity-bad", extra_conf="<Location /x>\nCicpaCertIdentity portal\n</Location>\n")
    assert "CicpaCertIdentity takes module or httpd" in said
    said = refused_startup(db, "identity-bad-user",
                           extra_conf="<Location /x>\nCicpaCertIdentityUser header:X-User\n</Location>\n")
    assert "CicpaCertIdentityUser takes user, env:NAME or note:NAME" in said
