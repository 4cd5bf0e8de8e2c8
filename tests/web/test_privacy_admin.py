"""The administrator's data-subject pages: find, show (printable), export JSON, erase."""

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from bureau.domain import offices
from bureau.extensions import db
from bureau.models import AuditEntry, Citizen, ErasureRequest, Inquiry, Role
from tests.casework import make_coordinator, make_expert
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


# What a citizen reads, and finding them


def test_name_and_phone_typed_together_find_the_citizen(client, admin):
    maria = make_inquiry(citizen=CITIZEN)
    make_inquiry(citizen={"name": "Мария Иванова", "phone": "0899000111"})  # a namesake
    page = client.get("/admin/privacy/", query_string={"q": "Мария Иванова 0888123456"}).text
    assert re.findall(r"/admin/privacy/citizens/(\d+)", page) == [str(maria.citizen_id)]
    assert "Намерени: 1" in page
    spaced = client.get("/admin/privacy/", query_string={"q": "ivanova 0888 123 456"}).text
    assert re.findall(r"/admin/privacy/citizens/(\d+)", spaced) == [str(maria.citizen_id)]


def test_the_search_tells_the_total_and_pages_beyond_fifty(client, admin):
    office = make_office()
    for n in range(55):
        make_inquiry(office, citizen={"name": f"Мария Иванова{n:02d}"})
    first = client.get("/admin/privacy/", query_string={"q": "мария"}).text
    assert "Намерени: 55" in first
    shown = re.findall(r"/admin/privacy/citizens/(\d+)", first)
    second = client.get("/admin/privacy/", query_string={"q": "мария", "page": 2}).text
    more = re.findall(r"/admin/privacy/citizens/(\d+)", second)
    assert len(set(shown) | set(more)) == 55 and not set(shown) & set(more)
    assert "page=2" in first
    assert audited("privacy.search")[0].details == {"results": 55}


def test_the_citizens_copy_reads_in_bulgarian_with_local_times(client, admin):
    case = make_inquiry(citizen=CITIZEN, category="pensions_disability", channel="phone")
    case.received_at = datetime(2026, 11, 30, 0, 26, 45)  # UTC: 02:26 in Sofia
    db.session.commit()
    page = client.get(f"/admin/privacy/citizens/{case.citizen_id}").text
    assert "30.11.2026 02:26" in page
    assert "2026-11-30T00:26:45Z" not in page
    assert "pensions_disability" not in page
    assert "Пенсии и ТЕЛК" in page
    assert "По телефона" in page and "ново" in page
    assert "export.json" in page  # the machine-readable copy stays beside it
    data = client.get(f"/admin/privacy/citizens/{case.citizen_id}/export.json").get_json()
    assert data["inquiries"][0]["received_at"] == "2026-11-30T00:26:45Z"
    assert data["inquiries"][0]["category"] == "pensions_disability"


def test_every_code_of_a_worked_case_is_put_into_words(client, admin, tmp_path, app):
    from tests.domain.test_privacy import full_case

    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    office = make_office()
    offices.seed_institutions(office)
    case = full_case((make_coordinator(office), make_expert(office)), closed_days_ago=None)
    page = client.get(f"/admin/privacy/citizens/{case.citizen_id}").text
    text = re.sub(r"<[^>]+>", " ", page)
    for code in ("advice_given", "status_changed", "in_progress", "walk_in", "local_taxes",
                 "problem_solved", "phone"):  # fmt: skip
        assert not re.search(rf"\b{code}\b", text), code
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", text)  # no UTC timestamps
    for words in ("в работа → решено (Дадена консултация)", "Контакт с гражданина (телефонен",
                  "Оценка: 5 от 5", "Решен ли е проблемът: да", "Мария.pdf",
                  "Бихте ли препоръчали бюрото: да", "Справка за личните данни"):  # fmt: skip
        assert words in page, words
