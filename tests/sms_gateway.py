"""A real HTTP SMS gateway on loopback (stdlib http.server in a thread), for tests that
deliver SMS from the outbox.

Load it with `pytest_plugins = ["tests.sms_gateway"]` at the top of a test module, then
point the app at it:

    @pytest.fixture
    def app_config(sms_gateway):
        return sms_gateway.app_config()

The gateway can answer with an error (`.status = 500`), answer slowly (`.delay = 2`)
and be down (`.stop()`, then `.start()` on the same port). Like a real gateway it
takes a repeated Idempotency-Key as the same message: `delivered` holds each once.
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.smtp import HOST, free_port

TOKEN = "test-sms-token"
SENDER = "KresnaBIS"
# The client's timeout in tests: generous, so that a busy machine's slow answer is never
# taken for a gateway's failure (a test of a slow gateway sets a short one itself).
TIMEOUT = 5.0


@dataclass
class Request:
    headers: dict
    body: dict
    accepted: bool  # answered 2xx (perhaps too late for the client): the SMS went out

    @property
    def key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


class SmsGateway:
    def __init__(self):
        self.port = free_port()
        self.status = 200
        self.delay = 0.0
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/send"

    def start(self) -> "SmsGateway":
        if self._server is None:
            server = ThreadingHTTPServer((HOST, self.port), _handler(self))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def delivered(self) -> list[Request]:
        """The messages the gateway sent, each once (by Idempotency-Key)."""
        with self.lock:
            seen, once = set(), []
            for request in self.requests:
                if request.accepted and request.key not in seen:
                    seen.add(request.key)
                    once.append(request)
            return once

    def app_config(self, **overrides) -> dict:
        return {
            "SMS_BACKEND": "http",
            "SMS_URL": self.url,
            "SMS_TOKEN": TOKEN,
            "SMS_SENDER": SENDER,
            "SMS_TIMEOUT": TIMEOUT,
            **overrides,
        }


def _handler(gateway: SmsGateway):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            status, delay = gateway.status, gateway.delay
            with gateway.lock:
                gateway.requests.append(Request(dict(self.headers), body, status < 300))
            if delay:
                time.sleep(delay)  # the message went out; the answer comes late
            payload = json.dumps({"ok": status < 300}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up waiting
                pass

        def log_message(self, *args):  # quiet
            pass

    return Handler


@pytest.fixture
def sms_gateway():
    """A running loopback SMS gateway collecting what it takes."""
    gateway = SmsGateway().start()
    yield gateway
    gateway.stop()
