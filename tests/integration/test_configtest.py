"""Configtest never lies: `apache2 -t` refuses whatever a start would refuse
(a missing required directive, no database), naming the directive and the
server, and the module can be enabled for one virtual host only."""
import os
import re
import subprocess
import time

import pytest
import requests

from conftest import ROOT, Httpd, refused_startup


def required_directives():
    """The directives the reference conf calls Required., read from it so that
    a new required directive gets its test without anyone remembering."""
    with open(os.path.join(ROOT, "conf", "cicpa_cert-reference.conf")) as f:
        blocks = f.read().split("\n\n")
    found = []
    for block in blocks:
        if re.search(r"\bRequired\.", block):
            found += re.findall(r"^#(CicpaCert\w+)\s", block, re.M)
    return found


def without(*prefixes):
    """An edit that drops the directives named by prefixes, also from the
    shipped conf/cicpa_cert.conf, which it puts in place of its Include."""
    def edit(text):
        include = f'Include "{ROOT}/conf/cicpa_cert.conf"'
        with open(os.path.join(ROOT, "conf", "cicpa_cert.conf")) as f:
            text = text.replace(include, f.read())
        return "\n".join(line for line in text.splitlines() if not line.strip().startswith(prefixes))
    return edit


def in_one_vhost(port, edit=None):
    """The test configuration with the module mounted and configured inside
    the second of two name-based virtual hosts (cert.test) only: the main
    server and other.test mount nothing. The database stays at the top."""
    def rewrite(text):
        include = f'Include "{ROOT}/conf/cicpa_cert.conf"'
        head, tail = text[:text.index(include)], text[text.index(include):]
        tail = edit(tail) if edit else tail
        return (head + f"<VirtualHost 127.0.0.1:{port}>\n    ServerName other.test\n</VirtualHost>\n"
                f"<VirtualHost 127.0.0.1:{port}>\n    ServerName cert.test\n" + tail + "\n</VirtualHost>\n")
    return rewrite


def configtest(conf):
    done = subprocess.run(["apache2", "-t", "-f", conf], capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def test_reference_conf_marks_the_required_directives():
    assert {"CicpaCertFont", "CicpaCertVerifyUrl", "CicpaCertQrKey",
            "CicpaCertSigningCert", "CicpaCertSigningKey"} <= set(required_directives())


@pytest.mark.parametrize("directive", required_directives())
def test_each_required_directive_fails_configtest(db, directive):
    said = refused_startup(db, "no-" + directive, edit=without(directive + " "))
    assert f"{directive} is required in the main server" in said


def test_no_database_fails_configtest_naming_the_server(db):
    said = refused_startup(db, "no-database", edit=without("DBD"))
    assert "no database" in said and "DBDriver" in said and "the main server" in said


def test_required_directive_missing_in_a_vhost_names_it(db):
    server = Httpd(db, name="vhost-missing")
    said = refused_startup(db, "vhost-missing", edit=in_one_vhost(server.port, without("CicpaCertQrKey ")))
    assert re.search(r"CicpaCertQrKey is required in virtual host cert\.test:\d+ \(.*httpd\.conf:\d+\)", said)
    assert "the main server" not in said


def test_secure_cookie_without_tls_is_a_configtest_warning(db):
    server = Httpd(db, name="vhost-insecure")
    server.render()

    def secure(tail):
        return tail.replace("CicpaCertCookieSecure Off", "CicpaCertCookieSecure On")
    with open(server.conf) as f:
        text = in_one_vhost(server.port, secure)(f.read())
    with open(server.conf, "w") as f:
        f.write(text)
    rc, said = configtest(server.conf)
    assert rc == 0 and "Syntax OK" in said
    assert re.search(r"virtual host cert\.test:\d+ .*CicpaCertCookieSecure is On but this server has"
                     r" no SSLEngine on", said)


def test_module_enabled_for_one_vhost_only(db):
    server = Httpd(db, name="one-vhost")
    server.render()
    with open(server.conf) as f:
        text = in_one_vhost(server.port)(f.read())
    with open(server.conf, "w") as f:
        f.write(text)
    rc, said = configtest(server.conf)
    assert rc == 0 and "Syntax OK" in said, said
    assert subprocess.run(["apache2", "-f", server.conf, "-k", "start"]).returncode == 0
    try:
        answer = None
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                answer = requests.get(server.url + "/cert/api/contacts", headers={"Host": "cert.test"}, timeout=2)
                if answer.status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        assert answer is not None and answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("application/json")
        other = requests.get(server.url + "/cert/api/contacts", headers={"Host": "other.test"}, timeout=5)
        assert other.status_code == 404 and not other.headers.get("Content-Type", "").startswith("application/json")
    finally:
        server.stop()
    log = server.log_text()
    # Two servers share the top-level mod_dbd settings: the statements are
    # registered with them once, so mod_dbd has no conflicting labels.
    assert "AH02653" not in log
    assert not re.search(r"\[(\w+:)?(error|crit|alert|emerg)\]", log), log
