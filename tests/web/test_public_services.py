"""The municipality's services on the public site: the list, one service's page and its
A4 poster, whose QR code holds the configured public address — never a request's Host."""

import pytest

from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
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
    assert page.headers["Cache-Control"] == "public, max-age=300"
    found = client.get("/services/KRS?q=skitsa").text
    assert "скица на поземлен имот" in found and "Удостоверение за наследници" not in found


def test_a_service_page_says_term_fee_provider_and_basis(client, kresna):
    page = client.get("/services/KRS/sketch").text
    for fact in ("7 работни дни", "20 лв.", "Устройство на територията", "ЗУТ, чл. 133", "2027"):
        assert fact in page
    code = register.published("KRS")[1][1].code  # the same-day service, its code made
    assert "в деня на заявяването" in client.get(f"/services/KRS/{code}").text


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
