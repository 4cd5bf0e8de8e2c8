"""The commission's recommendations register over HTTP, with CSRF protection on."""

import re
from datetime import date, timedelta

import pytest

from bureau.domain.clock import sofia_today
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
from bureau.models import Recommendation, Role
from tests.factories import PASSWORD, make_inquiry, make_office, make_user, without_adjustment


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def token(client, path: str) -> str:
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', client.get(path).text)[0]
    return re.search(r'value="([^"]+)"', field)[1]


def log_in(client, user) -> None:
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token(client, "/login")}
    assert client.post("/login", data=data).status_code == 303


def form(**fields) -> dict:
    year = sofia_today().year
    values = {
        "title": "Автобус до Влахи",
        "text": "Да се възстанови линията два пъти седмично.",
        "addressee": "Общински съвет",
        "categories": ["transport_roads"],
        "evidence_from": f"{year}-01",
        "evidence_to": f"{year}-03",
    }
    return {**values, **fields}


@pytest.fixture
def member(client):
    user = make_user(Role.COMMISSION, office=make_office())
    log_in(client, user)
    return user


def create(client, **fields) -> Recommendation:
    data = form(csrf_token=token(client, "/commission/recommendations/new"), **fields)
    response = client.post("/commission/recommendations/new", data=data)
    assert response.status_code == 303, response.text
    return db.session.get(Recommendation, int(response.headers["Location"].rsplit("/", 1)[1]))


def test_a_member_records_a_draft(client, member):
    recommendation = create(client)
    assert recommendation.status == "draft"
    assert recommendation.categories == ["transport_roads"]
    assert recommendation.evidence_to == date(sofia_today().year, 3, 1)
    page = client.get(f"/commission/recommendations/{recommendation.id}")
    assert "Автобус до Влахи" in page.text
    assert "Статистиката, която мотивира препоръката" in page.text


def test_a_form_without_its_token_is_refused(client, member):
    response = client.post("/commission/recommendations/new", data=form())
    assert response.status_code == 400
    assert Recommendation.query.count() == 0


def test_validation_speaks_bulgarian(client, member):
    data = form(title="", categories=[], evidence_from="2026-13",
                csrf_token=token(client, "/commission/recommendations/new"))  # fmt: skip
    response = client.post("/commission/recommendations/new", data=data)
    assert response.status_code == 422
    assert "Въведете заглавие." in response.text
    assert "Изберете поне една категория." in response.text
    assert "Въведете месец във вида ГГГГ-ММ." in response.text


def test_submit_answer_and_implement_with_dated_responses(client, member):
    recommendation = create(client)
    url = f"/commission/recommendations/{recommendation.id}"
    today = sofia_today()
    steps = [("submitted", ""), ("partially_accepted", "Приета за летния сезон."),
             ("implemented", "Линията работи от юни.")]  # fmt: skip
    for status, text in steps:
        page = client.get(url).text
        version = re.search(r'name="version"[^>]*value="(\d+)"', page)[1]
        data = {"status": status, "on": today.isoformat(), "text": text, "version": version,
                "csrf_token": token(client, url)}  # fmt: skip
        assert client.post(f"{url}/respond", data=data).status_code == 303
    db.session.refresh(recommendation)
    assert recommendation.status == "implemented"
    assert recommendation.submitted_on == today
    assert [r.status for r in recommendation.responses] == [s for s, _t in steps]


def test_a_change_the_table_does_not_allow_is_refused(client, member):
    recommendation = create(client)
    url = f"/commission/recommendations/{recommendation.id}"
    data = {"status": "implemented", "on": sofia_today().isoformat(), "text": "Готово.",
            "version": recommendation.version, "csrf_token": token(client, url)}  # fmt: skip
    response = client.post(f"{url}/respond", data=data)
    assert response.status_code == 422
    assert "Тази промяна на статуса не е възможна." in response.text


def test_a_future_date_is_refused(client, member):
    recommendation = create(client)
    url = f"/commission/recommendations/{recommendation.id}"
    tomorrow = sofia_today() + timedelta(days=1)
    data = {"status": "submitted", "on": tomorrow.isoformat(), "version": recommendation.version,
            "csrf_token": token(client, url)}  # fmt: skip
    assert "Датата не може да е в бъдещето." in client.post(f"{url}/respond", data=data).text


