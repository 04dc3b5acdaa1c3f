"""Every directive is declared once, documented in the reference conf and
in the README: the three stay in step."""
import os
import re

from conftest import ROOT


def declared():
    """The directive table cc_directives[] of cc_config.c: its entries are
    AP_INIT_* or the CC_* slot macros over them."""
    with open(os.path.join(ROOT, "mod_cicpa_cert", "cc_config.c")) as f:
        names = re.findall(r'^\s*(?:AP_INIT_\w+|CC_[A-Z_]+)\(\s*"(\w+)"', f.read(), re.M)
    assert len(names) == len(set(names)), "a directive is declared twice"
    return set(names)


def test_reference_conf_documents_every_directive():
    with open(os.path.join(ROOT, "conf", "cicpa_cert-reference.conf")) as f:
        documented = set(re.findall(r"^#(CicpaCert\w+)\s", f.read(), re.M))
    assert documented == declared()


def test_readme_names_every_directive():
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    assert {d for d in declared() if d not in readme} == set()
