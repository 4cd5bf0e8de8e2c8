"""Security headers on every HTML response, for every role: CSP, nosniff, frame and
referrer policy, no-store for logged-in users and the status pages, HSTS over HTTPS."""

import pytest

from bureau import create_app
from bureau.models import Role
from bureau.security import CONTENT_SECURITY_POLICY, DebugRefused
from tests.factories import make_inquiry, make_office, make_user
from tests.web.test_permissions import ROLES, request_as, routes, sample

REQUIRED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
CSP_MUST_SAY = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


@pytest.fixture
def samples(app):
    office = make_office()
    user = make_user(Role.DESK, office=office)
    inquiry = make_inquiry(office, citizen={"name": "Мария Иванова", "phone": "0888123456"})
    return {
        "user_id": user.id,
        "code": office.code,
        "reference": inquiry.reference,
        "category_code": "local_taxes",
        "citizen_id": inquiry.citizen_id,
    }


def missing_headers(response, logged_in: bool, path: str) -> list[str]:
    missing = [name for name, value in REQUIRED.items() if response.headers.get(name) != value]
    private = logged_in or path.startswith("/status")
    if private and response.headers.get("Cache-Control") != "no-store":
        missing.append("Cache-Control")
    if "Strict-Transport-Security" in response.headers:
        missing.append("no HSTS over plain HTTP")
    return missing


def test_the_policy_forbids_inline_scripts_plugins_base_and_framing():
    for directive in CSP_MUST_SAY:
        assert directive in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_every_html_response_of_every_role_carries_every_header(app, samples, role):
    html, failures = 0, []
    for rule, method in routes(app):
        if method != "GET":
            continue
        response = request_as(app, role, rule, method, samples)
        if response.mimetype != "text/html":
            continue
        html += 1
        url = rule.build({a: sample(rule, a, samples) for a in rule.arguments})[1]
        if missing := missing_headers(response, role is not None, url):
            failures.append(f"{url} ({response.status_code}): {missing}")
    assert html >= 5
    assert failures == [], f"{len(failures)} of {html} HTML responses lack headers"


def test_status_page_and_its_result_are_never_cached(client):
    assert client.get("/status").headers["Cache-Control"] == "no-store"


def test_public_home_may_be_cached_but_still_has_the_policy(client):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers.get("Cache-Control") != "no-store"


def test_static_files_carry_nosniff_and_stay_cacheable(client, login_as):
    login_as(Role.DESK)
    for url in ("/static/css/bureau.css", "/bootstrap/static/css/bootstrap.min.css"):
        response = client.get(url)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers.get("Cache-Control") != "no-store"


def test_hsts_is_sent_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_api_responses_for_a_token_are_not_cached(app, client):
    from bureau.domain import accounts

    token = accounts.issue_api_token(make_user(Role.DESK))
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_scripts_or_event_handlers():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.html")
        if not path.is_relative_to(root / "email")  # e-mails are not served by the app
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if inline.search(line)
    ]
    assert offenders == []


def test_proxy_fix_trusts_one_proxy_for_address_and_scheme(migrated_database):
    from tests.conftest import TEST_CONFIG

    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": migrated_database,
            "PROXY_FIX": True,
            "PUBLIC_URL": "https://bureau.kresna.bg",
        }
    )
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(ip=request.remote_addr, secure=request.is_secure)
        return "ok"

    probe.permission = "public"
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    response = app.test_client().get("/_probe", headers=headers)
    assert seen == {"ip": "203.0.113.7", "secure": True}
    assert "Strict-Transport-Security" in response.headers


def test_without_proxy_fix_forwarded_headers_are_ignored(app, client):
    seen = {}

    @app.get("/_probe2")
    def probe():
        from flask import request

        seen.update(ip=request.remote_addr, secure=request.is_secure)
        return "ok"

    probe.permission = "public"
    client.get("/_probe2", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert seen == {"ip": "127.0.0.1", "secure": False}


def test_request_size_is_capped(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    too_big = b"x" * (16 * 1024 * 1024 + 1)
    response = client.post("/login", data=too_big, content_type="application/octet-stream")
    assert response.status_code == 413


@pytest.mark.parametrize(
    "config",
    [
        {"DEBUG": True},
        {"DEBUG": True, "ALLOW_DEBUG": True, "SESSION_COOKIE_SECURE": True},
        {"DEBUG": True, "ALLOW_DEBUG": True, "PROXY_FIX": True},
    ],
)
def test_debug_mode_is_refused_unless_allowed_on_a_development_machine(config):
    with pytest.raises(DebugRefused):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    **config})  # fmt: skip


def test_debug_mode_runs_only_where_explicitly_allowed():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "DEBUG": True, "ALLOW_DEBUG": True})  # fmt: skip
    assert app.debug
