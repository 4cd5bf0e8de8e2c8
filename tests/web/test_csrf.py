"""With CSRF protection on, as in production: forms need the token they were served with."""

import re

import pytest

from bureau.domain import accounts
from bureau.models import Role
from tests.factories import PASSWORD, make_office, make_user

# "/" is the public home for anonymous visitors: a staff-only page tells who is logged in.
STAFF_PAGE = "/account/password"

EXPIRED = "Формулярът е изтекъл. Презаредете страницата и опитайте отново."


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def token_from(client, path: str) -> str:
    """The CSRF token of the first form on the page, as a browser would send it."""
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', client.get(path).text).group(0)
    return re.search(r'value="([^"]+)"', field).group(1)


def log_in(client, user) -> None:
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token_from(client, "/login")}
    assert client.post("/login", data=data).status_code == 303


def test_login_without_token_is_refused(client):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert EXPIRED in response.text
    assert client.get(STAFF_PAGE).status_code == 302


def test_login_with_a_forged_token_is_refused(client):
    user = make_user()
    token_from(client, "/login")
    data = {"email": user.email, "password": PASSWORD, "csrf_token": "forged"}
    assert client.post("/login", data=data).status_code == 400


def test_login_with_token_from_the_form_succeeds(client):
    log_in(client, make_user())
    assert client.get(STAFF_PAGE).status_code == 200


def test_token_from_another_browser_is_refused(app, client):
    user = make_user()
    stolen = token_from(app.test_client(), "/login")
    data = {"email": user.email, "password": PASSWORD, "csrf_token": stolen}
    assert client.post("/login", data=data).status_code == 400


def new_user(**extra) -> dict:
    return {
        "email": "new.expert@example.com",
        "name": "Нов Експерт",
        "role": "expert",
        "office": str(make_office().id),
        "language": "bg",
        "active": "y",
        "password": "a long enough passphrase",
        **extra,
    }


def test_admin_create_user_without_token_is_refused(client):
    log_in(client, make_user(Role.ADMIN))
    response = client.post("/admin/users/new", data=new_user())
    assert response.status_code == 400
    assert accounts.get_user_by_email("new.expert@example.com") is None


def test_admin_create_user_with_token_from_the_form_works(client):
    log_in(client, make_user(Role.ADMIN))
    token = token_from(client, "/admin/users/new")
    response = client.post("/admin/users/new", data=new_user(csrf_token=token))
    assert response.status_code == 303
    assert accounts.get_user_by_email("new.expert@example.com") is not None


def test_logout_without_token_is_refused(client):
    log_in(client, make_user())
    assert client.post("/logout").status_code == 400
    assert client.get(STAFF_PAGE).status_code == 200


def test_logout_with_token_from_the_page_works(client):
    log_in(client, make_user())
    token = token_from(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get(STAFF_PAGE).status_code == 302


def test_language_switch_without_token_is_refused(client):
    assert client.post("/language", data={"language": "en"}).status_code == 400
    assert "Вход за служители" in client.get("/login").text
