"""FaceVerifier providers that misbehave, for the client's robustness tests:
a real HTTP server on loopback that records every request it gets."""
import hashlib
import hmac
import http.server
import json
import threading
import time

KEY = b"demo-face-verifier-key-not-a-secret"


def sign(ts, body):
    return hmac.new(KEY, ts.encode() + b"." + body, hashlib.sha256).hexdigest()


class Provider:
    """behaviour: 'slow', 'http500', 'garbage', 'unsigned', 'wrong_request',
    or a result it answers well-formed and signed: 'match', 'poor_quality',
    'no_face', 'not_found' or 'service_error'."""

    def __init__(self, behaviour, delay=3.0):
        self.behaviour = behaviour
        self.delay = delay
        self.requests = []
        provider = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                provider.requests.append({"headers": dict(self.headers), "body": body})
                provider.answer(self, json.loads(body))

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/verify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, handler, request):
        b = self.behaviour
        if b == "slow":
            time.sleep(self.delay)
        if b == "http500":
            return self.send(handler, 500, b'{"error":"internal"}')
        if b == "garbage":
            return self.send(handler, 200, b"<html>not json</html>", signed=True)
        request_id = "someone-else" if b == "wrong_request" else request["request_id"]
        results = ("match", "poor_quality", "no_face", "not_found", "service_error")
        result = b if b in results else "match"
        body = json.dumps({"request_id": request_id, "result": result, "score": 97}).encode()
        self.send(handler, 200, body, signed=(b != "unsigned"))

    def send(self, handler, status, body, signed=False):
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        if signed:
            ts = str(int(time.time()))
            handler.send_header("X-Cicpa-Timestamp", ts)
            handler.send_header("X-Cicpa-Signature", sign(ts, body))
        handler.end_headers()
        handler.wfile.write(body)

    def close(self):
        self.server.shutdown()
