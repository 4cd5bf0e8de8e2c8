"""A municipal service on a citizen's phone and on the counter's poster: the page fits a
360 px phone, and the poster of the longest name prints on one A4 page."""

import re

from bureau.demo.commands import SERVICES
from bureau.domain import offices
from bureau.domain.services import importing, register
from bureau.extensions import db


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
