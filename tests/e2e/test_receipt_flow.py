"""The PIN reaches the receipt every time, in a real browser; Back and "Запиши" again makes
no second case (the one-time form token survives the trip back)."""

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from bureau.extensions import db
from bureau.models import Inquiry
from tests.factories import make_office, make_user


def inquiries() -> int:
    db.session.rollback()  # see what the server committed
    return db.session.scalar(select(func.count()).select_from(Inquiry))


def fill_intake(page, description: str = "Пита за данък сгради.") -> None:
    page.select_option("#category", "local_taxes")
    page.fill("#description", description)
    page.fill("#name", "Мария Иванова")
    page.check("#consent")


def test_a_suggestion_answering_after_the_save_with_the_older_cookie_loses_no_pin(page, log_in):
    log_in(page, make_user("desk"))
    page.goto("/desk/new")
    older = next(c for c in page.context.cookies() if c["name"] == "session")

    def save_then_late_answer(route):
        if route.request.method != "POST":
            return route.continue_()
        saved = route.fetch(max_redirects=0)  # the save; its cookie lands in the context
        # A suggestion request sent before the save answers now, with the cookie it was
        # sent with: the browser goes to the receipt holding the older cookie.
        page.context.add_cookies([older])
        route.fulfill(status=303, headers={"Location": saved.headers["location"]})

    page.route("**/desk/new", save_then_late_answer)
    fill_intake(page)
    page.locator("#submit-intake").click()
    expect(page).to_have_url(re.compile(r"/desk/receipt/KRS-\d{4}-\d{5}$"))
    expect(page.locator("#receipt-pin")).to_have_text(re.compile(r"^\s*\d{6}\s*$"))


def test_back_from_the_receipt_and_save_again_shows_the_first_case(page, log_in):
    log_in(page, make_user("desk"))
    page.goto("/desk/new")
    fill_intake(page)
    page.locator("#submit-intake").click()
    expect(page.locator("#receipt-pin")).to_have_text(re.compile(r"^\s*\d{6}\s*$"))
    reference = page.locator("#receipt-reference").inner_text().strip()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/desk/new$"))
    expect(page.locator("#description")).to_have_value("Пита за данък сгради.")
    page.locator("#submit-intake").click()

    expect(page.locator("#receipt-reference")).to_have_text(reference)
    expect(page.locator(".alert-info")).to_contain_text("вече е записано")
    expect(page.locator("#receipt-pin")).not_to_have_text(re.compile(r"\d{6}"))
    assert inquiries() == 1

    # "Ново запитване" starts a new form that does make a new case.
    page.locator("#next-inquiry").click()
    fill_intake(page, "Друг въпрос.")
    page.locator("#submit-intake").click()
    expect(page.locator("#receipt-pin")).to_have_text(re.compile(r"^\s*\d{6}\s*$"))
    assert inquiries() == 2


def test_back_from_the_online_confirmation_and_send_again_makes_no_second_case(phone_page):
    make_office()
    page = phone_page
    page.goto("/ask")
    page.select_option("#category", "local_taxes")
    page.fill("#description", "Не съм получила съобщение за данък сгради.")
    page.locator("#consent").check()
    page.locator("#ask-submit").click()
    expect(page.locator("#ask-pin")).to_have_text(re.compile(r"^\s*\d{6}\s*$"))
    reference = page.locator("#ask-reference").inner_text().strip()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/ask$"))
    page.locator("#ask-submit").click()
    expect(page.locator("#ask-reference")).to_have_text(reference)
    expect(page.locator(".alert-info")).to_contain_text("вече е изпратено")
    assert inquiries() == 1