def test_a_stale_edit_is_refused(client, member):
    recommendation = create(client)
    url = f"/commission/recommendations/{recommendation.id}/edit"
    page = client.get(url).text
    stale = re.search(r'name="version"[^>]*value="(\d+)"', page)[1]
    first = form(title="Първа редакция", version=stale, csrf_token=token(client, url))
    assert client.post(url, data=first).status_code == 303
    second = form(title="Втора редакция", version=stale, csrf_token=token(client, url))
    response = client.post(url, data=second)
    assert response.status_code == 422
    assert "междувременно е променена" in response.text
    db.session.refresh(recommendation)
    assert recommendation.title == "Първа редакция"


def test_a_submitted_recommendation_can_no_longer_be_edited(client, member):
    recommendation = create(client)
    recommendation.status = "submitted"
    db.session.commit()
    url = f"/commission/recommendations/{recommendation.id}/edit"
    data = form(title="Нещо друго", version=recommendation.version, csrf_token=token(client, url))
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "Само чернова може да се редактира." in response.text


def test_another_offices_recommendation_is_not_found(client, member):
    other = make_user(Role.COMMISSION, office=make_office("MON"))
    recommendation = Recommendation(
        office_id=other.office_id, title="Чужда", text="Текст.", addressee="Съвет",
        categories=["health"], evidence_from=date(2026, 1, 1), evidence_to=date(2026, 1, 1),
    )  # fmt: skip
    db.session.add(recommendation)
    db.session.commit()
    assert client.get(f"/commission/recommendations/{recommendation.id}").status_code == 404
    assert "Чужда" not in client.get("/commission/recommendations/").text


def test_coordinator_reads_the_register_but_cannot_write(client):
    log_in(client, make_user(Role.COORDINATOR, office=make_office()))
    assert client.get("/commission/recommendations/").status_code == 200
    assert client.get("/commission/recommendations/new").status_code == 403


def test_evidence_shows_the_linked_categories_as_published(client, member):
    office = make_office()
    for _ in range(6):
        make_inquiry(office, category="transport_roads")
    without_adjustment()
    year = sofia_today().year
    recommendation = create(client, evidence_from=f"{year}-01", evidence_to=f"{year}-12")
    page = client.get(f"/commission/recommendations/{recommendation.id}").text
    assert "Пътища и обществен транспорт" in page
    assert ">6<" in page


def test_an_edit_with_the_evidence_months_left_out_is_refused_with_a_message(client, member):
    recommendation = create(client)
    path = f"/commission/recommendations/{recommendation.id}/edit"
    data = form(csrf_token=token(client, path), version="1")
    del data["evidence_from"], data["evidence_to"]
    response = client.post(path, data=data)
    assert response.status_code == 422
    assert "Въведете месец." in response.text
    db.session.refresh(recommendation)
    assert recommendation.evidence_from == date(sofia_today().year, 1, 1)


def test_an_edit_with_a_malformed_version_is_refused(client, member):
    recommendation = create(client)
    path = f"/commission/recommendations/{recommendation.id}/edit"
    response = client.post(path, data=form(csrf_token=token(client, path), version="9" * 40))
    assert response.status_code in (400, 409, 422)


def test_a_recommendation_names_services_of_its_office(client, member):
    register.save(member.office, ServiceData(name="Издаване на скица", code="skitsa"), actor=None)
    db.session.commit()
    assert "Издаване на скица" in client.get("/commission/recommendations/new").text
    recommendation = create(client, services=["skitsa"])
    assert recommendation.services == ["skitsa"]
    page = client.get(f"/commission/recommendations/{recommendation.id}").text
    assert re.search(r'id="recommendation-services">Издаване на скица<', page)


def test_a_service_of_another_office_is_refused(client, member):
    register.save(make_office("STR"), ServiceData(name="Скица", code="skitsa"), actor=None)
    db.session.commit()
    data = form(csrf_token=token(client, "/commission/recommendations/new"), services=["skitsa"])
    response = client.post("/commission/recommendations/new", data=data)
    assert response.status_code == 422
    assert "Изберете услуги от регистъра на общината." in response.text
    assert Recommendation.query.count() == 0
