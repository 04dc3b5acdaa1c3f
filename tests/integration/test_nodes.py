"""Several nodes: two httpds with the module on one PostgreSQL, behind a third
httpd with mod_proxy_balancer (round robin, no stickiness), all on loopback.
Whatever one node knows (sessions, CSRF tokens, the one comparison, the
limits) the other knows too, and a graceful restart loses no request."""
import concurrent.futures
import os
import re
import socket
import subprocess
import threading
import time
import types

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from conftest import DB_KIND, OUT, PASSWORD, Api, Httpd, free_port, lib
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

    def __init__(self, port, nodes, name="balancer", hcheck=False):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.root = os.path.join(OUT, name)
        self.conf = os.path.join(self.root, "httpd.conf")
        os.makedirs(self.root, exist_ok=True)
        # mod_proxy_hcheck asks each node's health endpoint every second
        # and takes a node out after one failed check (README: Several nodes).
        checks = " hcmethod=GET hcuri=/cert/api/health hcinterval=1 hcfails=1 hcpasses=1" if hcheck else ""
        members = "\n".join(f"    BalancerMember {n.url} retry=1{checks}" for n in nodes)
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
{f"LoadModule proxy_hcheck_module {MODULES}/mod_proxy_hcheck.so" if hcheck else ""}
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


class Forwarder:
    """A TCP forwarder on 127.0.0.1 between one node and PostgreSQL: stopping
    it makes the database unreachable for that node only."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.links = []
        self.lock = threading.Lock()
        self.server = None

    def start(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(64)
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server):
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:  # PostgreSQL is down: refuse as it would
                client.close()
                continue
            with self.lock:
                self.links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self):
        """Refuses new connections and cuts the open ones."""
        try:  # wakes the accepting thread (close alone would not)
            self.server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.server.close()
        with self.lock:
            links, self.links = self.links, []
        for s in links:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


@pytest.fixture(scope="module")
def cluster(db):
    provider = Provider("match")
    port = free_port()
    extra = (REMOTEIP.format(modules=MODULES)
             + f"CicpaCertFaceVerifierUrl {provider.url}\n"
             + f"CicpaCertVerifyUrl http://127.0.0.1:{port}/cert/verify/\n"
             + f"CicpaCertCaptchaRate {LIMIT}\nCicpaCertVerifyRate {LIMIT}\n")
    # The limits count per client address in the shared database: the other
    # suites' captchas from 127.0.0.1 must not count against these nodes.
    db.query("DELETE FROM throttle_events")
    pg_port = int(os.environ.get("CICPA_PG_PORT", "54329"))
    forwarder = Forwarder(pg_port)
    forwarder.start()
    # Node b reaches PostgreSQL through the forwarder only.
    via_forwarder = types.SimpleNamespace(
        driver=db.driver, params=db.params.replace(f"port={pg_port}", f"port={forwarder.port}"))
    nodes = [Httpd(db, name="node-a", extra_conf=extra), Httpd(via_forwarder, name="node-b", extra_conf=extra)]
    for node in nodes:
        assert node.start() == 0, node.log_text()
    balancer = Balancer(port, nodes)
    balancer.start()
    checked = Balancer(free_port(), nodes, name="balancer-hcheck", hcheck=True)
    checked.start()
    yield balancer, nodes, provider, checked, forwarder
    for b in (balancer, checked):
        b.stop()
    for node in nodes:
        node.stop()
    provider.close()
    forwarder.stop()


def served_by(node, since, path=""):
    with open(os.path.join(node.root, "access.log")) as f:
        return sum(path in line for line in f.readlines()[since:])


def access_size(node):
    with open(os.path.join(node.root, "access.log")) as f:
        return len(f.readlines())


def test_login_on_one_node_is_a_session_on_the_other(cluster):
    balancer, (a, b), *_ = cluster
    api = Api(a.url)
    assert api.login("110000000001").status_code == 200
    on_b = requests.get(b.url + "/cert/api/me", headers=api.bearer())
    assert on_b.status_code == 200 and on_b.json()["member_no"] == "110000000001"
    through = Api(balancer.url)
    assert through.login("110000000001").status_code == 200
    before = [access_size(a), access_size(b)]
    answers = [through.http.get(through.url("/me")).status_code for _ in range(10)]
    assert answers == [200] * 10
    assert served_by(a, before[0], "/api/me HTTP") >= 4 and served_by(b, before[1], "/api/me HTTP") >= 4, \
        "no round robin"


def test_csrf_and_logout_hold_across_nodes(cluster, make_member):
    _, (a, b), *_ = cluster
    on_a = Api(a.url)
    assert on_a.login(make_member()).status_code == 200
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
    _, (a, b), provider, *_ = cluster
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
    which the balancer passes on), were let through rather than 429; a new
    connection each, as separate visits make."""
    codes = [requests.get(url, headers={"X-Forwarded-For": client}).status_code for _ in range(count)]
    assert set(codes) <= {200, 404, 429}, codes
    return sum(code != 429 for code in codes)


