"""The inquiries API: logging with a desk token, strict validation, search and detail."""

import json
import re

import pytest
from sqlalchemy import func, select

from bureau.domain import accounts
from bureau.domain.cases import intake
from bureau.extensions import db
from bureau.models import Citizen, Inquiry, Role
from tests.factories import make_inquiry, make_office, make_user

REFERENCE = re.compile(r"^KRS-\d{4}-\d{5}$")
MARIA = {"name": "Мария Иванова", "phone": "+359 888 123 456"}


def body(**fields) -> dict:
    """A valid inquiry body of a consenting citizen, with fields overridden."""
    data = {
        "channel": "phone",
        "category": "local_taxes",
        "subcategory": "property_tax",
        "description": "Пита как се плаща данък сгради.",
        "consent": True,
        "citizen": {
            "name": "Мария Иванова",
            "phone": "+359 888 123 456",
            "gender": "female",
            "age_band": "35-44",
            "flags": ["unemployed"],
        },
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def token_for(role: Role = Role.DESK, office=None) -> dict:
    user = make_user(role, office=office)
    token = accounts.issue_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def desk_auth(app) -> dict:
    return token_for(Role.DESK)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def create(client, auth, payload=None, **headers):
    return client.post("/api/v1/inquiries", json=payload or body(), headers={**auth, **headers})


# --- POST /api/v1/inquiries ------------------------------------------------------------


def test_desk_token_logs_an_inquiry(client, desk_auth):
    response = create(client, desk_auth)
    assert response.status_code == 201
    data = response.json
    assert REFERENCE.match(data["reference"])
    assert re.fullmatch(r"\d{6}", data["pin"])
    assert data["status"] == "new"
    assert data["received_at"].endswith("Z")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["due_date"])
    assert (data["category"], data["subcategory"], data["channel"]) == (
        "local_taxes",
        "property_tax",
        "phone",
    )
    assert response.headers["Location"].endswith(f"/api/v1/inquiries/{data['reference']}")


def test_pin_of_the_api_checks_against_the_stored_hash(client, desk_auth):
    data = create(client, desk_auth).json
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.reference == data["reference"]
    assert inquiry.pin_hash != data["pin"]
    assert intake.check_pin(inquiry, data["pin"])


def test_api_inquiry_stores_citizen_and_actor(client, desk_auth):
    create(client, desk_auth)
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.citizen.name == "Мария Иванова"
    assert inquiry.citizen.flag_list == ["unemployed"]
    assert inquiry.created_by.role == Role.DESK
    assert inquiry.citizen.consent_notice_version == intake.CONSENT_NOTICE_VERSION


def test_coordinator_token_logs_an_inquiry(client, app):
    assert create(client, token_for(Role.COORDINATOR)).status_code == 201


def test_minimal_body_is_enough(client, desk_auth):
    minimal = {"channel": "email", "category": "other", "description": "?", "consent": False,
               "anonymous": True}  # fmt: skip
    response = create(client, desk_auth, minimal)
    assert response.status_code == 201
    assert response.json["subcategory"] is None


def test_anonymous_api_inquiry_stores_no_identity(client, desk_auth):
    payload = body(anonymous=True, consent=False, citizen={"name": "Петър Петров"})
    assert create(client, desk_auth, payload).status_code == 201
    assert db.session.scalars(select(Inquiry)).one().citizen_id is None
    assert count(Citizen) == 0


@pytest.mark.parametrize("settlement", ["Горна Брезница", "горна брезница", "16349"])
def test_settlement_is_given_by_name_or_by_ekatte(client, desk_auth, settlement):
    response = create(client, desk_auth, body(settlement=settlement))
    assert response.status_code == 201
    assert response.json["settlement"] == "Горна Брезница"
    assert response.json["ekatte"] == "16349"


def test_two_month_category_gets_its_due_date(client, desk_auth):
    response = create(client, desk_auth, body(category="corruption_signal", subcategory=None))
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert response.json["due_date"] == inquiry.due_date.isoformat()


def test_repeated_idempotency_key_returns_the_first_inquiry(client, desk_auth):
    first = create(client, desk_auth, **{"Idempotency-Key": "req-42"})
    second = create(client, desk_auth, **{"Idempotency-Key": "req-42"})
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json["reference"] == first.json["reference"]
    assert second.json["pin"] is None  # the PIN is shown once
    assert second.headers["Location"] == first.headers["Location"]
    assert count(Inquiry) == 1


@pytest.mark.parametrize(
    "changed",
    [{"description": "Съвсем друг въпрос."}, {"category": "no-such-code"}, {"consent": "yes"}],
)
def test_a_repeated_idempotency_key_with_another_body_is_422(client, desk_auth, changed):
    first = create(client, desk_auth, **{"Idempotency-Key": "req-7"})
    second = create(client, desk_auth, body(**changed), **{"Idempotency-Key": "req-7"})
    assert first.status_code == 201
    assert second.status_code == 422
    assert second.json["field"] in ("Idempotency-Key", *changed)
    assert "pin" not in second.json and first.json["reference"] not in second.text
    assert count(Inquiry) == 1


