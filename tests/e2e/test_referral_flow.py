"""A referral that comes back: the expert refers a case, the institution opens the link
from the delivered e-mail on a phone, answers to the outcome, the expert sees it."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bureau.domain import jobs
from bureau.extensions import db
from bureau.models import Institution, Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office

pytest_plugins = ["tests.smtp"]

SUMMARY = "Г-н Петров търси преизчисляване на пенсията си; съгласен е да го потърсите."
NOTE = "ВЪТРЕШНО: синът му се обажда вместо него"


@pytest.fixture
def app_config(smtp_server) -> dict:
    return {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True, **smtp_server.app_config()}


def deliver_mail(app) -> None:
    with app.app_context():
        jobs.run()
        db.session.remove()


def test_the_institution_answers_a_referral_on_a_phone(app, new_page, log_in, smtp_server):
    office = make_office()
    coordinator, expert = make_coordinator(office), make_expert(office)
    case = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    noi = db.session.scalar(
        select(Institution).where(Institution.office_id == office.id, Institution.code == "noi")
    )
    noi.email = "noi-blagoevgrad@example.bg"
    db.session.commit()
    reference, noi_id = case.reference, noi.id

    # The expert refers the case, with the citizen's consent and a summary to share.
    page = new_page()
    log_in(page, expert)
    page.goto(f"/cases/{reference}")
    page.get_by_role("button", name="Насочване към институция").click()
    expect(page.locator("#work-referral")).to_have_class(re.compile(r"\bshow\b"))
    page.select_option("#work-referral select[name=institution]", str(noi_id))
    page.fill("#work-referral textarea[name=summary]", SUMMARY)
    page.fill("#work-referral textarea[name=note]", NOTE)
    page.check("#work-referral input[name=consent]")
    with page.expect_navigation():
        page.locator("#work-referral button.btn-primary").click()
    expect(page.locator(".referral-state")).to_contain_text("изпратено")

    # The institution's e-mail arrives over SMTP with its link, and no internal note.
    deliver_mail(app)
    (mail,) = [m.text for m in smtp_server.to("noi-blagoevgrad@example.bg")]
    assert NOTE not in mail
    path = re.search(r"/r/[A-Za-z0-9_-]+", mail).group(0)

    phone = new_page(viewport=(360, 740), is_mobile=True, has_touch=True)
    phone.goto(path)
    expect(phone.locator("#referral-summary")).to_have_text(SUMMARY)
    expect(phone.locator("body")).not_to_contain_text("ВЪТРЕШНО")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # no sideways scrolling on a phone
    phone.click("#referral-acknowledge")
    expect(phone.locator(".alert-success")).to_contain_text("Потвърдихте")
    phone.click("#referral-accept")
    expect(phone.locator(".alert-success")).to_contain_text("Приехте")
    phone.select_option("select[name=result]", "resolved")
    phone.fill("textarea[name=outcome]", "Пенсията е преизчислена от 1 януари.")
    phone.click("#referral-report")
    expect(phone.locator("#referral-thanks")).to_be_visible()
    phone.goto(path)
    expect(phone.locator("#referral-gone")).to_be_visible()  # used up

    # The expert is told, and sees the outcome on the case.
    deliver_mail(app)
    assert any(reference in m.text for m in smtp_server.to(expert.email))
    page.goto(f"/cases/{reference}")
    expect(page.locator(".referral-state")).to_contain_text("съобщен е резултат")
    expect(page.locator(".referral-result")).to_contain_text("решен")
    expect(page.locator(".referral-outcome")).to_contain_text("Пенсията е преизчислена")