def test_captcha_limit_is_one_limit_over_both_nodes(cluster):
    balancer, *_ = cluster
    assert abs(allowed(balancer.url + "/cert/api/captcha", 200, "203.0.113.10") - LIMIT) <= 1


def test_verification_limit_is_one_limit_over_both_nodes(cluster):
    balancer, *_ = cluster
    got = allowed(balancer.url + "/cert/verify/AAAAAAAAAAAAAAAAAAAAAA", 300, "203.0.113.11")
    assert abs(got - LIMIT) <= 1


def test_graceful_restart_of_each_node_loses_no_download(cluster):
    balancer, nodes, *_ = cluster
    api = Api(balancer.url)
    assert api.login("110000000001").status_code == 200
    stop = time.time() + 8
    results = []

    def downloads():
        with requests.Session() as s:
            # A node's graceful restart closes its idle keep-alive connections;
            # when the balancer had just reused one, it closes the client's
            # connection without an answer (AH01102) so that the client
            # repeats the GET, as browsers do (RFC 9112 9.3.1). Here too.
            s.mount("http://", HTTPAdapter(max_retries=Retry(total=1, connect=0, read=1, status=0,
                                                             allowed_methods={"GET"})))
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


def health(node):
    return requests.get(node.url + "/cert/api/health", timeout=5)


def is_clean_503(r):
    """The module's answer when it cannot serve: JSON, a Chinese message."""
    if r.status_code != 503 or not r.headers.get("Content-Type", "").startswith("application/json"):
        return False
    message = r.json()["error"]["message"]
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_health_says_ok_without_a_session_or_personal_data(cluster):
    _, nodes, *_ = cluster
    for node in nodes:
        r = health(node)
        assert r.status_code == 200 and r.json() == {"status": "ok"}
        assert "Set-Cookie" not in r.headers and r.headers["Cache-Control"] == "no-store"


def test_node_without_its_database_fails_health_and_the_balancer_routes_around_it(cluster):
    _, (a, b), _, checked, forwarder = cluster
    forwarder.stop()
    try:
        deadline = time.time() + 10
        while health(b).status_code != 503 and time.time() < deadline:
            time.sleep(0.2)
        down = health(b)
        assert is_clean_503(down), down.text
        assert health(a).status_code == 200
        # mod_proxy_hcheck (every second) takes b out: then ten in a row pass.
        deadline, good = time.time() + 15, 0
        while good < 10 and time.time() < deadline:
            good = good + 1 if requests.get(checked.url + "/cert/api/contacts").status_code == 200 else 0
        before = [access_size(a), access_size(b)]
        answers = [requests.get(checked.url + "/cert/api/contacts").status_code for _ in range(20)]
        assert answers == [200] * 20
        assert served_by(a, before[0], "/contacts") == 20 and served_by(b, before[1], "/contacts") == 0
    finally:
        forwarder.start()
    deadline = time.time() + 10
    while health(b).status_code != 200 and time.time() < deadline:
        time.sleep(0.2)
    assert health(b).status_code == 200, "node b does not heal once its database is back"


def log_in_once_healed(api, number):
    """Logs in as api.login does; a child of a node that has not met a failed
    statement since an earlier outage (the test above cuts node b's
    connections) answers a clean 503 once and heals, as members would see."""
    for _ in range(20):
        r = api.http.get(api.url("/captcha"))
        if r.status_code == 200:
            body = {"user_type": "non_practicing", "member_no": number, "password": PASSWORD,
                    "captcha_id": r.json()["captcha_id"], "captcha": r.headers["X-Captcha-Answer"]}
            r = api.http.post(api.url("/login"), json=body)
        if r.status_code == 200:
            api.token, api.csrf = r.json()["token"], r.json()["csrf_token"]
            return r
        assert is_clean_503(r), r.text
    return r


def heal_every_child(server):
    """New connections until eight in a row get an answer from the database:
    each child of server has met the broken connection and reopened it."""
    deadline, good = time.time() + 15, 0
    while good < 8 and time.time() < deadline:
        good = good + 1 if server.answers_from_database() else 0
    assert good >= 8, "the suite's httpd does not heal"


