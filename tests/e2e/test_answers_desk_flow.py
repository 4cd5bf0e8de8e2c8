"""The desk answers a question at once, by keyboard only, on a 1024 px tablet: the category
brings the library's answers beside the form, one is printed in a new tab, and the inquiry
is logged resolved at the first contact with that answer."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from bureau.domain.answers import library
from bureau.extensions import db
from bureau.models import Inquiry, Role, StatRecord, Status
from tests.factories import make_answer, make_office, make_user


def focus_text(page) -> str:
    return page.evaluate("(document.activeElement && document.activeElement.textContent) || ''")


def tab_until(page, text: str, *, back: bool = False, limit: int = 60) -> None:
    """Tab (or Shift+Tab) until the focused element says `text`."""
    for _ in range(limit):
        if focus_text(page).strip() == text:
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{text!r} never got the focus")


def test_the_desk_prints_an_answer_and_logs_the_inquiry_resolved_at_once(new_page, log_in):
    office = make_office()
    answer = make_answer(
        office,
        title="Данък сгради: как и къде се плаща",
        body="Плаща се до **30 юни** с 5 % отстъпка.\n\n- в касата на общината\n- по банков път",
        place="Общинска администрация, ет. 1, гише 3",
        shared=True,
    )
    coordinator = make_user(Role.COORDINATOR, office=office)
    library.set_local_part(answer, office, "Касата работи 8:30–17:00.", actor=coordinator)
    db.session.commit()
    page = new_page(viewport=(1024, 900))
    log_in(page, make_user(Role.DESK, office=office))
    page.goto("/desk/new")
    expect(page.locator("#category")).to_be_focused()

    # The category, chosen with the arrow keys, brings its answers beside the form.
    values = page.eval_on_selector_all("#category option", "options => options.map(o => o.value)")
    for _ in range(values.index("local_taxes")):
        page.keyboard.press("ArrowDown")
    panel = page.locator("#answer-suggestions")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Данък сгради: как и къде се плаща")
    expect(page.locator("#answer-suggestions-status")).to_contain_text("1")

    page.keyboard.press("Tab")  # the subcategory
    page.keyboard.press("Tab")
    expect(page.locator("#description")).to_be_focused()
    page.keyboard.type("Пита докога се плаща данък сгради.")

    # Printed for the citizen: the print view opens in a new tab.
    tab_until(page, "Печат")
    with page.expect_popup() as opened:
        page.keyboard.press("Enter")
    sheet = opened.value
    sheet.wait_for_load_state()
    expect(sheet).to_have_url(re.compile(rf"/answers/{answer.id}/print$"))
    expect(sheet.locator("h1")).to_have_text("Данък сгради: как и къде се плаща")
    expect(sheet.locator("main")).to_contain_text("Касата работи 8:30–17:00.")
    expect(sheet.locator("main li")).to_have_count(2)
    sheet.close()

    # An anonymous inquiry, then "answered at once" with that answer.
    page.bring_to_front()
    for _ in range(40):
        if page.evaluate("document.activeElement.id") == "anonymous":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#anonymous")).to_be_checked()
    tab_until(page, "Отговорено на място с този отговор", back=True)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/desk/receipt/KRS-\d{4}-\d{5}$"))
    expect(page.locator("#receipt-answer")).to_contain_text("Данък сгради: как и къде се плаща")
    db.session.rollback()
    case = db.session.scalar(select(Inquiry))
    assert case.status == Status.RESOLVED and case.outcome == "information_provided"
    assert case.answer_id == answer.id
    record = db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == case.id))
    assert record.first_contact and record.answer_id == answer.id
