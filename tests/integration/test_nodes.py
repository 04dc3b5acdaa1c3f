"""Several nodes: two httpds with the module on one PostgreSQL, behind a third
httpd with mod_proxy_balancer (round robin, no stickiness), all on loopback.
Whatever one node knows (sessions, CSRF tokens, the one comparison, the
limits) the other knows too, and a graceful restart loses no request."""
import concurrent.futures
import os
import subprocess
import time

import pytest
import requests

from conftest import DB_KIND, OUT, Api, Httpd, free_port
from providers import Provider
from test_photo import MATCH, MEMBER2_ID, attempts_used, photo, upload_raw

pytestmark = pytest.mark.skipif(DB_KIND != "pgsql", reason="several nodes share one PostgreSQL")

MODULES = "/usr/lib/apache2/modules"
# The nodes trust the balancer's X-Forwarded-For (mod_remoteip), so that each
# client is itself and not the balancer's address.
REMOTEIP = """LoadModule remoteip_module {modules}/mod_remoteip.so
RemoteIPHeader X-Forwarded-For
RemoteIPInternalProxy 127.0.0.1
"""
LIMIT = 30


class Balancer:
    """A plain httpd that spreads requests over the nodes in turn."""

    def __init__(self, port, nodes):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.root = os.path.join(OUT, "balancer")
        self.conf = os.path.join(self.root, "httpd.conf")
        os.makedirs(self.root, exist_ok=True)
        members = "\n".join(f"    BalancerMember {n.url} retry=1" for n in nodes)
        user = "www-data" if os.getuid() == 0 else os.environ.get("USER", "nobody")
        with open(self.conf, "w") as f:
            f.write(f"""ServerRoot "{self.root}"
Listen 127.0.0.1:{port}
ServerName 127.0.0.1:{port}
User {user}
Group {"www-data" if os.getuid() == 0 else user}
PidFile "{self.root}/httpd.pid"
DefaultRuntimeDir "{self.root}"
Mutex file:{self.root} default
ErrorLog "{self.root}/error.log"
LogLevel warn
LoadModule mpm_event_module {MODULES}/mod_mpm_event.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
LoadModule slotmem_shm_module {MODULES}/mod_slotmem_shm.so
LoadModule proxy_module {MODULES}/mod_proxy.so
LoadModule proxy_http_module {MODULES}/mod_proxy_http.so
LoadModule proxy_balancer_module {MODULES}/mod_proxy_balancer.so
LoadModule lbmethod_byrequests_module {MODULES}/mod_lbmethod_byrequests.so
<Proxy balancer://nodes>
{members}
    ProxySet lbmethod=byrequests
</Proxy>
ProxyPass / balancer://nodes/
ProxyPassReverse / balancer://nodes/
""")

    def start(self):
        assert subprocess.run(["apache2", "-f", self.conf, "-k", "start"]).returncode == 0
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                if requests.get(self.url + "/cert/api/contacts", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        pytest.fail("the balancer does not answer")

    def stop(self):
        subprocess.run(["apache2", "-f", self.conf, "-k", "stop"], stderr=subprocess.DEVNULL)
        deadline = time.time() + 15
        while os.path.exists(os.path.join(self.root, "httpd.pid")) and time.time() < deadline:
            time.sleep(0.1)


@pytest.fixture(scope="module")
def cluster(db):
    provider = Provider("match")
    port = free_port()
    extra = (REMOTEIP.format(modules=MODULES)
             + f"CicpaCertFaceVerifierUrl {provider.url}\n"
             + f"CicpaCertVerifyUrl http://127.0.0.1:{port}/cert/verify/\n"
             + f"CicpaCertCaptchaRate {LIMIT}\nCicpaCertVerifyRate {LIMIT}\n")
    nodes = [Httpd(db, name=f"node-{n}", extra_conf=extra) for n in "ab"]
    for node in nodes:
        assert node.start() == 0, node.log_text()
    balancer = Balancer(port, nodes)
    balancer.start()
    yield balancer, nodes, provider
    balancer.stop()
    for node in nodes:
        node.stop()
    provider.close()


def served_by(node, since):
    with open(os.path.join(node.root, "access.log")) as f:
        return len(f.readlines()[since:])


def access_size(node):
    with open(os.path.join(node.root, "access.log")) as f:
        return len(f.readlines())


def test_login_on_one_node_is_a_session_on_the_other(cluster):
    balancer, (a, b), _ = cluster
    api = Api(a.url)
    assert api.login("110000000001").status_code == 200
    on_b = requests.get(b.url + "/cert/api/me", headers=api.bearer())
    assert on_b.status_code == 200 and on_b.json()["member_no"] == "110000000001"
    through = Api(balancer.url)
    assert through.login("110000000001").status_code == 200
    before = [access_size(a), access_size(b)]
    answers = [through.http.get(through.url("/me")).status_code for _ in range(10)]
    assert answers == [200] * 10
    assert served_by(a, before[0]) >= 4 and served_by(b, before[1]) >= 4, "no round robin"


def test_csrf_and_logout_hold_across_nodes(cluster):
    _, (a, b), _ = cluster
    on_a = Api(a.url)
    assert on_a.login("110000000001").status_code == 200
    on_b = requests.Session()
    on_b.cookies.update(on_a.http.cookies)
    change = {"mobile": "13900139001"}
    refused = on_b.put(b.url + "/cert/api/me/profile", json=change)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    saved = on_b.put(b.url + "/cert/api/me/profile", json=change, headers={"X-CSRF-Token": on_a.csrf})
    assert saved.status_code == 200, saved.text
    assert on_a.http.post(on_a.url("/logout"), headers={"X-CSRF-Token": on_a.csrf}).status_code == 200
    assert on_b.get(b.url + "/cert/api/me").status_code == 401


def test_parallel_uploads_over_both_nodes_make_one_comparison(cluster, make_member, db):
    _, (a, b), provider = cluster
    number = make_member(photo=False, fields=MEMBER2_ID)
    api = Api(a.url)
    assert api.login(number).status_code == 200
    before = len(provider.requests)
    clients = [Api(node.url) for node in (a, b) * 4]
    for client in clients:
        client.token = api.token
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(clients)) as pool:
        answers = list(pool.map(lambda c: upload_raw(c, photo(MATCH)), clients))
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(200) == 1 and set(statuses) <= {200, 409}, statuses
    assert len(provider.requests) - before == 1
    assert attempts_used(db, number) == 1