def test_same_idempotency_key_of_another_office_is_its_own_inquiry(client, desk_auth):
    kresna = create(client, desk_auth, **{"Idempotency-Key": "1"})
    other_office = token_for(Role.DESK, office=make_office("STR"))
    strumyani = create(client, other_office, body(subcategory=None, citizen=MARIA),
                       **{"Idempotency-Key": "1"})  # fmt: skip
    assert kresna.status_code == strumyani.status_code == 201
    assert strumyani.json["reference"].startswith("STR-")
    assert count(Inquiry) == 2


def test_same_idempotency_key_of_another_client_is_its_own_inquiry(client, desk_auth):
    first = create(client, desk_auth, **{"Idempotency-Key": "1"})
    second = create(client, token_for(Role.DESK), **{"Idempotency-Key": "1"})
    assert first.status_code == second.status_code == 201
    assert first.json["reference"] != second.json["reference"]


def test_different_idempotency_keys_make_different_inquiries(client, desk_auth):
    create(client, desk_auth, **{"Idempotency-Key": "req-1"})
    create(client, desk_auth, **{"Idempotency-Key": "req-2"})
    assert count(Inquiry) == 2


def test_without_idempotency_key_each_post_is_a_new_inquiry(client, desk_auth):
    references = {create(client, desk_auth).json["reference"] for _ in range(3)}
    assert len(references) == 3


def test_overlong_idempotency_key_is_refused_not_crashing(client, desk_auth):
    response = create(client, desk_auth, **{"Idempotency-Key": "k" * 200})
    assert response.status_code == 422
    assert response.json["field"] == "Idempotency-Key"
    assert "Idempotency-Key" in response.json["message"]
    assert count(Inquiry) == 0


def test_idempotency_key_of_sixty_four_characters_is_accepted(client, desk_auth):
    assert create(client, desk_auth, **{"Idempotency-Key": "k" * 64}).status_code == 201


def test_long_cyrillic_name_is_accepted(client, desk_auth):
    payload = body(citizen={"name": "Щ" * 200, "phone": ""})
    assert create(client, desk_auth, payload).status_code == 201


def _citizen(**fields) -> dict:
    return {**MARIA, **fields}


