"""The JSON API: bearer tokens only, JSON errors, an OpenAPI description."""

import re

import pytest

from bureau.domain import accounts
from bureau.extensions import db
from bureau.models import Role
from tests.factories import make_user

# "/" is the public home for anonymous visitors: a staff-only page tells who is logged in.
STAFF_PAGE = "/account/password"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_json_error(response, status: int) -> None:
    assert response.status_code == status
    assert response.is_json
    assert set(response.json) == {"error", "message"}
    assert response.json["message"]


def test_me_with_a_valid_token_describes_the_user(client):
    user = make_user(Role.EXPERT, name="Елена Експерт")
    token = accounts.issue_api_token(user)
    db.session.commit()

    response = client.get("/api/v1/me", headers=bearer(token))

    assert response.status_code == 200
    assert response.json == {
        "email": user.email,
        "name": "Елена Експерт",
        "role": "expert",
        "office": "KRS",
        "language": "bg",
    }


def test_me_for_an_admin_has_no_office(client):
    token = accounts.issue_api_token(make_user(Role.ADMIN))
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).json["office"] is None


def test_bearer_scheme_is_case_insensitive(client):
    token = accounts.issue_api_token(make_user())
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


def test_me_without_a_token_is_401_json(client):
    response = client.get("/api/v1/me")
    assert_json_error(response, 401)
    assert response.json["error"] == "unauthorized"


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "not-even-a-scheme"],
)
def test_me_with_an_invalid_authorization_is_401_json(client, header):
    make_user()
    assert_json_error(client.get("/api/v1/me", headers={"Authorization": header}), 401)


def test_token_of_another_scheme_is_not_accepted(client):
    token = accounts.issue_api_token(make_user())
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Token {token}"})
    assert_json_error(response, 401)


def test_session_cookie_alone_does_not_authenticate_the_api(client, login):
    login(make_user(Role.ADMIN))
    assert client.get(STAFF_PAGE).status_code == 200  # the web session is live
    assert_json_error(client.get("/api/v1/me"), 401)


def test_token_decides_the_user_even_with_someone_elses_session(client, login):
    login(make_user(Role.ADMIN))
    desk = make_user(Role.DESK)
    token = accounts.issue_api_token(desk)
    db.session.commit()
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.json["email"] == desk.email


def test_deactivated_users_token_is_refused(client):
    user = make_user()
    token = accounts.issue_api_token(user)
    user.active = False
    db.session.commit()
    assert_json_error(client.get("/api/v1/me", headers=bearer(token)), 401)


def test_unknown_api_path_is_404_json(client):
    response = client.get("/api/v1/xyz")
    assert_json_error(response, 404)
    assert response.json["error"] == "not_found"


def test_wrong_method_on_the_api_is_405_json(client):
    assert_json_error(client.post("/api/v1/me"), 405)


def test_openapi_document_is_public_and_looks_like_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"]
    assert "/me" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_openapi_document_describes_every_api_route(app, client):
    documented = set(client.get("/api/v1/openapi.json").json["paths"])
    routes = {
        re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert routes - documented == set()
