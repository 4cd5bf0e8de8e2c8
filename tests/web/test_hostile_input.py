"""An outsider's input at every entry: huge numbers, extreme dates, NUL bytes, lone
surrogates, deep JSON. Each answers a 4xx (or the page, ignoring nothing silently) —
never a 500 — on SQLite and PostgreSQL alike."""

import io
import json
import re

import pytest
from werkzeug.routing import Rule

from bureau.extensions import db
from bureau.models import Role
from bureau.permissions import PERMISSIONS, PUBLIC
from tests.casework import make_expert, move_to
from tests.factories import PASSWORD, make_inquiry, make_user

HUGE = "9" * 30
HOSTILE_VALUES = [HUGE, "2147483648", "-1", "9999-12-31", "a\x00b", "é" * 300]
# Every parameter name the views read from a query string or a form.
PARAMETERS = [
    "page", "per_page", "expert", "settlement", "citizen_id", "institution", "since", "until",
    "from", "to", "year", "month", "quarter", "period", "status", "category", "subcategory",
    "channel", "affiliation", "q", "office", "ref", "next", "sort", "table", "format",
    "group_by", "actor", "object", "action", "role", "version", "reason", "body", "note",
    "outcome", "summary", "name", "phone", "email", "description", "urgency", "title", "text",
    "addressee", "on", "satisfaction", "problem_solved", "would_recommend", "comment",
    "evidence_from", "evidence_to", "categories", "capacity", "available_until", "language",
    "reference", "pin", "consent", "anonymous", "gender", "age_band", "kind", "password",
    "current", "confirm", "code", "ekatte", "population", "active", "token", "response_days",
]  # fmt: skip


@pytest.fixture
def world(app):
    coordinator = make_user(Role.COORDINATOR)
    expert = make_expert()
    case = move_to(make_inquiry(), "in_progress", coordinator=coordinator, expert=expert)
    users = {role: make_user(role) for role in Role}
    users[Role.EXPERT] = expert
    db.session.commit()
    return {"case": case.reference, "users": users, "expert_id": expert.id}


def _routes(app, world, method: str) -> list[tuple[str, Role | None]]:
    """Every route of the method, its variables filled with real and hostile values, with
    a role that may open it (the parsing lies behind the permission check)."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or rule.endpoint.endswith("static"):
            continue
        permission = app.view_functions[rule.endpoint].permission
        role = (
            None
            if permission == PUBLIC
            else next(r for r in PREFERRED if r in PERMISSIONS[permission])
        )
        for ids in ("1", HUGE, "2147483648"):
            routes.add((_fill(rule, world, ids), role))
    return sorted(routes, key=lambda route: route[0])


def _fill(rule: Rule, world, ids: str) -> str | None:
    def value(match: re.Match) -> str:
        converter, name = match.group(1) or "", match.group(2)
        if converter.startswith("int"):
            return ids
        return {"reference": world["case"], "code": "KRS", "category_code": "health",
                "kind": "csv"}.get(name, "x" + ids)  # fmt: skip

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


def _signed_in(app, user):
    client = app.test_client()
    if user is not None:
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 303
    return client


PREFERRED = [Role.COORDINATOR, Role.ADMIN, Role.COMMISSION, Role.DESK, Role.EXPERT]


def _clients(app, world) -> dict:
    return {role: _signed_in(app, world["users"].get(role)) for role in [None, *PREFERRED]}


def test_no_get_route_answers_500_to_hostile_query_values(app, world):
    clients = _clients(app, world)
    failures = []
    for path, role in _routes(app, world, "GET"):
        for value in HOSTILE_VALUES:
            response = clients[role].get(path, query_string=dict.fromkeys(PARAMETERS, value))
            response.close()  # a streamed export ends here
            if response.status_code >= 500:
                failures.append((path, value[:20], response.status_code))
    assert not failures, "\n".join(map(str, failures))


def test_no_post_route_answers_500_to_hostile_form_values(app, world):
    clients = _clients(app, world)
    failures = []
    for path, role in _routes(app, world, "POST"):
        if path.endswith(("/logout", "/login")):
            continue
        for value in HOSTILE_VALUES:
            data = dict.fromkeys(PARAMETERS, value)
            if path.endswith("/attachments"):
                data["file"] = (io.BytesIO(b"%PDF-1.4 x"), "a\x00b.pdf")
            response = clients[role].post(path, data=data)
            if response.status_code >= 500:
                failures.append((path, value[:20], response.status_code))
        db.session.rollback()
    assert not failures, "\n".join(map(str, failures))


JSON_BODIES = [
    {"note": "\ud800"},
    {"body": "a\x00b"},
    {"to": "resolved", "outcome": "advice_given", "summary": "x\ud800"},
    {"expert": HUGE},
    {"expert": "99999999999"},
    {"version": 10**30},
    {"category": "health", "description": "a\x00", "channel": "walk_in", "consent": True},
    {"category": "health", "description": "ok", "channel": "walk_in", "consent": True,
     "citizen": {"name": "\udcff", "email": "x@example.test"}},
]  # fmt: skip


def test_api_answers_4xx_to_hostile_json(app, world):
    from bureau.domain import accounts

    desk = world["users"][Role.COORDINATOR]
    token = accounts.issue_api_token(desk)
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    reference = world["case"]
    targets = [
        "/api/v1/inquiries",
        f"/api/v1/inquiries/{reference}/notes",
        f"/api/v1/inquiries/{reference}/transitions",
        f"/api/v1/inquiries/{reference}/assignment",
    ]
    deep = "[" * 100_000 + "]" * 100_000
    failures = []
    for target in targets:
        bodies = [json.dumps(body) for body in JSON_BODIES] + [deep, '{"a": "\\ud800"}']
        for body in bodies:
            response = client.post(target, data=body, headers=headers)
            if response.status_code >= 500 or response.status_code < 400:
                failures.append((target, body[:40], response.status_code))
    for query in ({"page": HUGE}, {"per_page": HUGE}, {"q": "a\x00"}, {"page": "0"}):
        response = client.get("/api/v1/inquiries", query_string=query, headers=headers)
        if not 400 <= response.status_code < 500:
            failures.append(("list", str(query)[:40], response.status_code))
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("delete", "/api/v1/inquiries", {"GET", "POST"}), ("put", "/login", {"GET", "POST"}),
     ("post", "/healthz", {"GET"})],
)  # fmt: skip
def test_a_method_the_url_does_not_answer_is_405_naming_the_allowed_ones(
    client, method, path, allowed
):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