def allowed(url, count, client):
    """How many of count requests to url, all from client (X-Forwarded-For,
    which the balancer passes on), were let through rather than 429."""
    with requests.Session() as s:
        codes = [s.get(url, headers={"X-Forwarded-For": client}).status_code for _ in range(count)]
    assert set(codes) <= {200, 404, 429}, codes
    return sum(code != 429 for code in codes)


def test_captcha_limit_is_one_limit_over_both_nodes(cluster):
    balancer, _, _ = cluster
    assert abs(allowed(balancer.url + "/cert/api/captcha", 200, "203.0.113.10") - LIMIT) <= 1


def test_verification_limit_is_one_limit_over_both_nodes(cluster):
    balancer, _, _ = cluster
    got = allowed(balancer.url + "/cert/verify/AAAAAAAAAAAAAAAAAAAAAA", 300, "203.0.113.11")
    assert abs(got - LIMIT) <= 1


def test_graceful_restart_of_each_node_loses_no_download(cluster):
    balancer, nodes, _ = cluster
    api = Api(balancer.url)
    assert api.login("110000000001").status_code == 200
    stop = time.time() + 8
    results = []

    def downloads():
        with requests.Session() as s:
            while time.time() < stop:
                r = s.get(api.url("/me/certificate"), params={"confirm": "1"}, headers=api.bearer())
                results.append((r.status_code, r.content[:5]))

    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        loops = [pool.submit(downloads) for _ in range(3)]
        for node in nodes:
            time.sleep(2)
            assert subprocess.run(["apache2", "-f", node.conf, "-k", "graceful"]).returncode == 0
        for loop in loops:
            loop.result()
    assert len(results) > 20
    assert all(status == 200 and head == b"%PDF-" for status, head in results), \
        {s for s, _ in results}
