"""Case work through the JSON API: the same rules as the web UI, in JSON."""

import pytest
from sqlalchemy import select

from bureau.domain import accounts
from bureau.extensions import db
from bureau.models import EventKind, OutboxMessage, Role, Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office, make_user

CASE_ACTIONS = ("assignment", "transitions", "notes")


@pytest.fixture
def people(app):
    office = make_office()
    return {"coordinator": make_coordinator(office), "expert": make_expert(office)}


def bearer(user) -> dict:
    token = accounts.issue_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def post(client, user, case, action: str, body):
    return client.post(f"/api/v1/inquiries/{case.reference}/{action}", json=body,
                       headers=bearer(user))  # fmt: skip


def test_coordinator_assigns_by_the_experts_email(client, people):
    case = make_inquiry()
    response = post(client, people["coordinator"], case, "assignment",
                    {"expert": people["expert"].email.upper()})  # fmt: skip
    assert response.status_code == 200, response.json
    assert (response.json["reference"], response.json["status"]) == (case.reference, "assigned")
    assert response.json["version"] == case.version
    db.session.refresh(case)
    assert case.expert_id == people["expert"].id
    assert [m.to for m in db.session.query(OutboxMessage)] == [people["expert"].email]


def test_coordinator_assigns_by_the_experts_id(client, people):
    case = make_inquiry()
    response = post(client, people["coordinator"], case, "assignment",
                    {"expert": str(people["expert"].id), "version": case.version})  # fmt: skip
    assert response.status_code == 200
    db.session.refresh(case)
    assert case.expert_id == people["expert"].id


@pytest.mark.parametrize("expert", ["nobody@example.test", "0", "", "desk"])
def test_assigning_to_someone_who_is_not_an_expert_is_422_naming_the_field(client, people, expert):
    if expert == "desk":
        expert = make_user(Role.DESK).email
    case = make_inquiry()
    response = post(client, people["coordinator"], case, "assignment", {"expert": expert})
    assert response.status_code == 422
    assert response.json["field"] == "expert"
    db.session.refresh(case)
    assert case.expert_id is None


def test_assignment_on_a_stale_version_is_409(client, people):
    case = make_inquiry()
    seen = case.version
    post(client, people["coordinator"], case, "assignment", {"expert": people["expert"].email})
    other = make_expert()
    response = post(client, make_coordinator(), case, "assignment",
                    {"expert": other.email, "version": seen})  # fmt: skip
    assert response.status_code == 409
    assert response.json["error"] == "conflict"
    assert "променен" in response.json["message"]
    db.session.refresh(case)
    assert case.expert_id == people["expert"].id


def test_expert_accepts_and_resolves_through_the_api(client, people):
    case = move_to(make_inquiry(), Status.ASSIGNED, **people)
    accepted = post(client, people["expert"], case, "transitions",
                    {"to": "in_progress", "version": case.version})  # fmt: skip
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "in_progress"
    resolved = post(client, people["expert"], case, "transitions", {
        "to": "resolved", "outcome": "information_provided", "summary": "Дадохме справка.",
        "version": accepted.json["version"]})  # fmt: skip
    assert resolved.status_code == 200, resolved.json
    db.session.refresh(case)
    assert (case.status, case.outcome, case.resolution_summary) == (
        "resolved", "information_provided", "Дадохме справка."
    )  # fmt: skip
    assert EventKind.ACCEPTED in [e.kind for e in case.events]


