"""Logging in and out: the generic failure, throttling, the `next` target, session life."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.security import check_password_hash

from bureau.domain import accounts, settings, throttle
from bureau.domain.settings import Settings
from bureau.extensions import db
from bureau.models import Role
from tests.factories import PASSWORD, make_office, make_user
from tests.parallel import at_once

# "/" is the public home for anonymous visitors: a staff-only page tells who is logged in.
STAFF_PAGE = "/account/password"

NEW_PASSWORD = "a brand new passphrase"
GENERIC_FAILURE = "Грешен e-mail или парола."


@pytest.fixture
def app_config():
    return {
        "LOGIN_LIMIT_PER_SOURCE": "3 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "5 per minute",
        "LOGIN_LIMIT_PER_IP": "6 per minute",
    }


def log_in(client, email, password=PASSWORD, ip="127.0.0.1", **kwargs):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        **kwargs,
    )


def logged_in_client(app, user, password=PASSWORD):
    """A client of its own (its own cookies) with the user logged in."""
    client = app.test_client()
    assert log_in(client, user.email, password).status_code == 303
    return client


def is_sent_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == "/login"


def without_input_values(html: str) -> str:
    return re.sub(r'value="[^"]*"', 'value=""', html)


# Logging in


def test_login_with_right_password_goes_home(client):
    user = make_user(name="Ана Петрова")
    response = log_in(client, user.email)
    assert response.status_code == 303
    assert response.location == "/"
    assert "Добре дошли, Ана Петрова" in client.get("/").text
    assert user.last_login_at is not None


def test_login_ignores_case_and_spaces_in_email(client):
    user = make_user()
    assert log_in(client, f"  {user.email.upper()} ").status_code == 303


def test_login_with_wrong_password_shows_generic_message(client):
    user = make_user()
    response = log_in(client, user.email, "not the password at all")
    assert response.status_code == 200
    assert GENERIC_FAILURE in response.text
    assert client.get(STAFF_PAGE).status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_page(client):
    user = make_user()
    wrong_password = log_in(client, user.email, "not the password at all")
    unknown_email = log_in(client, "nobody@example.test", "not the password at all")
    assert wrong_password.status_code == unknown_email.status_code
    assert without_input_values(wrong_password.text) == without_input_values(unknown_email.text)
    assert GENERIC_FAILURE in unknown_email.text


def test_deactivated_user_cannot_log_in_and_learns_nothing(client):
    user = make_user()
    user.active = False
    db.session.commit()
    right_password = log_in(client, user.email)
    unknown_email = log_in(client, "nobody@example.test")
    assert right_password.status_code == unknown_email.status_code == 200
    assert without_input_values(right_password.text) == without_input_values(unknown_email.text)
    assert GENERIC_FAILURE in right_password.text
    assert is_sent_to_login(client.get(STAFF_PAGE))


def test_logged_in_user_opening_login_page_goes_home(client):
    log_in(client, make_user().email)
    response = client.get("/login")
    assert response.status_code == 302
    assert response.location == "/"


def test_logout_needs_a_post(client):
    log_in(client, make_user().email)
    assert client.get("/logout").status_code == 405
    assert client.get(STAFF_PAGE).status_code == 200


def test_logout_ends_the_session(client):
    log_in(client, make_user().email)
    response = client.post("/logout")
    assert response.status_code == 303
    assert "Излязохте от системата." in client.get(response.location).text
    assert is_sent_to_login(client.get(STAFF_PAGE))


# Throttling. app_config: a burst of 3 wrong passwords per account and address, 5 per
# account from all addresses together, 6 failed logins per address over all accounts.


def test_failures_from_one_address_throttle_that_address_only(app, client):
    user = make_user()
    for _ in range(3):
        assert log_in(client, user.email, "wrong password!", ip="10.6.6.6").status_code == 200
    refused = log_in(client, user.email, ip="10.6.6.6")  # even with the right password
    assert refused.status_code == 429
    assert "Твърде много опити" in refused.text
    assert client.get(STAFF_PAGE).status_code == 302
    assert log_in(app.test_client(), user.email, ip="10.0.0.1").status_code == 303


def test_a_strangers_failures_never_lock_the_owner_out(app, client):
    user = make_user()
    for _ in range(10):
        log_in(client, user.email, "wrong password!", ip="10.6.6.6")
    assert log_in(client, user.email, ip="10.6.6.6").status_code == 429
    assert log_in(app.test_client(), user.email, ip="10.0.0.1").status_code == 303


def test_failures_from_many_addresses_reach_the_accounts_ceiling(app, client):
    user = make_user()
    for n in range(5):
        assert log_in(client, user.email, "wrong password!", ip=f"10.0.0.{n}").status_code == 200
    refused = log_in(app.test_client(), user.email, ip="10.0.0.99")
    assert refused.status_code == 429
    assert "Твърде много опити" in refused.text


def test_a_browser_that_logged_in_before_gets_in_past_the_accounts_ceiling(app):
    user = make_user()
    browser = app.test_client()
    assert log_in(browser, user.email, ip="10.0.0.1").status_code == 303
    browser.post("/logout")
    for n in range(8):
        log_in(app.test_client(), user.email, "wrong password!", ip=f"10.9.0.{n}")
    assert log_in(app.test_client(), user.email, ip="10.0.0.1").status_code == 429  # new browser
    assert log_in(browser, user.email, ip="10.0.0.1").status_code == 303
    browser.post("/logout")
    for _ in range(3):  # that browser's own failures still count, on their own
        assert log_in(browser, user.email, "wrong password!").status_code == 200
    assert log_in(browser, user.email).status_code == 429


def test_parallel_guesses_from_many_addresses_never_pass_the_accounts_ceiling(app):
    email = make_user().email

    def guess(n):
        client = app.test_client()
        return log_in(client, email, "wrong password!", ip=f"10.8.0.{n}").status_code

    assert sorted(at_once(8, guess)) == [200] * 5 + [429] * 3


def test_the_accounts_ceiling_bounds_a_guesser_with_many_addresses(app, monkeypatch):
    """With the default limits: one guess every 10 s for 3 hours, each from a new address."""
    for name in throttle.DEFAULTS:
        app.config.pop(name, None)
    monkeypatch.setattr(settings, "current", lambda: Settings.from_config(app.config))
    user = make_user()
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    let_through = []
    for n in range(3 * 360):
        now[0] += 10
        try:
            accounts.authenticate(user.email, "wrong password!", source=f"address:{n}")
        except throttle.TooManyAttempts:
            continue
        let_through.append(now[0])
    per_hour = max(sum(t <= s < t + 3600 for s in let_through) for t in let_through)
    ceiling = throttle.rate("LOGIN_LIMIT_PER_ACCOUNT")
    assert per_hour <= ceiling.burst + ceiling.per_hour == 140
    assert len(let_through) < 3 * 360 / 2


def test_many_accounts_tried_from_one_address_are_throttled(client):
    for n in range(6):
        response = log_in(client, f"guess{n}@example.test", "wrong password!", ip="10.1.1.1")
        assert response.status_code == 200
    response = log_in(client, "guess-next@example.test", "wrong password!", ip="10.1.1.1")
    assert response.status_code == 429
    assert log_in(client, "guess-next@example.test", "wrong!", ip="10.1.1.2").status_code == 200


def test_successful_logins_do_not_count_towards_the_limit(app):
    user = make_user()
    for _ in range(8):
        assert log_in(app.test_client(), user.email).status_code == 303


# The `next` target


def test_protected_page_sends_visitor_to_login_with_next(client):
    response = client.get("/admin/users?role=desk")
    assert is_sent_to_login(response)
    assert parse_qs(urlsplit(response.location).query)["next"] == ["/admin/users?role=desk"]


def test_login_follows_an_on_site_next(client):
    user = make_user(Role.ADMIN)
    response = log_in(client, user.email, query_string={"next": "/admin/users?role=desk"})
    assert response.status_code == 303
    assert response.location == "/admin/users?role=desk"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        " //evil.example",
        "/\t/evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_login_with_off_site_next_stays_on_site(client, target):
    user = make_user()
    response = log_in(client, user.email, query_string={"next": target})
    assert response.status_code == 303
    assert urlsplit(response.location).netloc in ("", "localhost")
    assert "evil" not in response.location
    assert "javascript" not in response.location


# The life of a session


def test_session_cookie_replayed_after_logout_is_refused(app, client):
    log_in(client, make_user().email)
    cookie = client.get_cookie("session").value
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get(STAFF_PAGE).status_code == 200  # the copy works while the session lives

    client.post("/logout")

    response = replay.get(STAFF_PAGE)
    assert is_sent_to_login(response)


def test_user_deactivated_by_admin_is_logged_out_on_next_request(app):
    user = make_user(Role.DESK)
    user_client = logged_in_client(app, user)
    admin_client = logged_in_client(app, make_user(Role.ADMIN))

    response = admin_client.post(
        f"/admin/users/{user.id}",
        data={
            "email": user.email,
            "name": user.name,
            "role": "desk",
            "office": user.office_id,
            "language": "bg",
        },  # "active" left unticked
    )

    assert response.status_code == 303
    assert is_sent_to_login(user_client.get(STAFF_PAGE))


def test_admin_password_reset_ends_the_users_sessions(app):
    user = make_user(Role.EXPERT)
    user_client = logged_in_client(app, user)
    admin_client = logged_in_client(app, make_user(Role.ADMIN))

    response = admin_client.post(
        f"/admin/users/{user.id}/password", data={"password": NEW_PASSWORD}
    )

    assert response.status_code == 303
    assert is_sent_to_login(user_client.get(STAFF_PAGE))
    assert log_in(app.test_client(), user.email, PASSWORD).status_code == 200
    assert log_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 303


def test_own_password_change_keeps_this_session_and_ends_the_others(app):
    user = make_user()
    this_browser = logged_in_client(app, user)
    other_browser = logged_in_client(app, user)

    response = this_browser.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 303
    assert this_browser.get(STAFF_PAGE).status_code == 200
    assert is_sent_to_login(other_browser.get(STAFF_PAGE))
    assert log_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 303


def test_password_change_with_wrong_current_password_is_refused(app, client):
    user = make_user()
    log_in(client, user.email)
    response = client.post(
        "/account/password",
        data={"current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert "Текущата парола е грешна." in response.text
    assert log_in(app.test_client(), user.email, PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("short pass", "short pass", "Паролата трябва да е поне 12 знака."),
        ("password1234", "password1234", "Тази парола е твърде лесна за отгатване."),
        (NEW_PASSWORD, "something else entirely", "Двете пароли не съвпадат."),
    ],
    ids=["too-short", "common", "not-confirmed"],
)
def test_password_change_refuses_a_bad_new_password(app, client, new, confirm, message):
    user = make_user()
    log_in(client, user.email)
    response = client.post(
        "/account/password", data={"current": PASSWORD, "password": new, "confirm": confirm}
    )
    assert response.status_code == 422
    assert message in response.text
    assert log_in(app.test_client(), user.email, PASSWORD).status_code == 303


# Timing: an unknown e-mail costs the same password hash as a known one


def test_unknown_and_known_emails_cost_one_hash_of_the_configured_method(app, monkeypatch):
    method = "scrypt:1024:8:1"  # cheaper than the default, but scrypt like real accounts
    app.config["PASSWORD_HASH_METHOD"] = method
    user = accounts.create_user(
        email="known@example.test",
        name="Известен",
        role=Role.DESK,
        password=PASSWORD,
        office=make_office(),
        hash_method=method,
    )
    db.session.commit()
    checked = []

    def spy(pwhash, password):
        checked.append(pwhash.split("$")[0])
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    log_in(app.test_client(), user.email, "not the password at all")
    log_in(app.test_client(), "nobody@example.test", "not the password at all")
    assert checked == [method, method]


@pytest.mark.parametrize(
    "email",
    ["a%00b%40example.test", "%ED%A0%80%40example.test", "x" * 5_000_000 + "%40example.test",
     "%D0%B0%D0%BD%D0%B0%40%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80.%D0%B1%D0%B3",
     "a%40example.test%0D%0ABcc%3A+b%40example.test"],
    ids=["nul", "lone-surrogate", "5MB", "idn", "header-injection"],
)  # fmt: skip
def test_hostile_emails_get_the_generic_refusal(client, email):
    response = client.post(
        "/login",
        data=f"email={email}&password=wrong+password%21",
        content_type="application/x-www-form-urlencoded",
    )
    if email.startswith("a%00"):  # a NUL is refused before any view (bureau/web/common/params.py)
        assert response.status_code == 400
        assert "Текстът съдържа непозволени знаци." in response.text
        return
    assert response.status_code == 200
    assert GENERIC_FAILURE in response.text
