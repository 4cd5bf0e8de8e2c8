"""The municipality's services on the public site: the list, one service's page and its
A4 poster, whose QR code holds the configured public address — never a request's Host."""

import pytest

from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
from bureau.models import Service, ServiceRating
from tests.factories import make_office

SKETCH = ServiceData(
    name="Издаване на скица на поземлен имот",
    code="sketch",
    register_number="2027",
    kind="technical",
    department="Устройство на територията",
    term_days=7,
    fee="20 лв.",
    legal_basis="ЗУТ, чл. 133",
)


@pytest.fixture
def app_config():
    return {"PUBLIC_URL": "https://bureau.kresna.bg"}


@pytest.fixture
def kresna(app):
    office = make_office("KRS", municipality="Кресна")
    register.save(office, SKETCH, actor=None)
    register.save(office, ServiceData(name="Удостоверение за наследници", term_days=0), actor=None)
    register.save(office, ServiceData(name="Стара услуга", code="old", active=False), actor=None)
    db.session.commit()
    return office


def test_the_list_shows_the_active_services_and_finds_them_typed_in_latin(client, kresna):
    page = client.get("/services/krs")
    assert page.status_code == 200
    assert "Услуги на община Кресна" in page.text
    assert "Издаване на скица на поземлен имот" in page.text
    assert "Удостоверение за наследници" in page.text
    assert "Стара услуга" not in page.text
    found = client.get("/services/KRS?q=skitsa").text
    assert "скица на поземлен имот" in found and "Удостоверение за наследници" not in found


def test_a_service_page_says_term_fee_provider_and_basis(client, kresna):
    page = client.get("/services/KRS/sketch").text
    for fact in ("7 работни дни", "20 лв.", "Устройство на територията", "ЗУТ, чл. 133", "2027"):
        assert fact in page
    code = register.published("KRS")[1][1].code  # the same-day service, its code made
    assert "в деня на заявяването" in client.get(f"/services/KRS/{code}").text


def test_a_term_of_one_working_day_is_said_in_the_singular(client, kresna):
    register.save(kresna, ServiceData(name="Справка", code="note", term_days=1), actor=None)
    db.session.commit()
    for path in ("/services/KRS/note", "/services/KRS", "/services/KRS/note/poster"):
        page = client.get(path).text
        assert "1 работен ден" in page and "1 работни дни" not in page, path
    client.post("/language", data={"language": "en", "next": "/services/KRS/note"})
    assert "1 working day<" in client.get("/services/KRS/note").text


def test_the_poster_carries_the_configured_address_not_the_hosts(client, kresna):
    poster = client.get("/services/KRS/sketch/poster", headers={"Host": "evil.example"})
    # A forged Host is refused before any page (trusted hosts); the real one gets the poster.
    assert poster.status_code == 400
    poster = client.get("/services/KRS/sketch/poster")
    assert poster.status_code == 200
    assert "https://bureau.kresna.bg/services/KRS/sketch" in poster.text
    assert "<svg" in poster.text and "<script>" not in poster.text


@pytest.mark.parametrize(
    "path",
    [
        "/services/XYZ",
        "/services/KRS/old",
        "/services/KRS/nothing",
        "/services/KRS/SKETCH",
        "/services/K%00S/sketch",
        "/services/" + "K" * 5000,
        "/services/KRS/" + "a" * 5000,
        "/services/KRS/sketch%00/poster",
        "/services/KRS/%ED%A0%80",
        "/services/12/sketch",
    ],
)
def test_what_is_not_there_is_a_404_never_an_error(client, kresna, path):
    assert client.get(path).status_code in (400, 404)


RATING = {
    "satisfaction": "2",
    "within_term": "no",
    "clear_requirements": "yes",
    "courteous": "yes",
    "extra_payment": "undisclosed",
    "comment": "Чаках три седмици.",
    "website": "",
}


def ratings_of(service_code: str) -> list[ServiceRating]:
    query = db.select(ServiceRating).join(Service).where(Service.code == service_code)
    return list(db.session.scalars(query))


def test_a_citizen_rates_a_service_anonymously_as_codes(client, kresna):
    page = client.get("/services/KRS/sketch/rate")
    assert page.status_code == 200 and "Как ви обслужиха?" in page.text
    response = client.post("/services/KRS/sketch/rate", data=RATING)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/services/KRS/sketch")
    (rating,) = ratings_of("sketch")
    assert (rating.satisfaction, rating.within_term, rating.extra_payment, rating.comment) == (
        2,
        "no",
        "undisclosed",
        "Чаках три седмици.",
    )
    assert rating.office_id == kresna.id
    # The comment is for the coordinators: never on a public page.
    for path in ("/services/KRS", "/services/KRS/sketch", "/services/KRS/sketch/poster"):
        assert "Чаках три седмици" not in client.get(path).text


def test_one_rating_per_browser_service_and_day(client, kresna):
    assert client.post("/services/KRS/sketch/rate", data=RATING).status_code == 303
    again = client.post("/services/KRS/sketch/rate", data=RATING)
    assert again.status_code == 303
    assert "Вече оценихте тази услуга днес." in client.get(again.headers["Location"]).text
    assert len(ratings_of("sketch")) == 1
    other = register.published("KRS")[1][1].code
    assert client.post(f"/services/KRS/{other}/rate", data=RATING).status_code == 303
    assert len(ratings_of(other)) == 1


def test_a_bot_filling_the_honeypot_leaves_no_rating(client, kresna):
    response = client.post("/services/KRS/sketch/rate", data={**RATING, "website": "spam.example"})
    assert response.status_code == 422
    assert ratings_of("sketch") == []


@pytest.mark.parametrize(
    "change",
    [
        {"satisfaction": "9"},
        {"satisfaction": ""},
        {"within_term": "maybe"},
        {"extra_payment": ""},
        {"comment": "я" * 1001},
        {"satisfaction": "3\x00"},
    ],
)
def test_a_wrong_answer_is_refused_with_a_message_and_nothing_stored(client, kresna, change):
    response = client.post("/services/KRS/sketch/rate", data={**RATING, **change})
    assert response.status_code in (400, 422)
    assert ratings_of("sketch") == []


def test_ratings_from_one_address_are_limited(app, kresna):
    app.config["RATING_LIMIT_PER_IP"] = "3 per hour"
    answers = []
    for _ in range(5):
        client = app.test_client()  # a new browser each time: only the address is the same
        answers.append(client.post("/services/KRS/sketch/rate", data=RATING).status_code)
    assert answers == [303, 303, 303, 429, 429]
    assert len(ratings_of("sketch")) == 3


def test_an_inactive_or_unknown_service_cannot_be_rated(client, kresna):
    assert client.post("/services/KRS/old/rate", data=RATING).status_code == 404
    assert client.get("/services/STR/sketch/rate").status_code == 404


def test_the_error_summary_names_a_question_without_doubled_punctuation(client, kresna):
    response = client.post("/services/KRS/sketch/rate", data={**RATING, "satisfaction": ""})
    assert response.status_code == 422
    summary = response.text.split('id="error-summary"')[1].split("</div>")[0]
    assert "Доколко сте доволни от услугата? Изберете оценка от 1 до 5." in summary
    assert "?:" not in summary
