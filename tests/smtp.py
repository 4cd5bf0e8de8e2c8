"""A real SMTP server on loopback (aiosmtpd), for tests that deliver the outbox.

Load it with `pytest_plugins = ["tests.smtp"]` at the top of a test module, then point
the app at it:

    @pytest.fixture
    def app_config(smtp_server):
        return smtp_server.app_config()

`smtp_server` is started; `stopped_smtp_server` has its port reserved but nothing
listening there until the test calls `.start()` — an SMTP outage that ends.
"""

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass
class Received:
    """One message as the server got it."""

    mail_from: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    def header(self, name: str) -> str | None:
        value = self.message[name]
        return None if value is None else str(value)


@dataclass
class _Collector:
    """The aiosmtpd handler: keeps every message it accepts."""

    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A loopback SMTP server that can be started and stopped on one port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self._collector = _Collector()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> "SmtpServer":
        if self._controller is None:
            controller = Controller(self._collector, hostname=HOST, port=self.port)
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[Received]:
        with self._collector.lock:
            return list(self._collector.messages)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]

    def clear(self) -> None:
        with self._collector.lock:
            self._collector.messages.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """The messages, once at least `count` have arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def app_config(self) -> dict:
        """Settings that make Flask-Mail deliver here (TESTING would suppress sending)."""
        return {
            "MAIL_SERVER": HOST,
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            "MAIL_USERNAME": None,
            "MAIL_PASSWORD": None,
            "MAIL_SUPPRESS_SEND": False,
            "MAIL_DEFAULT_SENDER": "bureau@kresna.test",
        }


@pytest.fixture
def smtp_server():
    """A running loopback SMTP server collecting what it receives."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def stopped_smtp_server():
    """A server whose port nobody listens on yet: call `.start()` to end the outage."""
    server = SmtpServer()
    yield server
    server.stop()
