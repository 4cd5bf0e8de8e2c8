"""The citizen's notice channel through the desk form, /ask and the API; the outbox page's
SMS for each role. Hostile numbers and values are refused with 4xx, never 5xx."""

import re

import pytest
from sqlalchemy import select

from bureau.domain import accounts, sms
from bureau.domain.cases import intake
from bureau.extensions import db
from bureau.models import Citizen, Inquiry, OutboxMessage, Role
from tests.factories import make_inquiry, make_office, make_user

MOBILE = "0888 123 456"
HOSTILE = [
    "0888 123 456\r\nX-Injected: 1",
    "+359 888 123 456\nsms",
    "<script>alert(1)</script>",
    "0" * 41,
    "+359 888 123 456; DROP TABLE citizen",
    "\x00\x01",
]


@pytest.fixture
def app_config():
    return {"ASK_LIMIT_PER_IP": "100 per hour", "ASK_ATTEMPTS_PER_IP": "100 per hour"}


@pytest.fixture
def office(app):
    return make_office()


def the_citizen() -> Citizen:
    return db.session.scalars(select(Citizen)).one()


def citizen_reference() -> str:
    return db.session.scalars(select(Inquiry.reference)).one()


def sms_sent() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")))


def desk_form(**fields) -> dict:
    data = {
        "category": "local_taxes",
        "settlement": "0",
        "description": "Пита как се плаща данък сгради.",
        "urgency": "normal",
        "channel": "walk_in",
        "name": "Иван Петров",
        "phone": MOBILE,
        "email": "",
        "notify_by": "",
        "gender": "male",
        "age_band": "35-44",
        "consent": "y",
        "token": intake.new_token(),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def ask_form(**fields) -> dict:
    data = {**desk_form(**fields), "website": ""}
    for staff_only in ("urgency", "channel"):
        data.pop(staff_only)
    return data


# The desk form ------------------------------------------------------------------------


def test_desk_records_sms_and_queues_the_receipt_without_the_pin(client, login_as, office):
    login_as(Role.DESK)
    response = client.post("/desk/new", data=desk_form(notify_by="sms"))
    assert response.status_code == 303
    citizen = the_citizen()
    assert citizen.notify_by == "sms" and citizen.sms_consent_at is not None
    [message] = sms_sent()
    assert message.to == "+359888123456" and message.body_text.endswith("/status")
    reference = citizen_reference()
    assert reference in message.body_text
    receipt = client.get(response.headers["Location"]).text
    pin = re.search(r'id="receipt-pin"[^>]*>\s*(\d{6})', receipt).group(1)
    assert pin not in message.body_text


def test_desk_default_is_sms_with_consent_and_none_without(client, login_as, office):
    login_as(Role.DESK)
    client.post("/desk/new", data=desk_form(sms_consent="y"))
    client.post("/desk/new", data=desk_form(name="Петър Петров", phone="0888 000 111"))
    channels = dict(db.session.execute(select(Citizen.name, Citizen.notify_by)).all())
    assert channels == {"Иван Петров": "sms", "Петър Петров": "none"}
    assert len(sms_sent()) == 1


def test_desk_sms_to_a_landline_is_refused_beside_the_phone(client, login_as, office):
    login_as(Role.DESK)
    response = client.post("/desk/new", data=desk_form(phone="0745 12 345", notify_by="sms"))
    assert response.status_code == 422
    assert "мобилен телефон" in response.text
    assert db.session.scalar(select(Citizen.id)) is None


@pytest.mark.parametrize("phone", HOSTILE)
def test_desk_hostile_phone_is_4xx(client, login_as, office, phone):
    login_as(Role.DESK)
    response = client.post("/desk/new", data=desk_form(phone=phone, notify_by="sms"))
    assert 400 <= response.status_code < 500
    assert sms_sent() == []


@pytest.mark.parametrize("value", ["pigeon", "sms\r\nX: 1", "x" * 500])
def test_desk_unknown_channel_is_4xx(client, login_as, office, value):
    login_as(Role.DESK)
    response = client.post("/desk/new", data=desk_form(notify_by=value))
    assert response.status_code == 422


# /ask -------------------------------------------------------------------------------


def test_ask_by_sms_sends_the_reference_and_status_address_not_the_pin(client, office):
    response = client.post("/ask", data=ask_form(notify_by="sms"))
    assert response.status_code == 303, response.text
    [message] = sms_sent()
    assert message.body_text.startswith(f"Запитване {citizen_reference()} е прието:")
    assert the_citizen().notify_by == "sms"
    assert not db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.channel == "email")
    ).all()


def test_ask_with_an_address_keeps_the_email_receipt_with_the_pin(client, office):
    response = client.post("/ask", data=ask_form(email="ivan@example.test", sms_consent="y"))
    assert response.status_code == 303
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.channel, message.to) == ("email", "ivan@example.test")
    assert "ПИН" in message.body_text


