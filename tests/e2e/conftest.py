"""Browser tests: the test's app served on a real port, driven by Debian's Chromium.

Fixtures for tests in tests/e2e (all marked `e2e`; `pytest -m "not e2e"` leaves them out):

- `live_server` -> str: base URL ("http://127.0.0.1:PORT") serving the test's `app`.
- `browser` (session): a Playwright Browser running Debian's `chromium` (from PATH).
- `new_page(viewport=(1280, 800), **context_options)` -> Page: a page in a fresh context
  (own cookies) whose relative URLs resolve against the live server; for tests that need
  several people logged in at once.
- `page` (1280x800) and `phone_page` (390x844, touch): one such page each.
- `log_in(page, user_or_email, password=PASSWORD)`: logs in through the real login form.

Data made with tests/factories.py is committed, so the server sees it. The server runs
each request in its own session; to read what it changed, call `db.session.rollback()`
(or `expire_all()`) in the test first. CSRF protection is on, as in production.
A failed test leaves a screenshot of each of its pages in test-artifacts/.
"""

import re
import shutil
import threading
from pathlib import Path

import pytest
from jinja2 import BytecodeCache
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.factories import PASSWORD

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR.parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: CI runs the browser beside two pytest workers on two loaded cores.
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def app_config() -> dict:
    """No fixed SERVER_NAME, so url_for and redirects use the live host:port; CSRF on."""
    return {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True}


class QuietRequestHandler(WSGIRequestHandler):
    """No line per request (errors are still logged)."""

    def log_request(self, code="-", size="-"):
        pass


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the apps of all tests (keyed by source checksum)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


@pytest.fixture
def live_server(app):
    """Serve the test's app on a free port of 127.0.0.1; yields the base URL."""
    # Each test has a new app; compiling its templates afresh would cost ~0.3 s a test.
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("install Debian's chromium: apt-get install chromium", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """Factory: a page in a new browser context (Bulgarian locale) on the live server."""
    contexts = []

    def _new_page(viewport=(1280, 800), **options):
        width, height = viewport
        context = browser.new_context(
            base_url=live_server,
            viewport={"width": width, "height": height},
            locale="bg-BG",
            timezone_id="Europe/Sofia",
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    if getattr(request.node, "e2e_failed", False):
        _save_screenshots(request.node.nodeid, contexts)
    for context in contexts:
        context.close()


def _save_screenshots(nodeid: str, contexts) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", nodeid)
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        suffix = f"-{number}" if len(pages) > 1 else ""
        try:
            page.screenshot(path=ARTIFACTS / f"{name}{suffix}.png", full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"no screenshot of {page.url}: {error}")


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(viewport=(390, 844), is_mobile=True, has_touch=True)


@pytest.fixture
def log_in():
    """Log in through the login form; the page ends on the page after login."""

    def _log_in(page, user, password: str = PASSWORD):
        email = getattr(user, "email", user)
        page.goto("/login")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.locator("input[name=password]").press("Enter")
        if "/login" in page.url:
            raise AssertionError(f"login of {email} failed: still on {page.url}")
        return page

    return _log_in
