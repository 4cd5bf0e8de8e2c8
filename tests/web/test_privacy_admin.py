"""The administrator's data-subject pages: find, show (printable), export JSON, erase."""

import json

import pytest
from sqlalchemy import select

from bureau.extensions import db
from bureau.models import AuditEntry, Citizen, ErasureRequest, Inquiry, Role
from tests.factories import make_inquiry, make_office

CITIZEN = {"name": "Мария Иванова", "phone": "0888123456", "email": "maria@example.bg"}


@pytest.fixture
def admin(login_as):
    return login_as(Role.ADMIN)


def audited(action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def test_search_finds_a_citizen_of_any_office_in_latin_letters(client, admin):
    mine = make_inquiry(citizen=CITIZEN)
    theirs = make_inquiry(make_office("STR"), citizen={"name": "Мария Иванова"})
    page = client.get("/admin/privacy/?q=maria+ivanova")
    assert page.status_code == 200
    for case in (mine, theirs):
        assert f"/admin/privacy/citizens/{case.citizen_id}" in page.text
    assert audited("privacy.search")[0].details == {"results": 2}


def test_the_citizen_page_shows_everything_and_is_audited(client, admin):
    case = make_inquiry(citizen=CITIZEN, description="Въпрос за наследство.")
    page = client.get(f"/admin/privacy/citizens/{case.citizen_id}")
    assert page.status_code == 200
    for text in ("Мария Иванова", "0888123456", case.reference, "Въпрос за наследство."):
        assert text in page.text
    assert page.headers["Cache-Control"] == "no-store"
    (entry,) = audited("privacy.view")
    assert (entry.object_type, entry.object_id) == ("citizen", str(case.citizen_id))


def test_the_json_export_downloads_and_is_audited(client, admin):
    case = make_inquiry(citizen=CITIZEN, description="Въпрос за наследство.")
    response = client.get(f"/admin/privacy/citizens/{case.citizen_id}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["citizen"]["email"] == "maria@example.bg"
    assert data["inquiries"][0]["description"] == "Въпрос за наследство."
    assert len(audited("privacy.export")) == 1


def erase_form(**fields) -> dict:
    data = {"requested_by": "Мария Координатор", "received_on": "2026-11-01",
            "reason": "Искане по чл. 17 ОРЗД, вх. № 12", "confirm": "y"}  # fmt: skip
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_erasure_needs_a_confirmation_and_changes_nothing_without_it(client, admin):
    case = make_inquiry(citizen=CITIZEN)
    url = f"/admin/privacy/citizens/{case.citizen_id}/erase"
    assert client.post(url, data=erase_form(confirm=None)).status_code == 422
    assert client.post(url, data=erase_form(reason="")).status_code == 422
    db.session.expire_all()
    assert db.session.get(Citizen, case.citizen_id).name == "Мария Иванова"
    assert audited("privacy.erase") == []


def test_erasure_anonymises_the_citizen_and_is_audited(client, admin):
    case = make_inquiry(citizen=CITIZEN, description="Въпрос за наследство.")
    citizen_id = case.citizen_id
    response = client.post(f"/admin/privacy/citizens/{citizen_id}/erase", data=erase_form())
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Citizen, citizen_id).name is None
    assert db.session.get(Inquiry, case.id).description == ""
    request = db.session.scalars(select(ErasureRequest)).one()
    assert (request.actor_id, request.cases) == (admin.id, 1)
    (entry,) = audited("privacy.erase")
    assert entry.details == {"request": request.id, "cases": 1}
    assert "Мария" not in json.dumps(entry.details, ensure_ascii=False)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DESK, Role.EXPERT, Role.COMMISSION])
def test_only_the_administrator_handles_subject_requests(client, login_as, role):
    case = make_inquiry(citizen=CITIZEN)
    login_as(role)
    assert client.get("/admin/privacy/?q=maria").status_code == 403
    assert client.get(f"/admin/privacy/citizens/{case.citizen_id}/export.json").status_code == 403
