"""Startup validation: a bad setting stops httpd with a message naming it."""
import pytest

from conftest import Httpd


def start_with(db, name, extra, edit=None):
    server = Httpd(db, name=name, extra_conf=extra)
    server.render()
    if edit:
        with open(server.conf) as f:
            text = edit(f.read())
        with open(server.conf, "w") as f:
            f.write(text)
    import subprocess
    rc = subprocess.run(["apache2", "-f", server.conf, "-k", "start"], capture_output=True, text=True)
    output = rc.stdout + rc.stderr + server.log_text()
    if rc.returncode == 0:
        import time
        time.sleep(1)
        output += server.log_text()
        running = not server.exited()
        server.stop()
        return running, output
    return False, output


@pytest.mark.parametrize("extra, directive", [
    ("CicpaCertTitleColor red\n", "CicpaCertTitleColor"),
    ("CicpaCertSessionLifetime 5\n", "CicpaCertSessionLifetime"),
    ("CicpaCertMaxBody lots\n", "CicpaCertMaxBody"),
    ("CicpaCertTitle \"\"\n", "CicpaCertTitle"),
])
def test_bad_values_stop_httpd_naming_the_directive(db, extra, directive):
    running, output = start_with(db, "bad-value", extra)
    assert not running
    assert directive in output


def test_missing_font_stops_httpd(db):
    running, output = start_with(db, "no-font", "CicpaCertFont /nonexistent/font.ttf\n")
    assert not running
    assert "CicpaCertFont" in output and "/nonexistent/font.ttf" in output


def test_missing_mod_dbd_stops_httpd(db):
    def without_dbd(text):
        return "\n".join(line for line in text.splitlines()
                         if "dbd_module" not in line and not line.startswith("DBD"))
    running, output = start_with(db, "no-dbd", None, edit=without_dbd)
    assert not running
    assert "mod_dbd" in output
