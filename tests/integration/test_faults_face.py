"""FaceVerifier faults (issue 13): a real misbehaving HTTP provider
(providers.py) and an httpd child killed in the middle of a comparison.
Whatever goes wrong: no attempt is consumed by a non-answer, the claim is
released (or expires) and the member can try again, and one comparison is
one request id at the provider, never two calls at once for one member."""
import concurrent.futures
import os
import signal
import time

import pytest
import requests

from conftest import Api, Httpd, assert_no_unexpected_errors
from providers import Provider
from test_photo import MATCH, MEMBER2_ID, attempts_used, photo, upload_raw

TIMEOUT, TRIES = 1, 2


@pytest.fixture(scope="module")
def provider():
    p = Provider("match")
    yield p
    p.close()


@pytest.fixture(scope="module")
def faulty(db, provider):
    """An httpd whose FaceVerifier is the misbehaving provider."""
    server = Httpd(db, name="faults-face", extra_conf=(
        f"CicpaCertFaceVerifierUrl {provider.url}\n"
        f"CicpaCertFaceVerifierTimeout {TIMEOUT}\nCicpaCertFaceVerifierTries {TRIES}\n"))
    assert server.start() == 0, server.log_text()
    yield server
    server.stop()


def member_of(server, make_member):
    number = make_member(photo=False, fields=MEMBER2_ID)
    api = Api(server.url)
    assert api.login(number).status_code == 200
    api.member_no = number
    return api


def claim_of(db, number):
    return db.query("SELECT compare_claim, compare_claim_until FROM members WHERE member_no = ?", number)[0]


def assert_not_charged(r, db, number):
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "comparison_unavailable" and "未消耗" in error["message"]
    assert attempts_used(db, number) == 0
    assert db.query("SELECT photo_status FROM members WHERE member_no = ?", number) == [("none",)]
    assert db.query("SELECT COUNT(*) FROM photo_comparisons WHERE member_no = ?", number) == [(0,)]


def assert_one_match_then_done(api, db, provider, calls_before):
    """The member's next upload is compared once, matches, consumes the
    one attempt; a further upload calls no one."""
    provider.behaviour = "match"
    r = upload_raw(api, photo(MATCH))
    assert r.status_code == 200 and r.json()["result"] == "match", r.text
    assert attempts_used(db, api.member_no) == 1
    assert len(provider.requests) == calls_before + 1
    assert db.query("SELECT COUNT(*) FROM photo_comparisons WHERE member_no = ?", api.member_no) == [(1,)]
    r = upload_raw(api, photo(MATCH))
    assert r.status_code == 409
    assert len(provider.requests) == calls_before + 1


# Faults tried again (transport errors and 5xx) make TRIES calls; answers
# that are wrong in themselves make one.
@pytest.mark.parametrize("behaviour, calls", [
    ("slow", TRIES), ("reset", TRIES), ("http500", TRIES), ("http502", TRIES),
    ("garbage", 1), ("wrong_hmac", 1), ("unsigned", 1)])
def test_a_fault_costs_nothing_and_the_member_can_try_again_at_once(faulty, provider, behaviour, calls,
                                                                     make_member, db):
    api = member_of(faulty, make_member)
    provider.behaviour = behaviour
    before = len(provider.requests)
    assert_not_charged(upload_raw(api, photo(MATCH)), db, api.member_no)
    tried = provider.request_ids()[before:]
    assert len(tried) == calls
    assert len(set(tried)) == 1  # every try of one comparison is the same request: billed once
    assert claim_of(db, api.member_no) == ("", 0)  # released, not left to expire
    audited = db.query("SELECT detail FROM audit_log WHERE member_no = ? AND action = 'photo_comparison'",
                       api.member_no)
    assert len(audited) == 1 and '"result":"service_error"' in audited[0][0] and tried[0] in audited[0][0]
    assert_one_match_then_done(api, db, provider, len(provider.requests))


def test_parallel_uploads_during_a_fault_make_one_comparison(faulty, provider, make_member, db):
    """Ten uploads at once while the provider is slow: one comparison (one
    request id) is tried, the others are 409 at once; nothing is charged."""
    api = member_of(faulty, make_member)
    provider.behaviour = "slow"
    before = len(provider.requests)
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: upload_raw(api, photo(MATCH)), range(10)))
    assert sorted(r.status_code for r in answers) == [409] * 9 + [503]
    assert len(set(provider.request_ids()[before:])) == 1
    assert attempts_used(db, api.member_no) == 0
    assert_one_match_then_done(api, db, provider, len(provider.requests))


@pytest.fixture
def one_child(db, provider):
    """An httpd of one child process (so the test knows whom to kill) and a
    provider that holds each request until released."""
    server = Httpd(db, name="faults-face-kill", extra_conf=(
        f"CicpaCertFaceVerifierUrl {provider.url}\n"
        "CicpaCertFaceVerifierTimeout 2\nCicpaCertFaceVerifierTries 1\n"
        "StartServers 1\nServerLimit 1\nThreadsPerChild 8\nMinSpareThreads 1\nMaxSpareThreads 8\n"
        "MaxRequestWorkers 8\n"))
    assert server.start() == 0, server.log_text()
    yield server
    provider.released.set()
    server.stop()


def children_of(server):
    with open(os.path.join(server.root, "httpd.pid")) as f:
        parent = f.read().strip()
    children = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[1] == parent:
                    children.append(int(pid))
        except OSError:
            pass
    return children


@pytest.mark.expected_errors(r"exit signal Killed")
def test_a_child_killed_during_the_comparison_costs_nothing_and_its_claim_expires(
        request, one_child, provider, make_member, db):
    offset = one_child.log_size()
    api = member_of(one_child, make_member)
    provider.behaviour = "hold"
    provider.held.clear()
    provider.released.clear()
    before = len(provider.requests)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    upload = pool.submit(upload_raw, api, photo(MATCH))
    assert provider.held.wait(15), "the comparison never reached the provider"
    (child,) = children_of(one_child)
    os.kill(child, signal.SIGKILL)
    with pytest.raises(requests.ConnectionError):
        upload.result(timeout=15)
    provider.released.set()
    pool.shutdown()
    # Nothing charged; the claim is still taken, so no second call is made
    # while the first might still be answered.
    assert attempts_used(db, api.member_no) == 0
    claim, until = claim_of(db, api.member_no)
    assert claim and until <= time.time() + 2 * 1 + 30  # timeout x tries + 30 s
    provider.behaviour = "match"
    r = upload_raw(api, photo(MATCH))  # answered by the child httpd started anew
    assert r.status_code == 409 and r.json()["error"]["code"] == "comparison_in_progress", r.text
    assert len(provider.requests) == before + 1
    # Once the claim has expired, the member tries again: one new comparison.
    while time.time() < until + 1:  # expired: until < now, in whole seconds
        time.sleep(0.5)
    assert_one_match_then_done(api, db, provider, before + 1)
    assert len(set(provider.request_ids()[before:])) == 2
    assert_no_unexpected_errors(request, one_child, offset)
