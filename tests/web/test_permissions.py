"""Every registered route, for every role and for anonymous visitors, against the table.

Generated from bureau.permissions.PERMISSIONS: adding a route without declaring its
permission, or granting a role more than the table says, fails here.
"""

import pytest

from bureau.domain import accounts
from bureau.models import Role
from bureau.permissions import PERMISSIONS, PUBLIC
from tests.factories import make_inquiry, make_office, make_user

ROLES = [None, *Role]


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[-1] == "static":
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        yield rule, method


@pytest.fixture
def samples(app):
    """A real object for every URL argument, so permitted requests find something."""
    office = make_office()
    user = make_user(Role.DESK, office=office)
    inquiry = make_inquiry(office)
    return {
        "user_id": user.id,
        "code": office.code,
        "reference": inquiry.reference,
        "category_code": "local_taxes",
    }


def sample(rule, arg: str, samples: dict):
    """A real object's key where the fixture has one; else a value of the right type
    (a permitted request then answers 404, which is still not a refusal)."""
    if arg in samples:
        return samples[arg]
    converter = type(rule._converters[arg]).__name__
    return 999999 if "Integer" in converter else "unknown-value"


def request_as(app, role, rule, method, samples):
    client = app.test_client()
    headers = {}
    if role is not None:
        user = make_user(role)
        if rule.rule.startswith("/api/"):
            headers["Authorization"] = f"Bearer {accounts.issue_api_token(user)}"
        else:
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
    url = rule.build({arg: sample(rule, arg, samples) for arg in rule.arguments})[1]
    return client.open(url, method=method, headers=headers)


def test_every_view_declares_a_known_permission(app):
    for rule, _method in routes(app):
        view = app.view_functions[rule.endpoint]
        permission = getattr(view, "permission", None)
        assert permission is not None, f"{rule.endpoint} declares no permission"
        assert permission == PUBLIC or permission in PERMISSIONS, rule.endpoint


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_route_access_matches_the_permission_table(app, samples, role):
    for rule, method in routes(app):
        permission = app.view_functions[rule.endpoint].permission
        allowed = permission == PUBLIC or (role is not None and role in PERMISSIONS[permission])
        response = request_as(app, role, rule, method, samples)
        where = f"{method} {rule.rule} as {role}"
        location = response.headers.get("Location", "")
        if allowed:
            assert response.status_code not in (401, 403), where
            assert "/login?next=" not in location, where
        elif role is None and rule.rule.startswith("/api/"):
            assert response.status_code == 401, where
        elif role is None:
            assert response.status_code == 302 and "/login?next=" in location, where
        else:
            assert response.status_code == 403, where


def test_undeclared_view_is_refused(app):
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    response = app.test_client().get("/undeclared")
    assert response.status_code == 403
