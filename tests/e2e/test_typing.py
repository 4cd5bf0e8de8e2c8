"""Input the way people type it, in a real browser at phone, tablet and desktop widths:
a live character counter before a limit cuts the text, a reference typed in Cyrillic."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_inquiry, make_office

WIDTHS = [360, 768, 1024]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_online_question_counts_characters_before_the_limit_cuts(new_page, width):
    make_office()
    page = new_page(viewport=(width, 800))
    page.goto("/ask")
    box = page.locator("#description")
    counter = page.locator("#description-counter")
    expect(counter).to_have_text(re.compile(r"^0 / 5000 знака$"))
    assert "description-counter" in box.get_attribute("aria-describedby")

    box.fill("Ред.\n" * 10)
    expect(counter).to_have_text("50 / 5000 знака")  # a line break counts once, as sent

    box.fill("а" * 4700)
    expect(counter).to_have_text("4700 / 5000 знака")
    expect(page.get_by_text("Остават 300 знака.")).to_be_attached()

    # Pasting past the limit: the browser cuts the text, and the page says so.
    box.fill("")
    box.focus()
    page.evaluate(
        """() => {
          const box = document.getElementById("description");
          const data = new DataTransfer();
          data.setData("text/plain", "б".repeat(5200));
          box.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data}));
          box.value = "б".repeat(5000);  // what the browser's maxlength keeps
          box.dispatchEvent(new Event("input"));
        }"""
    )
    expect(counter).to_have_text("5000 / 5000 знака")
    expect(page.get_by_text("Поставеният текст е съкратен до 5000 знака.")).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_case_pages_reply_counts_characters_too(page, log_in):
    from tests.casework import make_coordinator

    office = make_office()
    coordinator = make_coordinator(office)
    case = make_inquiry(office)
    log_in(page, coordinator)
    page.goto(f"/cases/{case.reference}")
    page.get_by_role("button", name="Отговор до гражданина").click()
    box = page.locator("#work-reply textarea")
    box.fill("Отговор.")
    expect(page.locator("#work-reply .char-counter")).to_have_text("8 / 5000 знака")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_citizen_checks_the_status_with_the_reference_typed_in_cyrillic(new_page, width):
    inquiry = make_inquiry()
    code, year, number = inquiry.reference.split("-")
    page = new_page(viewport=(width, 800))
    page.goto("/status")
    page.locator("#reference").type(f"КРС {year} {int(number)}")
    page.locator("#pin").type(inquiry.pin)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/status/result$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(inquiry.reference)
