"""Nothing typed is lost when the session runs out, in a real browser: the warning before
the idle limit keeps the session, and a reply saved after the end is back on its page,
as typed, after logging in again. The server's clock (sessions.now) and the page's
(Playwright's clock) are moved together."""

import re

import pytest
from playwright.sync_api import expect

from bureau.extensions import db
from bureau.models import Status
from bureau.web.common import sessions
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import PASSWORD, make_inquiry, make_office, make_user

MINUTE = 60
REPLY = "Имате право на целева помощ за отопление; подайте заявление до 31 октомври."


@pytest.fixture
def server_clock(monkeypatch):
    now = [1_800_000_000]
    monkeypatch.setattr(sessions, "now", lambda: now[0])
    return now


def pass_time(page, server_clock, minutes: float) -> None:
    server_clock[0] += int(minutes * MINUTE)
    page.clock.fast_forward(int(minutes * MINUTE * 1000))


def log_in_here(page, user) -> None:
    """Log in on the login page the browser is on (keeping its `next`)."""
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")


@pytest.mark.parametrize("width", [360, 768, 1024])
def test_a_warning_keeps_the_session_and_a_reply_saved_too_late_is_not_lost(
    new_page, log_in, server_clock, width
):
    office = make_office()
    expert = make_expert(office)
    case = move_to(make_inquiry(office), Status.IN_PROGRESS, coordinator=make_coordinator(office),
                   expert=expert)  # fmt: skip
    page = new_page(viewport=(width, 900))
    page.clock.install()
    log_in(page, expert)
    page.goto(f"/cases/{case.reference}")
    page.get_by_role("button", name="Отговор до гражданина").click()
    expect(page.locator("#work-reply")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("#work-reply textarea").fill(REPLY)

    # 28½ minutes of typing: the page warns, "Остани в системата" keeps the session.
    warning = page.locator("#session-warning")
    pass_time(page, server_clock, 28.5)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Сесията ви изтича скоро")
    box = warning.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.locator("#session-stay").click()
    expect(warning).to_be_hidden()
    pass_time(page, server_clock, 10)
    expect(warning).to_be_hidden()

    # Then the volunteer is called away; the session ends, the page says so.
    pass_time(page, server_clock, 31)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Сесията ви изтече")
    page.locator("#work-reply button.btn-primary").click()
    expect(page).to_have_url(re.compile(r"/login\?next=/cases/"))
    expect(page.locator(".alert-info")).to_contain_text("Въведеното е запазено")

    log_in_here(page, expert)
    expect(page).to_have_url(re.compile(rf"/cases/{case.reference}$"))
    expect(page.locator("#work-reply textarea")).to_have_value(REPLY)
    expect(page.locator("#work-reply textarea")).to_be_visible()
    expect(page.locator(".alert-info")).to_contain_text("възстановено")
    page.locator("#work-reply button.btn-primary").click()
    expect(page.locator(".alert-success")).to_contain_text("Отговорът")
    db.session.rollback()
    db.session.refresh(case)
    assert case.public_reply == REPLY


def test_an_intake_saved_after_the_session_ended_is_saved_after_login_with_its_pin(
    page, log_in, server_clock
):
    desk = make_user("desk")
    log_in(page, desk)
    page.goto("/desk/new")
    page.select_option("#category", "local_taxes")
    page.fill("#description", "Пита за данък сгради за наследствен имот.")
    page.fill("#name", "Мария Иванова")
    page.check("#consent")
    server_clock[0] += 45 * MINUTE  # the citizen talked for a long time
    page.locator("#submit-intake").click()
    expect(page).to_have_url(re.compile(r"/login\?next=/desk/new"))
    log_in_here(page, desk)
    expect(page.locator("#description")).to_have_value("Пита за данък сгради за наследствен имот.")
    expect(page.locator("#name")).to_have_value("Мария Иванова")
    page.locator("#submit-intake").click()
    expect(page.locator("#receipt-pin")).to_have_text(re.compile(r"^\s*\d{6}\s*$"))
