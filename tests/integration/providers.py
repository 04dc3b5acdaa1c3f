"""FaceVerifier providers that misbehave, for the client's robustness tests:
a real HTTP server on loopback that records every request it gets."""
import hashlib
import hmac
import http.server
import json
import socket
import struct
import threading
import time

KEY = b"demo-face-verifier-key-not-a-secret"


def sign(ts, body, key=KEY):
    return hmac.new(key, ts.encode() + b"." + body, hashlib.sha256).hexdigest()


class Provider:
    """behaviour: 'slow', 'http500', 'http502', 'garbage', 'unsigned',
    'wrong_hmac' (signed with another key), 'wrong_request', 'reset' (the
    connection reset halfway through the answer), 'hold' (answers only once
    released, see hold_until_released), or a result it answers well-formed
    and signed: 'match', 'poor_quality', 'no_face', 'not_found' or
    'service_error'. The behaviour may be changed between requests."""

    def __init__(self, behaviour, delay=3.0):
        self.behaviour = behaviour
        self.delay = delay
        self.requests = []
        self.held = threading.Event()      # set when a 'hold' request arrived
        self.released = threading.Event()  # set to let held requests go on
        provider = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                provider.requests.append({"headers": dict(self.headers), "body": body})
                try:
                    provider.answer(self, json.loads(body))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (slow, hold): expected

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/verify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, handler, request):
        b = self.behaviour
        if b == "slow":
            time.sleep(self.delay)
        if b == "hold":
            self.held.set()
            self.released.wait(60)
        if b in ("http500", "http502"):
            return self.send(handler, int(b[4:]), b'{"error":"internal"}')
        if b == "garbage":
            return self.send(handler, 200, b"<html>not json</html>", signed=True)
        request_id = "someone-else" if b == "wrong_request" else request["request_id"]
        results = ("match", "poor_quality", "no_face", "not_found", "service_error")
        result = b if b in results else "match"
        body = json.dumps({"request_id": request_id, "result": result, "score": 97}).encode()
        if b == "reset":
            return self.reset_halfway(handler, body)
        self.send(handler, 200, body, signed=(b != "unsigned"), key=(b"another-key" if b == "wrong_hmac" else KEY))

    def send(self, handler, status, body, signed=False, key=KEY):
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        if signed:
            ts = str(int(time.time()))
            handler.send_header("X-Cicpa-Timestamp", ts)
            handler.send_header("X-Cicpa-Signature", sign(ts, body, key))
        handler.end_headers()
        handler.wfile.write(body)

    def reset_halfway(self, handler, body):
        """A signed 200 whose body stops halfway: the connection is reset
        (RST, SO_LINGER 0), as a crashing provider or a middlebox does."""
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        ts = str(int(time.time()))
        handler.send_header("X-Cicpa-Timestamp", ts)
        handler.send_header("X-Cicpa-Signature", sign(ts, body))
        handler.end_headers()
        handler.wfile.write(body[:len(body) // 2])
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
        handler.close_connection = True

    def request_ids(self):
        """The request_id of every request received, in order."""
        return [json.loads(r["body"])["request_id"] for r in self.requests]

    def close(self):
        self.server.shutdown()
