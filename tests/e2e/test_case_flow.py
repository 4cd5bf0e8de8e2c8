"""From the desk to the citizen's inbox: log → assign → accept → note → reply → resolve."""

import re

import pytest
from playwright.sync_api import expect

from bureau.domain import experts, jobs
from bureau.extensions import db
from tests.factories import make_user

pytest_plugins = ["tests.smtp"]


@pytest.fixture
def app_config(smtp_server) -> dict:
    return {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True, **smtp_server.app_config()}


def deliver_mail(app) -> None:
    with app.app_context():
        jobs.run()
        db.session.remove()


def bodies_to(smtp_server, address: str) -> list[str]:
    return [message.text for message in smtp_server.to(address)]


def open_section(page, title: str, selector: str) -> None:
    """Open an accordion section of the case page and wait until its animation has ended."""
    page.get_by_role("button", name=title).click()
    expect(page.locator(selector)).to_have_class(re.compile(r"\bshow\b"))


def test_inquiry_travels_from_desk_to_expert_to_the_citizens_inbox(
    app, new_page, log_in, smtp_server
):
    desk, coordinator = make_user("desk"), make_user("coordinator")
    expert = make_user("expert", name="Елена Експертова")
    experts.update_profile(
        expert, affiliation="ngo", organisation="НПО", capacity=10, on_leave_until=None,
        category_ids=[],
    )  # fmt: skip
    db.session.commit()

    # The desk logs a walk-in inquiry for a citizen who left an e-mail address.
    page = new_page()
    log_in(page, desk)
    page.goto("/desk/new")
    page.select_option("#category", "social_assistance")
    page.fill("#description", "Пита за целева помощ за отопление.")
    page.fill("#name", "Стоянка Петрова")
    page.fill("#email", "stoyanka@example.bg")
    page.check("#consent")
    page.click("#submit-intake")
    reference = page.locator("#receipt-reference").inner_text().strip()

    # The coordinator assigns it to the suggested expert with one click.
    coordinator_page = new_page()
    log_in(coordinator_page, coordinator)
    coordinator_page.goto(f"/cases/{reference}")
    expect(coordinator_page.locator("#assign-panel")).to_contain_text("препоръчан")
    coordinator_page.locator(f"button.assign-expert[data-expert='{expert.email}']").click()
    expect(coordinator_page.locator(".alert-success")).to_contain_text("възложен")

    # The expert's e-mail arrives over SMTP and links to the case.
    deliver_mail(app)
    (assignment_mail,) = bodies_to(smtp_server, expert.email)
    path = re.search(r"/cases/[A-Z]+-\d{4}-\d{5}", assignment_mail).group(0)

    expert_page = new_page()
    log_in(expert_page, expert)
    expert_page.goto(path)
    expert_page.click("#accept-case")
    expect(expert_page.locator(".badge.status-in_progress").first).to_be_visible()

    open_section(expert_page, "Вътрешна бележка", "#work-note")
    expert_page.fill("#work-note textarea", "ВЪТРЕШНО: провери в ДСП дали има решение.")
    with expert_page.expect_navigation():
        expert_page.locator("#work-note button.btn-primary").click()
    expect(expert_page.locator(".alert-success")).to_contain_text("Бележката")
    open_section(expert_page, "Отговор до гражданина", "#work-reply")
    reply = "Имате право на целева помощ; подайте заявление до 31.12."
    expert_page.fill("#work-reply textarea", reply)
    with expert_page.expect_navigation():
        expert_page.locator("#work-reply button.btn-primary").click()
    expect(expert_page.locator(".alert-success")).to_contain_text("Отговорът")

    resolve = expert_page.locator("form:has(input[name=to][value=resolved])")
    resolve.locator("select[name=outcome]").select_option("advice_given")
    resolve.locator("textarea[name=summary]").fill("Консултация за целевата помощ.")
    resolve.locator("button").click()
    expect(expert_page.locator(".badge.status-resolved").first).to_be_visible()

    # The citizen gets the public reply — and never the internal note.
    deliver_mail(app)
    (citizen_mail,) = bodies_to(smtp_server, "stoyanka@example.bg")
    assert "Имате право на целева помощ" in citizen_mail
    assert "ВЪТРЕШНО" not in citizen_mail
    assert reference in citizen_mail