def test_expert_declines_through_the_api_with_a_reason(client, people):
    case = move_to(make_inquiry(), Status.ASSIGNED, **people)
    refused = post(client, people["expert"], case, "transitions", {"to": "new"})
    assert refused.status_code == 422
    assert refused.json["field"] == "reason"
    declined = post(client, people["expert"], case, "transitions",
                    {"to": "new", "reason": "Не е моята област."})  # fmt: skip
    assert declined.status_code == 200
    db.session.refresh(case)
    assert (case.status, case.expert_id) == (Status.NEW, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "resolved", "summary": "Готово."}, "outcome"),
        ({"to": "resolved", "outcome": "made_up", "summary": "Готово."}, "outcome"),
        ({"to": "resolved", "outcome": "advice_given"}, "summary"),
        ({"to": "closed"}, "to"),
        ({"to": "new", "reason": "Обратно."}, "to"),
        ({"to": "assigned"}, "to"),
        ({"to": "archived"}, "to"),
        ({"to": 3}, "to"),
        ({}, "to"),
        ({"to": "waiting", "version": "1"}, "version"),
        ({"to": "resolved", "outcome": 5, "summary": "Готово."}, "outcome"),
    ],
)
def test_invalid_transition_is_422_naming_the_field(client, people, body, field):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    response = post(client, people["expert"], case, "transitions", body)
    assert response.status_code == 422, response.json
    assert (response.json["error"], response.json["field"]) == ("invalid", field)
    assert response.json["message"]
    db.session.refresh(case)
    assert case.status == Status.IN_PROGRESS