@pytest.mark.parametrize("phone", HOSTILE)
def test_ask_hostile_phone_is_4xx(client, office, phone):
    response = client.post("/ask", data=ask_form(phone=phone, sms_consent="y"))
    assert 400 <= response.status_code < 500
    assert sms_sent() == []


# The API ----------------------------------------------------------------------------


def api_body(**citizen) -> dict:
    return {
        "channel": "phone",
        "category": "local_taxes",
        "description": "Пита за данък сгради.",
        "consent": True,
        "citizen": {"name": "Иван Петров", "phone": MOBILE, **citizen},
    }


@pytest.fixture
def auth(office) -> dict:
    user = make_user(Role.DESK, office=office)
    token = accounts.issue_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_api_records_the_channel_and_queues_the_sms(client, auth):
    response = client.post("/api/v1/inquiries", json=api_body(notify_by="sms"), headers=auth)
    assert response.status_code == 201, response.json
    assert the_citizen().notify_by == "sms"
    [message] = sms_sent()
    assert response.json["reference"] in message.body_text


def test_api_default_with_sms_consent_is_sms(client, auth):
    response = client.post("/api/v1/inquiries", json=api_body(sms_consent=True), headers=auth)
    assert response.status_code == 201
    assert the_citizen().notify_by == "sms"


@pytest.mark.parametrize(
    "citizen",
    [
        {"notify_by": "pigeon"},
        {"notify_by": 1},
        {"notify_by": ["sms"]},
        {"sms_consent": "yes"},
        {"notify_by": "sms", "phone": "0745 12 345"},
        {"notify_by": "email"},
        *({"notify_by": "sms", "phone": phone} for phone in HOSTILE),
    ],
)
def test_api_hostile_channel_or_phone_is_4xx(client, auth, citizen):
    response = client.post("/api/v1/inquiries", json=api_body(**citizen), headers=auth)
    assert 400 <= response.status_code < 500, response.json
    assert sms_sent() == []


# The outbox page --------------------------------------------------------------------


@pytest.fixture
def queued_sms(office):
    case = make_inquiry(office, citizen={"name": "Иван", "phone": MOBILE, "notify_by": "sms"})
    other = make_inquiry(
        make_office("STR"), citizen={"name": "Петър", "phone": MOBILE, "notify_by": "sms"}
    )
    for message in sms_sent():
        message.attempts, message.last_error = 1, "HTTP 500"
    db.session.commit()
    return {"own": sms_sent()[0], "case": case, "other": other}


def test_coordinator_sees_the_office_sms_with_its_text_segments_and_error(
    client, login_as, queued_sms
):
    login_as(Role.COORDINATOR)
    page = client.get("/admin/outbox/?channel=sms").text
    own = queued_sms["own"]
    assert own.body_text in page and "HTTP 500" in page and "+359888123456" in page
    assert queued_sms["other"].reference not in page
    assert "SMS този месец" in page


def test_admin_sees_every_office_sms_but_never_the_text(client, login_as, queued_sms):
    login_as(Role.ADMIN)
    page = client.get("/admin/outbox/?channel=sms").text
    assert page.count("+359888123456") == 2
    assert queued_sms["case"].reference not in page
    assert "Иван" not in page


@pytest.mark.parametrize("role", [Role.DESK, Role.EXPERT, Role.COMMISSION])
def test_other_roles_may_not_open_the_outbox(client, login_as, queued_sms, role):
    login_as(role)
    assert client.get("/admin/outbox/?channel=sms").status_code == 403


@pytest.mark.parametrize(
    "query", ["state=queued", "state=sent", "state=all", "state=%00", "channel=x"]
)
def test_the_filters_answer_and_ignore_nonsense(client, login_as, queued_sms, query):
    login_as(Role.COORDINATOR)
    status = client.get(f"/admin/outbox/?{query}").status_code
    assert status == (400 if "%00" in query else 200)  # unreadable text: 400, never 5xx


def test_retry_now_puts_a_failed_sms_back(client, login_as, queued_sms):
    login_as(Role.COORDINATOR)
    own = queued_sms["own"]
    own.status = "failed"
    db.session.commit()
    response = client.post(f"/admin/outbox/{own.id}/retry?channel=sms")
    assert response.status_code == 303 and "channel=sms" in response.headers["Location"]
    db.session.refresh(own)
    assert own.status == "pending"
    other = [m for m in sms_sent() if m.office_id != own.office_id][0]
    assert client.post(f"/admin/outbox/{other.id}/retry").status_code == 404


def test_segments_are_shown(client, login_as, queued_sms):
    login_as(Role.COORDINATOR)
    page = client.get("/admin/outbox/?channel=sms").text
    assert f">{sms.segments(queued_sms['own'].body_text)}<" in page.replace(" ", "")
