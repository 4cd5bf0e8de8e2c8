"""The public home at /: the bureau, its offices, and the ways in — no login needed."""

from bureau.domain import offices
from bureau.extensions import db
from bureau.models import Role
from tests.factories import make_office


def test_anonymous_visitor_gets_the_public_home(client):
    make_office()
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    assert '<html lang="bg">' in page
    assert "Бюро за информиране и съветване на гражданите" in page
    assert "ул. „Македония“ 99" in page
    assert "Пн–Пт 9:00–17:00" in page
    assert 'href="tel:074332120"' in page
    for link in ('href="/status"', 'href="/ask"', 'href="/open-data"', 'href="/login"'):
        assert link in page
    assert "Вход за служители" in page
    assert "Местни данъци и такси" in page


def test_several_offices_are_all_listed(client):
    make_office()
    other = make_office("STR", municipality="Струмяни")
    offices.update_office(other, address="с. Струмяни, пл. „Седми май“ 1", phone="07434 2201")
    db.session.commit()
    page = client.get("/").text
    assert "Нашите бюра" in page
    assert "ул. „Македония“ 99" in page and "пл. „Седми май“ 1" in page


def test_staff_still_get_their_home_after_login(client, login_as):
    login_as(Role.DESK, name="Ана Петрова")
    page = client.get("/").text
    assert "Добре дошли, Ана Петрова" in page
    assert "Задайте въпрос онлайн" not in page


def test_public_pages_have_the_public_navigation_and_the_language_switch(client):
    make_office()
    for path in ("/", "/status", "/ask"):
        page = client.get(path).text
        assert 'name="language" value="en"' in page, path
        assert 'href="/status"' in page and 'href="/login"' in page, path


def test_public_home_switches_to_english(client):
    make_office()
    client.post("/language", data={"language": "en", "next": "/"})
    page = client.get("/").text
    assert '<html lang="en">' in page
    assert "Ask a question online" in page and "Check an inquiry" in page
    assert "Задайте въпрос онлайн" not in page
    assert (
        "The PIN has 6 digits" in client.post("/status", data={"reference": "x", "pin": "1"}).text
    )


def test_who_helps_names_the_fields_in_a_sentence_keeping_abbreviations(client):
    from bureau.i18n import in_sentence
    from tests.casework import make_expert

    assert [in_sentence(s) for s in ("Местни данъци", "Пенсии и ТЕЛК", "NGO", "", "E-mail")] == [
        "местни данъци", "пенсии и ТЕЛК", "NGO", "", "e-mail",
    ]  # fmt: skip
    office = make_office()
    make_expert(office, categories=("pensions_disability", "local_taxes"))
    db.session.commit()
    page = client.get("/").text
    assert "пенсии и ТЕЛК" in page and "местни данъци и такси" in page
    client.post("/language", data={"language": "en", "next": "/"})
    assert "pensions and disability assessment (TELK)" in client.get("/").text


def test_each_office_with_a_register_of_services_links_to_it(client):
    from bureau.domain.services import register
    from bureau.domain.services.register import ServiceData

    kresna, strumyani = make_office(), make_office("STR", municipality="Струмяни")
    register.save(kresna, ServiceData(name="Издаване на скица", code="sketch"), actor=None)
    register.save(strumyani, ServiceData(name="Стара", code="old", active=False), actor=None)
    db.session.commit()
    page = client.get("/").text
    assert 'href="/services/KRS"' in page and "Услуги на община Кресна" in page
    assert 'href="/services/STR"' not in page  # nothing active to show there


def test_a_browser_asking_for_favicon_ico_gets_the_bureaus_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/favicon.svg")
    assert client.get(response.headers["Location"]).status_code == 200