def test_transition_on_a_stale_version_is_409(client, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    seen = case.version
    post(client, people["expert"], case, "transitions", {"to": "waiting"})
    response = post(client, people["expert"], case, "transitions",
                    {"to": "resolved", "outcome": "advice_given", "summary": "Готово.",
                     "version": seen})  # fmt: skip
    assert response.status_code == 409
    assert response.json["error"] == "conflict"
    db.session.refresh(case)
    assert case.status == Status.WAITING


def test_note_through_the_api(client, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    response = post(client, people["expert"], case, "notes", {"body": "Обадих се в НОИ."})
    assert response.status_code == 200
    db.session.refresh(case)
    assert (case.events[-1].kind, case.events[-1].body) == (EventKind.NOTE, "Обадих се в НОИ.")
    empty = post(client, people["expert"], case, "notes", {"body": "  "})
    assert (empty.status_code, empty.json["field"]) == (422, "body")


@pytest.mark.parametrize("body", [[1, 2], "text", None])
def test_body_that_is_not_a_json_object_is_400(client, people, body):
    case = make_inquiry()
    response = post(client, people["coordinator"], case, "notes", body)
    assert response.status_code == 400


@pytest.mark.parametrize("action", CASE_ACTIONS)
def test_commission_token_is_refused(client, people, action):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    response = post(client, make_user(Role.COMMISSION), case, action,
                    {"expert": people["expert"].email, "to": "waiting", "body": "x"})  # fmt: skip
    assert response.status_code == 403
    db.session.refresh(case)
    assert case.status == Status.IN_PROGRESS


@pytest.mark.parametrize("action", ["assignment", "transitions", "notes"])
def test_desk_token_cannot_work_cases(client, people, action):
    case = make_inquiry()
    response = post(client, make_user(Role.DESK), case, action,
                    {"expert": people["expert"].email, "to": "assigned", "body": "x"})  # fmt: skip
    assert response.status_code == 403


def test_expert_cannot_assign(client, people):
    case = make_inquiry()
    response = post(
        client, people["expert"], case, "assignment", {"expert": people["expert"].email}
    )
    assert response.status_code == 403


def test_expert_cannot_open_a_colleagues_case_through_the_api(client, people):
    citizen = {"name": "Тайна", "phone": "0888 100 200"}
    case = move_to(make_inquiry(citizen=citizen), Status.IN_PROGRESS, **people)
    colleague = make_expert()
    response = client.get(f"/api/v1/inquiries/{case.reference}", headers=bearer(colleague))
    assert response.status_code == 404
    assert "Тайна" not in response.text
    for action in ("transitions", "notes"):
        response = post(client, colleague, case, action, {"to": "waiting", "body": "x"})
        assert response.status_code == 404
    assert client.get(f"/api/v1/inquiries/{case.reference}",
                      headers=bearer(people["expert"])).status_code == 200  # fmt: skip


def test_coordinator_of_another_office_gets_404(client, people):
    case = make_inquiry()
    stranger = make_coordinator(make_office("STR"))
    response = post(client, stranger, case, "assignment", {"expert": people["expert"].email})
    assert response.status_code == 404


def test_openapi_documents_the_case_actions_and_their_fields(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    fields = {"assignment": {"expert", "version"},
              "transitions": {"to", "outcome", "summary", "reason", "version"},
              "notes": {"body"}}  # fmt: skip
    for action, names in fields.items():
        operation = paths[f"/inquiries/{{reference}}/{action}"]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert set(schema["properties"]) == names
        assert {"200", "403", "404", "409", "422"} <= set(operation["responses"])


def test_transition_to_assigned_without_an_expert_is_refused(client, people):
    case = make_inquiry()
    response = post(client, people["coordinator"], case, "transitions", {"to": "assigned"})
    assert (response.status_code, response.json["field"]) == (422, "expert")
    db.session.refresh(case)
    assert (case.status, case.expert_id) == (Status.NEW, None)


FIVE_MILLION = "x" * 5_000_000  # 5 MB of JSON: under the 16 MB request cap


@pytest.mark.parametrize(
    ("start", "body", "field"),
    [
        ("in_progress", {"to": "resolved", "outcome": "advice_given", "summary": FIVE_MILLION},
         "summary"),
        ("assigned", {"to": "new", "reason": FIVE_MILLION}, "reason"),
        ("resolved", {"to": "in_progress", "reason": FIVE_MILLION}, "reason"),
        ("in_progress", {"to": "waiting", "reason": "б" * 5001}, "reason"),
    ],
    ids=["resolve-summary", "decline-reason", "reopen-reason", "one-over-the-form"],
)  # fmt: skip
def test_the_api_keeps_the_forms_text_limits(client, people, start, body, field):
    case = move_to(make_inquiry(), start, **people)
    before = case.version
    actor = people["expert"] if start == "assigned" else people["coordinator"]
    response = post(client, actor, case, "transitions", body)
    assert response.status_code == 422
    assert response.json["field"] == field and "5000" in response.json["message"]
    db.session.refresh(case)
    assert case.version == before and case.status == start


def test_a_note_over_the_limit_is_refused_by_the_api(client, people):
    case = move_to(make_inquiry(), "in_progress", **people)
    response = post(client, people["expert"], case, "notes", {"body": "б" * 5001})
    assert response.status_code == 422 and response.json["field"] == "body"
    assert post(client, people["expert"], case, "notes", {"body": "б" * 5000}).status_code == 200


def test_the_list_costs_the_same_statements_for_one_subcategory_and_service_or_many(client, people):
    from bureau.domain.services import register
    from bureau.domain.services.register import ServiceData
    from bureau.models import Category
    from tests.casework import count_statements

    office = people["coordinator"].office
    for n in range(4):
        register.save(office, ServiceData(name=f"Услуга {n}", code=f"s{n}"), actor=None)
    category = db.session.scalars(select(Category).where(Category.code == "local_taxes")).one()
    subcategories = [s.code for s in category.subcategories]
    assert len(subcategories) >= 2

    def listed() -> list[str]:
        headers = bearer(people["coordinator"])
        with count_statements() as statements:
            items = client.get("/api/v1/inquiries", headers=headers).json["items"]
        return statements, {(i["subcategory"], (i["service"] or {}).get("code")) for i in items}

    make_inquiry(office, subcategory=subcategories[0], service="s0")
    db.session.commit()
    listed()  # what is loaded once per process
    few, kinds = listed()
    assert len(kinds) == 1
    for n in range(8):
        make_inquiry(office, subcategory=subcategories[n % len(subcategories)], service=f"s{n % 4}")
    db.session.commit()
    many, kinds = listed()
    assert len(kinds) > 4
    assert len(many) == len(few), "\n".join(many)
