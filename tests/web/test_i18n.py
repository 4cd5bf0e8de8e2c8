"""Bulgarian by default, English on request; dates as the bureau writes them."""

from datetime import date, datetime

import pytest
from flask import render_template_string
from flask_babel import get_locale

from bureau.extensions import db
from bureau.i18n import format_day, format_moment
from tests.factories import PASSWORD, make_user


def switch_language(client, language, next_url="/login"):
    return client.post("/language", data={"language": language, "next": next_url})


def test_pages_are_bulgarian_by_default(client):
    response = client.get("/login")
    assert '<html lang="bg">' in response.text
    assert "Вход за служители" in response.text
    assert "Staff login" not in response.text


def test_anonymous_visitor_switches_to_english(client):
    response = switch_language(client, "en")

    assert response.status_code == 303
    assert response.location == "/login"
    page = client.get("/login").text
    assert '<html lang="en">' in page
    assert "Staff login" in page
    assert "Sign in" in page
    assert "Вход за служители" not in page


def test_anonymous_visitor_switches_back_to_bulgarian(client):
    switch_language(client, "en")
    switch_language(client, "bg")
    assert "Вход за служители" in client.get("/login").text


def test_unknown_language_is_ignored(client):
    switch_language(client, "fr")
    assert '<html lang="bg">' in client.get("/login").text


def test_language_switch_does_not_redirect_off_site(client):
    response = switch_language(client, "en", next_url="https://evil.example/")
    assert response.status_code == 303
    assert response.location == "/"


def test_messages_of_the_application_are_translated_too(client):
    switch_language(client, "en")
    response = client.post("/login", data={"email": "x@example.test", "password": "wrong one"})
    assert "Wrong e-mail or password." in response.text


def test_logged_in_users_language_is_saved_and_survives_a_new_login(app, client, login):
    user = login(make_user(name="Ана Петрова"))

    switch_language(client, "en", next_url="/")

    assert user.language == "en"
    assert "Welcome, Ана Петрова" in client.get("/").text
    new_browser = app.test_client()
    new_browser.post("/login", data={"email": user.email, "password": PASSWORD})
    page = new_browser.get("/").text
    assert '<html lang="en">' in page
    assert "Welcome, Ана Петрова" in page


def test_saved_language_wins_over_the_sessions_choice(client, login):
    user = make_user()
    user.language = "en"
    db.session.commit()
    switch_language(client, "bg")
    login(user)
    assert '<html lang="en">' in client.get("/").text


@pytest.mark.parametrize(
    ("value", "day", "moment"),
    [
        (datetime(2026, 11, 21, 12, 5), "21.11.2026", "21.11.2026 14:05"),  # winter: UTC+2
        (datetime(2026, 7, 1, 21, 30), "02.07.2026", "02.07.2026 00:30"),  # summer: UTC+3
        (datetime(2026, 12, 31, 22, 0), "01.01.2027", "01.01.2027 00:00"),
    ],
    ids=["winter", "summer", "new-year"],
)
def test_utc_times_are_shown_in_sofia_time(app, value, day, moment):
    with app.test_request_context():
        assert format_day(value) == day
        assert format_moment(value) == moment


def test_a_plain_date_is_shown_unshifted(app):
    with app.test_request_context():
        assert format_day(date(2026, 11, 21)) == "21.11.2026"
        assert format_day(None) == format_moment(None) == ""


def test_jinja_filters_use_the_bureaus_formats_in_english_too(app):
    values = {"d": date(2026, 11, 21), "m": datetime(2026, 7, 1, 21, 30)}
    with app.test_request_context(query_string={"lang": "en"}):
        assert str(get_locale()) == "en"
        text = render_template_string("{{ d|day }} / {{ m|moment }}", **values)
    assert text == "21.11.2026 / 02.07.2026 00:30"
