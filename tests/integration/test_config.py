"""Startup validation: a bad setting stops httpd with a message naming it."""
import pytest

from conftest import refused_startup


@pytest.mark.parametrize("extra, directive", [
    ("CicpaCertTitleColor red\n", "CicpaCertTitleColor"),
    ("CicpaCertSessionLifetime 5\n", "CicpaCertSessionLifetime"),
    ("CicpaCertMaxBody lots\n", "CicpaCertMaxBody"),
    ("CicpaCertTitle \"\"\n", "CicpaCertTitle"),
    # A character the certificate font cannot draw (an Egyptian hieroglyph).
    ("CicpaCertIssuer \"中国注册会计师协会\U00013000\"\n", "CicpaCertIssuer"),
])
def test_bad_values_stop_httpd_naming_the_directive(db, extra, directive):
    assert directive in refused_startup(db, "bad-value", extra)


def test_missing_font_stops_httpd(db):
    output = refused_startup(db, "no-font", "CicpaCertFont /nonexistent/font.ttf\n")
    assert "CicpaCertFont" in output and "/nonexistent/font.ttf" in output


def test_missing_mod_dbd_stops_httpd(db):
    def without_dbd(text):
        return "\n".join(line for line in text.splitlines()
                         if "dbd_module" not in line and not line.startswith("DBD"))
    assert "mod_dbd" in refused_startup(db, "no-dbd", edit=without_dbd)