# The suite's own httpd loses its connections too: its children heal at their
# first failed statement, which it logs.
@pytest.mark.expected_errors(r"CC000(09|11|12):", r"\[dbd:error\]")
def test_database_outage_gets_clean_503_nothing_half_written_and_heals(cluster, make_member, db, httpd):
    balancer, *_ = cluster
    members = []
    for n, number in enumerate(make_member() for _ in range(8)):
        api = Api(balancer.url)
        api.http.headers["X-Forwarded-For"] = f"198.51.100.{n + 1}"
        assert log_in_once_healed(api, number).status_code == 200
        members.append(api)
    answers, stop, count = [], threading.Event(), [0]

    def requests_of(i):
        """One round of what members and the public do: read, download (the
        first download of each member issues the certificate, audited), a
        verification check and a captcha (both counted limits)."""
        api = members[i % len(members)]
        client = {"X-Forwarded-For": f"192.0.2.{i % 250 + 1}", "Accept": "application/json"}
        return [api.http.get(api.url("/me"), headers=api.bearer()),
                api.http.get(api.url("/me/certificate"), params={"confirm": "1"}, headers=api.bearer()),
                requests.get(balancer.url + "/cert/verify/AAAAAAAAAAAAAAAAAAAAAA", headers=client),
                requests.get(balancer.url + "/cert/api/captcha", headers=client)]

    def loop():
        while not stop.is_set():
            count[0] += 1
            answers.append((time.time(), requests_of(count[0])))

    worker = threading.Thread(target=loop)
    worker.start()
    try:
        time.sleep(1)
        down_from = time.time()
        lib("cc_pg_stop")
        time.sleep(10)
    finally:
        up_from = time.time()
        lib("cc_pg_start")
    back_at = time.time()
    healed = None
    while time.time() < back_at + 15:
        if answers and answers[-1][0] > back_at and all(r.status_code in (200, 404) for r in answers[-1][1]):
            healed = answers[-1][0] - back_at
            break
        time.sleep(0.2)
    stop.set()
    worker.join()
    heal_every_child(httpd)
    # pg_ctl's fast stop takes a moment; from then on every answer is a
    # clean 503, and every answer at all is a success or a clean 503.
    during = [r for at, rs in answers if down_from + 3 < at < up_from for r in rs]
    assert len(during) > 20 and all(is_clean_503(r) for r in during), \
        {(r.status_code, r.text[:80]) for r in during}
    unclean = [(r.status_code, r.url, r.text[:80]) for _, rs in answers for r in rs
               if r.status_code not in (200, 404) and not is_clean_503(r)]
    assert unclean == []
    assert healed is not None, "the nodes do not heal without a restart"
    issued = db.query("SELECT COUNT(*) FROM certificates c WHERE NOT EXISTS (SELECT 1 FROM audit_log a"
                      " WHERE a.action = 'certificate_issued' AND a.detail = c.serial)")[0][0]
    orphans = db.query("SELECT COUNT(*) FROM audit_log a WHERE a.action = 'certificate_issued' AND NOT EXISTS"
                       " (SELECT 1 FROM certificates c WHERE c.serial = a.detail)")[0][0]
    claims = db.query("SELECT COUNT(*) FROM members WHERE compare_claim <> ''")[0][0]
    assert (issued, orphans, claims) == (0, 0, 0)
    print(f"healed {healed:.1f} s after PostgreSQL was back")


@pytest.fixture(scope="module")
def node_that_cannot_count(db):
    """A node whose database role may read throttle_events but not add to
    them: every limit fails to count. It has no mod_remoteip."""
    db.query("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cicpa_no_throttle')"
             " THEN CREATE ROLE cicpa_no_throttle LOGIN; END IF; END $$")
    db.query("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cicpa_no_throttle")
    db.query("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO cicpa_no_throttle")
    db.query("REVOKE INSERT ON throttle_events FROM cicpa_no_throttle")
    role = types.SimpleNamespace(driver=db.driver, params=db.params.replace("user=postgres", "user=cicpa_no_throttle"))
    node = Httpd(role, name="node-no-throttle", extra_conf="CicpaCertCaptcha Off\n")
    assert node.start() == 0, node.log_text()
    yield node
    node.stop()


def test_a_limit_that_cannot_be_counted_refuses_right_and_wrong_passwords_alike(node_that_cannot_count, db):
    node = node_that_cannot_count
    sessions = db.query("SELECT COUNT(*) FROM sessions")[0][0]
    right = Api(node.url).login("110000000001", captcha=False)
    wrong = Api(node.url).login("110000000001", password="Wrong@2026", captcha=False)
    assert is_clean_503(right) and right.json() == wrong.json() and wrong.status_code == 503
    assert right.json()["error"]["code"] == "database_unavailable"
    assert "Set-Cookie" not in right.headers
    assert db.query("SELECT COUNT(*) FROM sessions")[0][0] == sessions
    for path in ("/cert/api/captcha", "/cert/verify/AAAAAAAAAAAAAAAAAAAAAA"):
        refused = requests.get(node.url + path, headers={"Accept": "application/json"})
        assert is_clean_503(refused), refused.text


def test_forwarded_requests_without_remoteip_are_warned_about_once_per_child(node_that_cannot_count):
    node = node_that_cannot_count
    offset = node.log_size()
    for _ in range(12):
        requests.get(node.url + "/cert/api/contacts", headers={"X-Forwarded-For": "203.0.113.7"})
    time.sleep(0.5)
    warnings = [line for line in node.log_since(offset) if "CC00050" in line]
    pids = [re.search(r"\[pid (\d+)", line).group(1) for line in warnings]
    assert warnings and len(set(pids)) == len(pids), warnings
    assert all("[cicpa_cert:warn]" in line and "mod_remoteip is not loaded" in line for line in warnings)
