"""A municipal service on a citizen's phone and on the counter's poster: the page fits a
360 px phone, the poster of the longest name prints on one A4 page, and its address
opens the rating a citizen fills in on the phone."""

import re

from playwright.sync_api import expect

from bureau.demo.commands import SERVICES
from bureau.domain import offices
from bureau.domain.services import importing, register
from bureau.extensions import db
from bureau.models import ServiceRating


def kresna():
    office = offices.create_office(**offices.KRESNA)
    importing.import_services(office, "KRS.csv", (SERVICES / "KRS.csv").read_bytes(), actor=None)
    db.session.commit()
    return max(register.of_office(office.id), key=lambda s: len(s.name))


def test_the_longest_service_fits_a_phone_and_its_poster_one_a4_page(new_page, app):
    longest = kresna()
    page = new_page(viewport=(360, 740))
    page.goto(f"/services/KRS/{longest.code}")
    assert page.get_by_role("heading", level=1).inner_text() == longest.name
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.goto(f"/services/KRS/{longest.code}/poster")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_a_citizen_rates_a_service_from_the_posters_address_on_a_phone(new_page, app):
    longest = kresna()
    page = new_page(viewport=(360, 740))
    page.goto(f"/services/KRS/{longest.code}/poster")
    address = page.locator(".poster-address").inner_text()
    assert address.endswith(f"/services/KRS/{longest.code}/rate")
    page.goto(f"/services/KRS/{longest.code}/rate")
    page.get_by_role("button", name="Изпрати оценката").click()  # nothing chosen yet
    expect(page.locator("#error-summary")).to_be_focused()
    page.get_by_label("4 — доволен/доволна").check()
    page.get_by_role("group", name="Изпълнена ли беше в срока по закон?").get_by_label(
        "Не знам"
    ).check()
    page.get_by_role("group", name="Ясно ли беше").get_by_label("Да").check()
    page.get_by_role("group", name="Учтиви ли бяха служителите?").get_by_label("Да").check()
    page.get_by_label("Предпочитам да не казвам").check()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.get_by_role("button", name="Изпрати оценката").click()
    expect(page.get_by_text("Благодарим! Оценката ви помага")).to_be_visible()
    (rating,) = db.session.scalars(db.select(ServiceRating)).all()
    assert (rating.satisfaction, rating.within_term, rating.extra_payment) == (
        4,
        "unknown",
        "undisclosed",
    )
