"""The intake form by keyboard at phone, tablet and desktop widths: returning-citizen
suggestions never steal the Tab order, Enter saves from a select too, and after a
refused save the focus is on the first field in error."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from bureau.extensions import db
from bureau.models import Inquiry
from tests.factories import make_inquiry, make_user

WIDTHS = [360, 768, 1024]


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        if focused(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never got the focus")


def desk_form(new_page, log_in, width):
    page = new_page(viewport=(width, 900))
    log_in(page, make_user("desk"))
    page.goto("/desk/new")
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_suggestions_do_not_steal_the_tab_order_and_are_reached_by_arrows(new_page, log_in, width):
    first = make_inquiry(citizen={"name": "Георги Петров", "phone": "0877 555 111"})
    page = desk_form(new_page, log_in, width)
    tab_to(page, "name")
    page.keyboard.type("petrov")
    expect(page.locator("#citizen-matches [role=option]")).to_have_count(1)
    expect(page.locator("#citizen-matches-status")).to_contain_text("1")

    # Tab goes on through the form as if no suggestion were shown.
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(focused(page))
    assert order == ["phone", "email", "gender", "age_band"], order

    # Escape hides a list the volunteer does not want; typing on shows it again.
    page.locator("#name").focus()
    page.keyboard.press("Escape")
    expect(page.locator("#citizen-suggest")).to_be_hidden()
    page.keyboard.press("Backspace")
    expect(page.locator("#citizen-matches [role=option]")).to_have_count(1)

    # The suggestion is reached from the name by the arrow keys, and taken with Enter.
    page.keyboard.press("ArrowDown")
    option = page.locator("#citizen-matches [role=option]").first
    expect(option).to_have_attribute("aria-selected", "true")
    active = page.locator("#name").get_attribute("aria-activedescendant")
    assert active == option.get_attribute("id")
    page.keyboard.press("Enter")
    expect(page.locator("#linked-citizen")).to_contain_text("Георги Петров")
    expect(page.locator("#citizen_id")).to_have_value(str(first.citizen_id))
    assert page.url.endswith("/desk/new")  # Enter took the citizen, it did not save


@pytest.mark.parametrize("width", WIDTHS)
def test_enter_saves_while_a_select_has_the_focus(new_page, log_in, width):
    page = desk_form(new_page, log_in, width)
    page.select_option("#category", "local_taxes")
    page.fill("#description", "Пита за данък сгради.")
    page.fill("#name", "Мария Иванова")
    page.check("#consent")
    page.locator("#urgency").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/desk/receipt/KRS-\d{4}-\d{5}$"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_after_a_refused_save_the_focus_is_on_the_first_field_in_error(new_page, log_in, width):
    page = desk_form(new_page, log_in, width)
    page.select_option("#category", "local_taxes")
    page.fill("#name", "Мария Иванова")
    page.locator("#submit-intake").click()  # no description, no consent
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#description")).to_be_focused()

    page.fill("#description", "Пита за данък сгради.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#error-summary")).to_contain_text("съгласие")
    expect(page.locator("#consent")).to_be_focused()


def test_the_open_suggestion_list_passes_axe(new_page, log_in):
    from tests.e2e.test_accessibility import assert_accessible

    make_inquiry(citizen={"name": "Георги Петров", "phone": "0877 555 111"})
    page = new_page(bypass_csp=True)
    log_in(page, make_user("desk"))
    page.goto("/desk/new")
    page.locator("#name").type("petrov")
    page.locator("#name").press("ArrowDown")
    expect(page.locator("#citizen-matches [role=option]")).to_have_count(1)
    assert_accessible(page, "intake form with the suggestions open")
