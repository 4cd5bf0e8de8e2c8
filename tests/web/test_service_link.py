"""Cases about a municipal service, over HTTP: the desk's intake, the case page's step,
the API, the citizen's e-mail and thank-you page with the rating link."""

import re

import pytest
from sqlalchemy import select

from bureau.domain import accounts
from bureau.domain.cases import feedback, lifecycle
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
from bureau.models import (
    PROBLEM_BITS,
    AuditEntry,
    Inquiry,
    OutboxMessage,
    StatRecord,
    Status,
    problem_mask,
)
from tests.casework import make_coordinator, make_expert, move_to, page_version, signed_in
from tests.factories import make_inquiry, make_office
from tests.web.test_intake_form import form as intake_form


@pytest.fixture
def kresna(app):
    office = make_office()
    sketch = register.save(
        office,
        ServiceData(name="Издаване на скица", code="skitsa", category="property_land"),
        actor=None,
    )
    register.save(office, ServiceData(name="Удостоверение за наследници"), actor=None)
    register.save(office, ServiceData(name="Стара услуга", code="old", active=False), actor=None)
    other = make_office("STR")
    register.save(other, ServiceData(name="Скица в Струмяни", code="str-skitsa"), actor=None)
    db.session.commit()
    return {
        "office": office,
        "sketch": sketch,
        "coordinator": make_coordinator(office),
        "expert": make_expert(office),
    }


def record(inquiry: Inquiry) -> StatRecord:
    db.session.expire_all()
    return db.session.scalars(select(StatRecord).where(StatRecord.inquiry_id == inquiry.id)).one()


# The desk's intake ---------------------------------------------------------------------


def test_the_intake_form_offers_the_active_services_searchable_in_both_scripts(app, kresna):
    desk = signed_in(app, kresna["coordinator"])
    html = desk.get("/desk/new").text
    option = re.search(r'<option[^>]*value="skitsa"[^>]*>', html)[0]
    assert 'data-category="property_land"' in option
    assert "издаване на скица" in option and "izdavane na skitsa" in option
    assert 'value="old"' not in html and "str-skitsa" not in html
    assert "Търсене на услуга" in html and "Просрочен законов срок" in html
    assert re.search(r'<details[^>]*id="service-block"(?![^>]*open)', html)  # folded


def test_intake_with_a_service_and_problems_counts_them(app, kresna):
    desk = signed_in(app, kresna["coordinator"])
    data = intake_form(service="skitsa", problems=["term_exceeded", "fee"])
    assert desk.post("/desk/new", data=data).status_code == 303
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.service == kresna["sketch"]
    stats = record(inquiry)
    assert stats.service_id == kresna["sketch"].id
    assert stats.service_problems == problem_mask(["term_exceeded", "fee"])


@pytest.mark.parametrize(
    "fields",
    [
        {"problems": ["fee"]},  # problems without a service
        {"service": "str-skitsa"},  # another office's
        {"service": "old"},  # no longer provided
        {"service": "skitsa", "problems": ["bribe"]},  # no such problem
    ],
)
def test_a_refused_service_is_said_beside_its_field_and_the_block_stays_open(app, kresna, fields):
    desk = signed_in(app, kresna["coordinator"])
    response = desk.post("/desk/new", data=intake_form(**fields))
    assert response.status_code == 422
    html = response.text
    assert re.search(r'<details[^>]*id="service-block"[^>]*open', html)
    assert re.search(r'id="(service|problems)-error"|invalid-feedback', html)
    assert db.session.scalars(select(Inquiry)).first() is None


# The case page -------------------------------------------------------------------------


def audited_steps(reference: str) -> list[str]:
    query = select(AuditEntry).where(AuditEntry.action == "case.change")
    return [e.details["step"] for e in db.session.scalars(query) if e.object_id == reference]


def test_the_expert_sets_changes_and_clears_the_service_on_the_case_page(app, kresna):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **_people(kresna))
    browser = signed_in(app, kresna["expert"])
    path = f"/cases/{case.reference}"
    page = browser.get(path).text
    data = {"version": page_version(page), "service": "skitsa", "problems": ["staff_treatment"]}
    assert browser.post(f"{path}/service", data=data).status_code == 303
    page = browser.get(path).text
    assert "Издаване на скица" in page and "Отношение на служителите" in page
    assert 'href="/services/KRS/skitsa"' in page
    assert record(case).service_problems == PROBLEM_BITS["staff_treatment"]

    data = {"version": page_version(page), "service": "naslednitsi", "problems": []}
    services = {s.name: s.code for s in register.of_office(kresna["office"].id)}
    data["service"] = services["Удостоверение за наследници"]
    assert browser.post(f"{path}/service", data=data).status_code == 303
    db.session.expire_all()
    assert case.service.name == "Удостоверение за наследници" and case.service_problems == 0

    page = browser.get(path).text
    assert browser.post(f"{path}/service", data={"version": page_version(page)}).status_code == 303
    db.session.expire_all()
    assert case.service is None and record(case).service_id is None
    assert audited_steps(case.reference).count("service") == 3


def test_a_refusal_on_the_case_page_is_shown_on_the_form(app, kresna):
    case = make_inquiry()
    browser = signed_in(app, kresna["coordinator"])
    response = browser.post(f"/cases/{case.reference}/service", data={"problems": ["fee"]})
    assert response.status_code == 422
    assert "Изберете услугата, с която е проблемът." in response.text
    db.session.expire_all()
    assert case.service is None


