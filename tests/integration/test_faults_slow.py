"""Slow clients (issue 13, item 5): a client that trickles its headers or its
body holds an httpd worker; mod_reqtimeout (RequestReadTimeout in the shipped
conf/cicpa_cert.conf) cuts it off, so a crowd of them cannot stop the server
answering. The httpd here has small timeouts and few workers, so the test
stays short: it proves the behaviour, it does not measure time."""
import select
import socket
import subprocess
import threading
import time

import pytest
import requests

from conftest import ROOT, Httpd

# Few workers, so a bounded crowd fills them; a small header and body
# allowance, so the cut comes within seconds. Headers: 2 s, up to 4 s while
# 500 bytes/s come.
SMALL = ("StartServers 1\nServerLimit 1\nThreadsPerChild 8\nMinSpareThreads 1\nMaxSpareThreads 8\n"
         "MaxRequestWorkers 8\nRequestReadTimeout header=2-4,MinRate=500 body=2,MinRate=500\n")
# Well past the allowance above: a client still connected then was not cut off.
BOUND = 20


@pytest.fixture(scope="module")
def small_httpd(db):
    server = Httpd(db, name="slow-clients", extra_conf=SMALL)
    assert server.start() == 0, server.log_text()
    yield server
    server.stop()


class Trickle:
    """Slow clients: each sends its request's first bytes at once, then one
    more byte every half second, until the server closes the connection (or
    BOUND passes). Records what each got back."""

    def __init__(self, server, count, head):
        self.socks = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(count)]
        for s in self.socks:
            s.sendall(head)
            s.setblocking(False)
        self.answers = {}     # socket -> bytes received before the close
        self.closed_at = {}   # socket -> seconds from the start

    def run(self):
        start = time.monotonic()
        while len(self.closed_at) < len(self.socks) and time.monotonic() - start < BOUND:
            for s in self.open():
                try:
                    s.send(b"x")
                except OSError:  # reset by the server
                    self.closed_at[s] = time.monotonic() - start
            readable, _, _ = select.select(self.open(), [], [], 0.5)
            for s in readable:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                self.answers[s] = self.answers.get(s, b"") + data
                if not data:
                    self.closed_at[s] = time.monotonic() - start
        for s in self.socks:
            s.close()

    def open(self):
        return [s for s in self.socks if s not in self.closed_at]


def test_the_shipped_confs_load_reqtimeout(small_httpd, httpd):
    modules = subprocess.run(["apache2", "-f", httpd.conf, "-M"], capture_output=True, text=True).stdout
    assert "reqtimeout_module" in modules
    with open(f"{ROOT}/conf/cicpa_cert.conf") as f:
        assert "RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500" in f.read()


def test_a_client_sending_headers_slowly_is_cut_off(small_httpd):
    slow = Trickle(small_httpd, 1, b"GET /cert/api/contacts HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    slow.run()
    assert slow.closed_at, "the slow client was still connected after %d s" % BOUND
    answer = next(iter(slow.answers.values()), b"")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]


def test_a_client_sending_its_body_slowly_is_cut_off(small_httpd):
    slow = Trickle(small_httpd, 1, b"POST /cert/api/login HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":\"")
    slow.run()
    assert slow.closed_at, "the slow client was still connected after %d s" % BOUND
    answer = next(iter(slow.answers.values()), b"")
    # Cut off by mod_reqtimeout: 408 in the API's JSON shape (or just closed).
    assert answer == b"" or (answer.startswith(b"HTTP/1.1 408") and b'"request_timeout"' in answer), answer[:300]


@pytest.mark.parametrize("head", [
    b"GET /cert/api/contacts HTTP/1.1\r\nHost: x\r\nX-Slow: ",
    b"POST /cert/api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 1000\r\n\r\n{\"a\":\""], ids=["headers", "bodies"])
def test_many_slow_clients_do_not_stop_the_server_answering(small_httpd, head):
    slow = Trickle(small_httpd, 40, head)  # five times the workers
    crowd = threading.Thread(target=slow.run)
    crowd.start()
    try:
        time.sleep(1)  # every worker is now held by a slow client
        r = requests.get(small_httpd.url + "/cert/api/contacts", timeout=BOUND)
        assert r.status_code == 200 and r.json()["institutes"]
    finally:
        crowd.join()
    assert len(slow.closed_at) == 40, "%d slow clients still connected" % (40 - len(slow.closed_at))
