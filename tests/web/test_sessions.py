"""Session life: a new session at login, 30-minute idle and 12-hour absolute time-outs,
cookie flags, no remember-me, and an old cookie replayed after time-out or logout."""

import pytest

from bureau.web.common import sessions
from tests.factories import PASSWORD, make_user

T0 = 1_800_000_000  # a fixed moment; the tests move the clock by hand
MINUTE, HOUR = 60, 3600


@pytest.fixture
def clock(monkeypatch):
    now = [T0]
    monkeypatch.setattr(sessions, "now", lambda: now[0])
    return now


def log_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    return response


def sent_to_login(response) -> bool:
    return response.status_code in (302, 303) and "/login" in response.location


def test_login_starts_a_new_session_and_keeps_only_the_language(client):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["language"] = "en"
        session["csrf_token"] = "old-token"
    log_in(client, make_user())
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != "old-token"
        assert session["language"] == "en"
        assert session["login_at"] == session["seen_at"]


def test_session_cookie_is_httponly_and_samesite_and_there_is_no_remember_me(client):
    response = log_in(client, make_user())
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert not any(c.startswith("remember_token=") for c in cookies)


@pytest.mark.parametrize(
    "app_config", [{"SESSION_COOKIE_SECURE": True, "PUBLIC_URL": "https://bureau.kresna.bg"}]
)
def test_session_cookie_is_secure_when_configured(client):
    response = log_in(client, make_user())
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if "session=" in c)
    assert "Secure" in session_cookie


def test_activity_within_30_minutes_keeps_the_session_alive(client, clock):
    log_in(client, make_user())
    for _ in range(5):
        clock[0] += 29 * MINUTE
        assert client.get("/").status_code == 200


def test_30_minutes_idle_ends_the_session_with_a_message(client, clock):
    log_in(client, make_user())
    clock[0] += 31 * MINUTE
    response = client.get("/cases/")
    assert sent_to_login(response)
    assert "next=/cases/" in response.location
    page = client.get(response.location)
    assert "Сесията ви изтече поради неактивност" in page.text
    assert sent_to_login(client.get("/cases/"))  # the session is gone, not just refused once


def test_12_hours_after_login_the_session_ends_however_active(client, clock):
    log_in(client, make_user())
    for _ in range(12 * 3 + 2):
        clock[0] += 20 * MINUTE
        response = client.get("/")
        if response.status_code != 200:
            break
    assert clock[0] - T0 > 12 * HOUR
    assert sent_to_login(response)
    assert "Сесията ви изтече. Моля, влезте отново." in client.get(response.location).text


def test_an_old_cookie_replayed_after_the_idle_limit_is_refused(app, client, clock):
    log_in(client, make_user())
    stolen = client.get_cookie("session").value
    clock[0] += 20 * MINUTE
    assert client.get("/").status_code == 200  # the owner goes on working
    clock[0] += 15 * MINUTE
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="localhost")
    assert sent_to_login(thief.get("/"))
    assert client.get("/").status_code == 200


def test_a_cookie_replayed_after_logout_is_refused(app, client):
    log_in(client, make_user())
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="localhost")
    assert sent_to_login(thief.get("/cases/"))


def test_an_expired_post_is_refused_and_changes_nothing(client, clock):
    user = make_user()
    log_in(client, user)
    version = user.session_version
    clock[0] += 31 * MINUTE
    response = client.post("/logout")
    assert sent_to_login(response)
    assert user.session_version == version


def test_time_outs_are_settings(app, client, clock):
    app.config["SESSION_IDLE_MINUTES"] = 5
    log_in(client, make_user())
    clock[0] += 6 * MINUTE
    assert sent_to_login(client.get("/"))