MALFORMED = [
    # (what, raw body or JSON value, expected status, field named or None)
    ("not JSON at all", b"this is not json", 400, None),
    ("truncated JSON", b'{"category": "other",', 400, None),
    ("JSON null", b"null", 400, None),
    ("a JSON array", [body()], 422, None),
    ("a JSON string", "local_taxes", 422, None),
    ("a JSON number", 42, 422, None),
    ("missing category", body(category=None), 422, "category"),
    ("unknown category code", body(category="astrology", subcategory=None), 422, "category"),
    ("category not a string", body(category=["local_taxes"]), 422, "category"),
    ("subcategory of another category", body(subcategory="telk"), 422, "subcategory"),
    ("missing description", body(description=None), 422, "description"),
    ("empty description", body(description="   "), 422, "description"),
    ("description too long", body(description="я" * 5001), 422, "description"),
    ("description not a string", body(description=5), 422, "description"),
    ("missing channel", body(channel=None), 422, "channel"),
    ("unknown channel", body(channel="pigeon"), 422, "channel"),
    ("unknown urgency", body(urgency="yesterday"), 422, "urgency"),
    ("missing consent", body(consent=None), 422, "consent"),
    ("consent as a string", body(consent="yes"), 422, "consent"),
    ("consent as a number", body(consent=1), 422, "consent"),
    ("anonymous as a string", body(anonymous="true"), 422, "anonymous"),
    ("not anonymous without consent", body(consent=False), 422, "consent"),
    ("not anonymous and no identity", body(citizen={"gender": "male"}), 422, "name"),
    ("unknown gender", body(citizen=_citizen(gender="robot")), 422, "gender"),
    ("unknown age band", body(citizen=_citizen(age_band="100+")), 422, "age_band"),
    ("unknown flag", body(citizen=_citizen(flags=["rich"])), 422, "flags"),
    ("flags not a list", body(citizen=_citizen(flags="unemployed")), 422, "flags"),
    ("flags not strings", body(citizen=_citizen(flags=[1, 2])), 422, "flags"),
    ("citizen not an object", body(citizen="Мария Иванова"), 422, "citizen"),
    ("citizen a list", body(citizen=[MARIA]), 422, "citizen"),
    ("citizen name not a string", body(citizen=_citizen(name=["Мария"])), 422, "name"),
    ("unknown citizen field", body(citizen=_citizen(egn="8001010000")), 422, "egn"),
    ("unknown top-level field", body(priority="high"), 422, "priority"),
    ("unknown settlement", body(settlement="Атлантида"), 422, "settlement"),
    ("settlement as a number", body(settlement=16349), 422, "settlement"),
    ("settlement of another office", body(settlement="Село STR"), 422, "settlement"),
    ("bad e-mail", body(citizen=_citizen(email="not-an-address")), 422, "email"),
    ("name too long", body(citizen=_citizen(name="И" * 201)), 422, "name"),
    ("phone with too many digits", body(citizen=_citizen(phone="1" * 40)), 422, "phone"),
    ("anonymous with an unknown gender", body(anonymous=True, citizen={"gender": "x" * 50}),
     422, "gender"),
    ("anonymous with an unknown age band", body(anonymous=True, citizen={"age_band": "old"}),
     422, "age_band"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "status", "field"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_body_is_refused_with_a_json_error_never_5xx(
    client, desk_auth, raw, status, field
):
    make_office("STR")
    if isinstance(raw, bytes):
        response = client.post(
            "/api/v1/inquiries",
            data=raw,
            headers={**desk_auth, "Content-Type": "application/json"},
        )
    else:
        response = client.post(
            "/api/v1/inquiries",
            data=json.dumps(raw),
            headers={**desk_auth, "Content-Type": "application/json"},
        )
    assert response.status_code < 500
    assert response.status_code == status, response.text
    assert response.is_json
    assert response.json["error"]
    assert response.json["message"]
    if status == 422:
        assert set(response.json) == {"error", "message", "field"}
        if field is not None:
            assert response.json["field"] == field
    else:
        assert set(response.json) == {"error", "message"}
    assert count(Inquiry) == 0


def test_at_least_ten_malformed_bodies_are_covered():
    assert len(MALFORMED) >= 10


def test_body_without_json_content_type_is_400(client, desk_auth):
    response = client.post(
        "/api/v1/inquiries",
        data=json.dumps(body()),
        headers={**desk_auth, "Content-Type": "text/plain"},
    )
    assert response.status_code == 400
    assert set(response.json) == {"error", "message"}


def test_empty_body_is_400(client, desk_auth):
    response = client.post("/api/v1/inquiries", headers=desk_auth)
    assert response.status_code == 400
    assert response.json["error"]


def test_refused_body_leaves_no_gap_in_the_sequence(client, desk_auth):
    create(client, desk_auth, body(description=""))
    first = create(client, desk_auth).json["reference"]
    assert first.endswith("-00001")


@pytest.mark.parametrize("role", [Role.COMMISSION, Role.EXPERT, Role.ADMIN])
def test_only_desk_and_coordinator_tokens_log_inquiries(client, app, role):
    response = create(client, token_for(role))
    assert response.status_code == 403
    assert response.is_json
    assert count(Inquiry) == 0


def test_without_a_token_logging_is_401(client, app):
    make_office()
    response = client.post("/api/v1/inquiries", json=body())
    assert response.status_code == 401
    assert response.is_json


# --- GET /api/v1/inquiries -------------------------------------------------------------


def _references(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["reference"] for item in response.json["items"]]


def test_list_searches_by_latin_name(client, desk_auth):
    office = make_office()
    maria = make_inquiry(office, citizen=MARIA)
    make_inquiry(office, citizen={"name": "Георги Петров"})
    response = client.get("/api/v1/inquiries?q=ivanova", headers=desk_auth)
    assert _references(response) == [maria.reference]
    assert response.json["total"] == 1


def test_list_searches_by_phone_and_reference(client, desk_auth):
    office = make_office()
    maria = make_inquiry(office, citizen=MARIA)
    other = make_inquiry(office, citizen={"name": "Георги Петров", "phone": "0877 000 111"})
    assert _references(client.get("/api/v1/inquiries?q=0888123", headers=desk_auth)) == [
        maria.reference
    ]
    by_reference = client.get(f"/api/v1/inquiries?q={other.reference}", headers=desk_auth)
    assert _references(by_reference) == [other.reference]


def test_list_items_carry_no_personal_data(client, desk_auth):
    make_inquiry(make_office(), citizen=MARIA)
    [item] = client.get("/api/v1/inquiries", headers=desk_auth).json["items"]
    text = json.dumps(item, ensure_ascii=False)
    assert "Мария" not in text and "888" not in text and "description" not in item


def test_list_is_paginated(client, desk_auth):
    office = make_office()
    made = [make_inquiry(office).reference for _ in range(5)]
    first = client.get("/api/v1/inquiries?per_page=2", headers=desk_auth).json
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 5)
    assert len(first["items"]) == 2
    pages = [
        _references(client.get(f"/api/v1/inquiries?per_page=2&page={n}", headers=desk_auth))
        for n in (1, 2, 3)
    ]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(sum(pages, [])) == sorted(made)
    beyond = client.get("/api/v1/inquiries?per_page=2&page=9", headers=desk_auth)
    assert _references(beyond) == []


def test_per_page_over_one_hundred_is_400_as_the_schema_says(client, desk_auth):
    response = client.get("/api/v1/inquiries?per_page=101", headers=desk_auth)
    assert response.status_code == 400
    assert "per_page" in response.json["message"]
    assert client.get("/api/v1/inquiries?per_page=100", headers=desk_auth).status_code == 200


@pytest.mark.parametrize("query", ["page=abc", "per_page=many", "page=1.5"])
def test_non_numeric_page_is_400(client, desk_auth, query):
    response = client.get(f"/api/v1/inquiries?{query}", headers=desk_auth)
    assert response.status_code == 400
    assert set(response.json) == {"error", "message"}


@pytest.mark.parametrize("query", ["page=0", "page=-3", "per_page=0", "page=" + "9" * 30])
def test_a_page_outside_the_schemas_bounds_is_400(client, desk_auth, query):
    response = client.get(f"/api/v1/inquiries?{query}", headers=desk_auth)
    assert response.status_code == 400
    assert query.split("=")[0] in response.json["message"]


def test_unknown_status_filter_is_422(client, desk_auth):
    response = client.get("/api/v1/inquiries?status=lost", headers=desk_auth)
    assert response.status_code == 422
    assert response.json["error"] and "lost" in response.json["message"]


def test_status_filter_lists_only_that_status(client, desk_auth):
    office = make_office()
    new = make_inquiry(office)
    closed = make_inquiry(office)
    closed.status = "closed"
    db.session.commit()
    assert _references(client.get("/api/v1/inquiries?status=new", headers=desk_auth)) == [
        new.reference
    ]
    assert _references(client.get("/api/v1/inquiries?status=closed", headers=desk_auth)) == [
        closed.reference
    ]


def test_expert_token_lists_only_own_cases(client, app):
    office = make_office()
    expert = make_user(Role.EXPERT)
    token = accounts.issue_api_token(expert)
    db.session.commit()
    make_inquiry(office)
    mine = make_inquiry(office)
    mine.expert_id = expert.id
    db.session.commit()
    response = client.get("/api/v1/inquiries", headers={"Authorization": f"Bearer {token}"})
    assert _references(response) == [mine.reference]


def test_commission_token_cannot_list_or_read_cases(client, app):
    inquiry = make_inquiry(make_office(), citizen=MARIA)
    auth = token_for(Role.COMMISSION)
    assert client.get("/api/v1/inquiries", headers=auth).status_code == 403
    assert client.get(f"/api/v1/inquiries/{inquiry.reference}", headers=auth).status_code == 403


# --- GET /api/v1/inquiries/<reference> -------------------------------------------------


def test_detail_includes_citizen_description_and_events(client, desk_auth):
    created = create(client, desk_auth).json
    response = client.get(f"/api/v1/inquiries/{created['reference']}", headers=desk_auth)
    assert response.status_code == 200
    detail = response.json
    assert detail["reference"] == created["reference"]
    assert detail["description"] == "Пита как се плаща данък сгради."
    assert detail["anonymous"] is False
    assert detail["citizen"]["name"] == "Мария Иванова"
    assert detail["citizen"]["flags"] == ["unemployed"]
    assert [event["kind"] for event in detail["events"]] == ["created"]
    assert detail["events"][0]["by"]
    assert "pin" not in detail and "pin_hash" not in detail


def test_detail_of_an_anonymous_inquiry_has_no_citizen(client, desk_auth):
    inquiry = make_inquiry(make_office())
    detail = client.get(f"/api/v1/inquiries/{inquiry.reference}", headers=desk_auth).json
    assert detail["anonymous"] is True
    assert detail["citizen"] is None


def test_detail_reference_is_case_insensitive(client, desk_auth):
    inquiry = make_inquiry(make_office())
    response = client.get(f"/api/v1/inquiries/{inquiry.reference.lower()}", headers=desk_auth)
    assert response.status_code == 200


def test_detail_of_an_unknown_reference_is_404_json(client, desk_auth):
    response = client.get("/api/v1/inquiries/KRS-2026-99999", headers=desk_auth)
    assert response.status_code == 404
    assert set(response.json) == {"error", "message"}


def test_the_api_refuses_a_phone_with_letters_naming_the_field(client, desk_auth):
    response = client.post(
        "/api/v1/inquiries", json=body(citizen=_citizen(phone="abc")), headers=desk_auth
    )
    assert response.status_code == 422
    assert response.json["field"] == "phone"
    assert "само цифри" in response.json["message"]
