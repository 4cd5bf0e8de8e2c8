"""Two real app servers (gunicorn, one worker each) on one database, with the default
limit store (no Redis): a limit holds across both, it is not one limit per worker.

The requests alternate between the servers, as a proxy would spread them.
"""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def two_servers(app, migrated_database, tmp_path):
    """The base URLs of two gunicorn servers sharing the test database (and a secret key)."""
    env = {
        **os.environ,
        "BUREAU_DATABASE_URL": migrated_database,
        "BUREAU_SECRET_KEY": "the same on every app server",
        "BUREAU_MFA_REQUIRED_ROLES": "",
    }
    env.pop("BUREAU_REDIS_URL", None)
    servers = []
    for n in range(2):
        url = f"http://127.0.0.1:{free_port()}"
        command = [str(GUNICORN), "--workers", "1", "--bind", url.removeprefix("http://"),
                   "wsgi:app"]  # fmt: skip
        with (tmp_path / f"server{n}.log").open("w") as log:  # gunicorn's output, if it fails
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        servers.append((process, url))
    try:
        for process, url in servers:
            wait_until_up(process, url)
        yield [url for _process, url in servers]
    finally:
        for process, _url in servers:
            process.terminate()
            process.wait(10)


def wait_until_up(process, url: str) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("gunicorn did not start")


def csrf_token(browser: httpx.Client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', browser.get(url).text).group(1)


def test_wrong_passwords_are_counted_together_by_two_servers(two_servers):
    email = make_user().email
    with httpx.Client(timeout=30) as browser:
        token = csrf_token(browser, f"{two_servers[0]}/login")
        statuses = [
            browser.post(f"{two_servers[n % 2]}/login", data={
                "email": email, "password": "wrong password!", "csrf_token": token}).status_code
            for n in range(10)
        ]  # fmt: skip
    # Five wrong passwords per account and address (then one a minute), not five per server.
    assert statuses == [200] * 5 + [429] * 5


def test_failed_status_lookups_per_address_are_counted_together_by_two_servers(two_servers):
    with httpx.Client(timeout=30) as browser:
        token = csrf_token(browser, f"{two_servers[0]}/status")
        statuses = [
            browser.post(f"{two_servers[n % 2]}/status", data={
                "reference": f"KRS-2026-{n + 1:05d}", "pin": "123456",
                "csrf_token": token}).status_code
            for n in range(22)
        ]  # fmt: skip
    # 20 failed look-ups an hour per address, not 20 per server.
    assert statuses == [200] * 20 + [429] * 2
