"""A desk volunteer logs a walk-in inquiry with the keyboard alone and finds it again."""

import re

from playwright.sync_api import expect

from tests.factories import make_user


def tab_to(page, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element has the focus, as a volunteer would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never got the focus")


def test_desk_logs_walk_in_inquiry_by_keyboard_and_finds_it_by_latin_name(page, log_in):
    log_in(page, make_user("desk"))
    page.goto("/desk/new")

    expect(page.locator("#category")).to_be_focused()
    for _ in range(5):  # the fifth category: "Местни данъци и такси"
        page.keyboard.press("ArrowDown")
    expect(page.locator("#category")).to_have_value("local_taxes")
    tab_to(page, "description")
    page.keyboard.type("Не е получила съобщение за данък сгради за 2026 г.")
    tab_to(page, "name")
    page.keyboard.type("Мария Иванова")
    tab_to(page, "phone")
    page.keyboard.type("0888 123 456")
    tab_to(page, "consent")
    page.keyboard.press("Space")
    tab_to(page, "submit-intake")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/desk/receipt/KRS-\d{4}-\d{5}$"))
    reference = page.locator("#receipt-reference").inner_text().strip()
    expect(page.locator("#receipt-pin")).to_have_text(re.compile(r"^\s*\d{6}\s*$"))
    expect(page.locator(".receipt-qr svg")).to_be_visible()
    expect(page.locator(".receipt")).to_contain_text(f"status?ref={reference}")

    # One keystroke back to a fresh form.
    expect(page.locator("#next-inquiry")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/desk/new$"))
    expect(page.locator("#description")).to_have_value("")

    page.goto("/desk/")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("ivanova")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=reference)).to_be_visible()


def test_intake_form_suggests_a_returning_citizen_and_validation_keeps_what_was_typed(page, log_in):
    from tests.factories import make_inquiry

    desk = make_user("desk")
    first = make_inquiry(citizen={"name": "Георги Петров", "phone": "0877 555 111"})
    log_in(page, desk)
    page.goto("/desk/new")

    page.locator("#name").type("petrov")
    match = page.locator(".citizen-match").first
    expect(match).to_contain_text("Георги Петров")
    match.click()
    expect(page.locator("#linked-citizen")).to_contain_text("Георги Петров")
    expect(page.locator("#citizen_id")).to_have_value(str(first.citizen_id))

    # Submit without a category: the error is in Bulgarian and nothing typed is lost.
    page.locator("#description").fill("Втори въпрос")
    page.locator("#consent").check()
    page.locator("#submit-intake").click()
    expect(page.locator("#error-summary")).to_contain_text("Изберете категория")
    expect(page.locator("#description")).to_have_value("Втори въпрос")
    expect(page.locator("#name")).to_have_value("Георги Петров")
