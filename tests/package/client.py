"""The package test's client of the installed site, as the portal uses it:
logs in with a captcha (the answer from CicpaCertCaptchaTestHeader), downloads
a demo member's certificate into OUT.pdf, logs in as the member imported with
an htpasswd hash, and checks that another virtual host of the same server
mounts nothing. usage: client.py BASE_URL OUT.pdf OTHER_HOST TLS_CERT (the
site's self-signed certificate, trusted for this client only)"""
import sys

import requests


def login(api, member_no, password, user_type, tls):
    http = requests.Session()
    r = http.get(api + "/captcha", verify=tls)
    assert r.status_code == 200, r.text
    body = {"user_type": user_type, "member_no": member_no, "password": password,
            "captcha_id": r.json()["captcha_id"], "captcha": r.headers["X-Captcha-Answer"]}
    r = http.post(api + "/login", json=body, verify=tls)
    assert r.status_code == 200, f"login {member_no}: {r.status_code} {r.text}"
    # The session cookie is Secure (CicpaCertCookieSecure On), sent over HTTPS.
    assert "secure" in r.headers["Set-Cookie"].lower(), r.headers["Set-Cookie"]
    return http, r.json()


def main(base, out, other_host, tls):
    api = base + "/cert/api"
    http, session = login(api, "110000000001", "Demo@2026", "non_practicing", tls)
    r = http.post(api + "/me/certificate", data={"confirm": "1", "csrf_token": session["csrf_token"]},
                  verify=tls)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf", r.text[:300]
    with open(out, "wb") as f:
        f.write(r.content)
    login(api, "310000000001", "Initial#Pass2026", "practicing", tls)
    page = requests.get(base + "/cert/", verify=tls)
    assert page.status_code == 200 and "会员登录" in page.content.decode("utf-8"), page.status_code
    other = requests.get(api + "/contacts", headers={"Host": other_host}, verify=tls)
    assert other.status_code == 404, f"{other_host} answered {other.status_code}: mounted there too"
    print(f"certificate: {len(r.content)} bytes; imported member logged in; {other_host}: 404")


if __name__ == "__main__":
    main(*sys.argv[1:])