def test_a_stale_page_is_refused_with_409(app, kresna):
    case = make_inquiry()
    browser = signed_in(app, kresna["coordinator"])
    data = {"version": str(case.version + 5), "service": "skitsa"}
    assert browser.post(f"/cases/{case.reference}/service", data=data).status_code == 409


def test_an_expert_who_does_not_hold_the_case_cannot_link_it(app, kresna):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **_people(kresna))
    colleague = make_expert(kresna["office"])
    browser = signed_in(app, colleague)
    response = browser.post(f"/cases/{case.reference}/service", data={"service": "skitsa"})
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert case.service is None


def _people(kresna) -> dict:
    return {"coordinator": kresna["coordinator"], "expert": kresna["expert"]}


# The API -------------------------------------------------------------------------------


def bearer(user) -> dict:
    token = accounts.issue_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


NEW = {"channel": "phone", "category": "local_taxes", "description": "Скица", "anonymous": True,
       "consent": False}  # fmt: skip


def test_the_api_creates_a_case_about_a_service_and_shows_it(client, kresna):
    headers = bearer(kresna["coordinator"])
    body = {**NEW, "service": "skitsa", "service_problems": ["term_exceeded"]}
    response = client.post("/api/v1/inquiries", json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["service"] == {"code": "skitsa", "name": "Издаване на скица"}
    assert response.json["service_problems"] == ["term_exceeded"]
    detail = client.get(response.headers["Location"], headers=headers).json
    assert detail["service"]["code"] == "skitsa"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"service": "nope"}, "service"),
        ({"service": "str-skitsa"}, "service"),
        ({"service": "x" * 5_000_000}, "service"),
        ({"service": "skit\x00sa"}, "service"),
        ({"service": 7}, "service"),
        ({"service_problems": ["fee"]}, "service"),
        ({"service": "skitsa", "service_problems": "fee"}, "service_problems"),
        ({"service": "skitsa", "service_problems": ["bribe"]}, "service_problems"),
        ({"service": "skitsa", "service_problems": [{"a": 1}]}, "service_problems"),
        ({"service": "skitsa", "service_problems": ["fee\x00"]}, "service_problems"),
    ],
)
def test_bad_service_input_is_a_4xx_naming_the_field(client, kresna, extra, field):
    response = client.post(
        "/api/v1/inquiries", json={**NEW, **extra}, headers=bearer(kresna["coordinator"])
    )
    assert 400 <= response.status_code < 500
    if response.status_code == 422:
        assert response.json["field"] == field
    assert db.session.scalars(select(Inquiry)).first() is None


def test_the_api_sets_and_clears_the_service_of_a_case(client, kresna):
    case = make_inquiry()
    headers = bearer(kresna["coordinator"])
    path = f"/api/v1/inquiries/{case.reference}/service"
    body = {"service": "skitsa", "service_problems": ["fee"], "version": case.version}
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["service_problems"] == ["fee"]
    assert client.post(path, json={"service": None}, headers=headers).json["service"] is None
    assert client.post(path, json={}, headers=headers).status_code == 422
    refused = client.post(path, json={"service": None, "service_problems": ["x"]}, headers=headers)
    assert (refused.status_code, refused.json["field"]) == (422, "service_problems")
    assert audited_steps(case.reference).count("service") == 2


# The citizen's e-mail and thank-you page -----------------------------------------------


def resolve_about(kresna, service) -> Inquiry:
    case = make_inquiry(
        citizen={"name": "Мария", "email": "maria@example.test"}, consent=True, anonymous=False
    )
    case.service = service
    db.session.commit()
    move_to(case, Status.IN_PROGRESS, **_people(kresna))
    lifecycle.move(case, "resolved", actor=kresna["expert"], outcome="advice_given", summary="Да.")
    db.session.commit()
    return case


def resolved_mail() -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == "maria@example.test")
    ).one()


def test_the_resolved_mail_invites_a_rating_of_the_service(app, kresna):
    resolve_about(kresna, kresna["sketch"])
    mail = resolved_mail()
    assert "Оценете услугата „Издаване на скица“" in mail.body_text
    link = re.search(r"https?://\S+/services/KRS/skitsa/rate", mail.body_text)
    assert link and link[0] in mail.body_html


def test_no_rating_link_for_an_inactive_service(app, kresna):
    old = next(s for s in register.of_office(kresna["office"].id) if s.code == "old")
    resolve_about(kresna, old)
    assert "/rate" not in resolved_mail().body_text


def test_the_thank_you_page_links_the_rating_of_the_cases_service(client, kresna):
    case = resolve_about(kresna, kresna["sketch"])
    token = feedback.issue_link(case)
    db.session.commit()
    answer = {"satisfaction": "4", "problem_solved": "yes", "would_recommend": "yes"}
    response = client.post(f"/feedback/{token}", data=answer)
    assert response.status_code == 303
    page = client.get(response.location).text
    assert 'href="/services/KRS/skitsa/rate"' in page


def test_the_thank_you_page_without_a_service_has_no_rating_link(client, kresna):
    assert "/rate" not in client.get("/feedback/thanks?office=KRS&service=old").text
    assert "/rate" not in client.get("/feedback/thanks?office=K%00&service=x").text
