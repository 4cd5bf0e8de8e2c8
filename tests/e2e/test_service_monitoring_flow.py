"""The civic-monitoring loop in a browser: the desk links a case to a service and a
problem, by keyboard and in Latin letters; a citizen opens the service's poster address
on a 360 px phone and rates it; the commission sees both in the services view and in
the monitoring report, which prints on A4."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bureau.demo.commands import SERVICES
from bureau.domain import offices
from bureau.domain.services import importing
from bureau.extensions import db
from bureau.models import PROBLEM_BITS, Role, Service, ServiceRating, StatRecord
from tests.factories import make_user, without_adjustment

SKETCH = "Издаване на скица за недвижим имот"


@pytest.fixture
def app_config() -> dict:
    # One case and one rating: with the usual threshold both would show as "<5".
    return {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True, "SUPPRESSION_THRESHOLD": 1}


@pytest.fixture
def kresna(app):
    office = offices.create_office(**offices.KRESNA)
    importing.import_services(office, "KRS.csv", (SERVICES / "KRS.csv").read_bytes(), actor=None)
    db.session.commit()
    return office


def test_a_case_about_a_service_and_a_rating_reach_the_commissions_report(
    app, kresna, new_page, log_in
):
    sketch = db.session.scalar(select(Service).where(Service.name.startswith(SKETCH)))
    assert sketch is not None and sketch.category == "property_land"

    # The desk: the category first, then the service found by typing in Latin letters.
    desk = new_page(viewport=(1024, 768))
    log_in(desk, make_user(Role.DESK, office=kresna))
    desk.goto("/desk/new")
    desk.select_option("#category", "property_land")
    desk.fill("#description", "Чака скица на имота си от месец, срокът е 7 дни.")
    desk.check("#anonymous")
    desk.locator("#service-block summary").click()
    search = desk.get_by_label("Търсене на услуга")
    search.fill("skitsa za nedvizh")
    search.press("Enter")  # the first service found; the focus goes to the list
    expect(desk.locator("#service")).to_be_focused()
    expect(desk.locator("#service")).to_have_value(sketch.code)
    desk.get_by_label("Просрочен законов срок").check()
    desk.click("#submit-intake")
    reference = desk.locator("#receipt-reference").inner_text().strip()
    record = db.session.scalar(select(StatRecord).order_by(StatRecord.id.desc()).limit(1))
    assert (record.service_id, record.service_problems) == (
        sketch.id,
        PROBLEM_BITS["term_exceeded"],
    )
    desk.goto(f"/cases/{reference}")
    expect(desk.locator("#case-service")).to_contain_text(SKETCH)
    expect(desk.locator("#case-service-problems")).to_contain_text("Просрочен законов срок")
    # The coordinator changing it on the case page: Enter takes the service found, not
    # the one already chosen (which stays in the list). Unsaved: the case stays as it is.
    coordinator = new_page(viewport=(1024, 768))
    log_in(coordinator, make_user(Role.COORDINATOR, office=kresna))
    coordinator.goto(f"/cases/{reference}")
    coordinator.get_by_role("button", name="Услуга на общината").click()
    coordinator.locator("#work-service input[type=search]").fill("naslednitsi")
    coordinator.locator("#work-service input[type=search]").press("Enter")
    chosen = coordinator.locator("#work-service select option:checked")
    expect(chosen).to_contain_text("удостоверение за наследници")

    # The citizen: the poster's address, opened on a phone, and a rating.
    phone = new_page(viewport=(360, 740), is_mobile=True, has_touch=True)
    phone.goto(f"/services/KRS/{sketch.code}/poster")
    address = phone.locator(".poster-address").inner_text().strip()
    phone.goto(re.sub(r"^https?://[^/]+", "", address))
    phone.get_by_label("2 — недоволен/недоволна").check()
    phone.get_by_role("group", name="Изпълнена ли беше в срока по закон?").get_by_label(
        "Не", exact=True
    ).check()
    phone.get_by_role("group", name="Ясно ли беше").get_by_label("Да").check()
    phone.get_by_role("group", name="Учтиви ли бяха служителите?").get_by_label("Да").check()
    phone.get_by_role("group", name="Поискаха ли ви нещо").get_by_label("Не", exact=True).check()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.get_by_role("button", name="Изпрати оценката").click()
    expect(phone.get_by_text("Благодарим! Оценката ви помага")).to_be_visible()
    (rating,) = db.session.scalars(select(ServiceRating)).all()
    assert (rating.satisfaction, rating.within_term) == (2, "no")
    without_adjustment()  # the exact counts, so the page can be read as 1 and 1

    # The commission: the service in the view, and in the report, which prints on A4.
    member = new_page(viewport=(1024, 768))
    log_in(member, make_user(Role.COMMISSION, office=kresna))
    member.goto("/commission/services")
    row = member.locator("#service-lines tbody tr", has_text=SKETCH)
    expect(row).to_be_visible()
    expect(row.locator("td").nth(0)).to_have_text("1")  # inquiries
    expect(row.locator("td").nth(1)).to_have_text("1")  # with a problem
    expect(row.locator("td").nth(3)).to_have_text("1")  # ratings
    expect(row.locator("td").nth(4)).to_have_text("2,00")  # the average
    member.goto("/commission/monitoring")
    expect(member.locator("#monitoring-top")).to_contain_text(SKETCH)
    expect(member.get_by_role("heading", name="Метод")).to_be_visible()
    assert member.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    pdf = member.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
