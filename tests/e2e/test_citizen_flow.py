"""A citizen on a phone asks online, checks the status, and says how it went; the desk types
in a paper form for another case; the satisfaction figures follow."""

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from bureau.domain.cases import feedback
from bureau.extensions import db
from bureau.models import Inquiry, OutboxMessage, StatRecord
from tests.factories import make_inquiry, make_office, make_user


def stat_record(reference: str) -> StatRecord:
    db.session.rollback()  # see what the server committed
    return db.session.scalars(
        select(StatRecord).join(Inquiry).where(Inquiry.reference == reference)
    ).one()


def average_satisfaction() -> float | None:
    db.session.rollback()
    return db.session.scalar(select(func.avg(StatRecord.satisfaction)))


def test_citizen_asks_online_checks_status_and_leaves_feedback(phone_page, new_page, log_in):
    make_office()
    page = phone_page

    # The public home, then the online form.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Бюро за информиране")
    page.locator("#go-ask").click()
    expect(page).to_have_url(re.compile(r"/ask$"))

    # A first try without the consent: the error is in Bulgarian and nothing is lost.
    page.select_option("#category", "local_taxes")
    page.select_option("#settlement", label="Горна Брезница")
    page.fill("#description", "Не съм получила съобщение за данък сгради за 2026 г.")
    page.fill("#name", "Мария Иванова")
    page.fill("#email", "maria@example.com")
    page.locator("#ask-submit").click()
    expect(page.locator("#error-summary")).to_contain_text("Без съгласието ви")
    expect(page.locator("#description")).to_have_value(
        "Не съм получила съобщение за данък сгради за 2026 г."
    )
    page.locator("#consent").check()
    page.locator("#ask-submit").click()

    # The reference and the PIN, shown once (and e-mailed).
    expect(page).to_have_url(re.compile(r"/ask/done$"))
    reference = page.locator("#ask-reference").inner_text().strip()
    assert re.fullmatch(r"KRS-\d{4}-\d{5}", reference)
    pin = page.locator("#ask-pin").inner_text().strip()
    assert re.fullmatch(r"\d{6}", pin)
    db.session.rollback()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.to == "maria@example.com" and pin in message.body_text

    # The status page: the reference comes pre-filled, the PIN is typed.
    page.locator("#check-status").click()
    expect(page.locator("#reference")).to_have_value(reference)
    page.fill("#pin", pin)
    page.locator("#status-submit").click()
    expect(page).to_have_url(re.compile(r"/status/result$"))
    expect(page.locator("#status-label")).to_have_text("ново")
    expect(page.locator("#no-reply")).to_be_visible()
    expect(page.locator("#feedback-form")).to_have_count(0)

    # An expert resolves the case (set directly: the lifecycle is another module's work).
    inquiry = db.session.scalars(select(Inquiry).where(Inquiry.reference == reference)).one()
    inquiry.status = "resolved"
    inquiry.public_reply = "Съобщението е изпратено повторно. Платете до 30 юни."
    token = feedback.issue_link(inquiry)
    db.session.commit()

    page.reload()
    expect(page.locator("#status-label")).to_have_text("решено")
    expect(page.locator("#public-reply")).to_have_text(
        "Съобщението е изпратено повторно. Платете до 30 юни."
    )
    expect(page.locator("#feedback-form")).to_be_visible()

    # The feedback link from the e-mail.
    page.goto(f"/feedback/{token}")
    page.get_by_label("4 — доволен/доволна").check()
    page.locator("#problem_solved").get_by_label("Да").check()
    page.locator("#would_recommend").get_by_label("Да").check()
    page.fill("#comment", "Служителката беше много любезна.")
    page.locator("#feedback-submit").click()
    expect(page.locator("#feedback-thanks")).to_be_visible()

    record = stat_record(reference)
    assert (record.satisfaction, record.problem_solved, record.would_recommend) == (4, "yes", True)
    assert average_satisfaction() == 4

    # The link works once; the status page no longer asks.
    page.goto(f"/feedback/{token}")
    expect(page.locator("#feedback-closed")).to_contain_text("вече е попълнена")
    page.goto("/status/result")
    expect(page.locator("#feedback-form")).to_have_count(0)

    # The desk types in a paper form for another case.
    walk_in = make_inquiry(citizen={"name": "Иван Петров", "phone": "0877 111 222"})
    desk_page = new_page()
    log_in(desk_page, make_user("desk"))
    desk_page.goto(f"/cases/{walk_in.reference}")
    desk_page.locator("#enter-paper-feedback").click()
    desk_page.get_by_label("2 — недоволен/недоволна").check()
    desk_page.locator("#problem_solved").get_by_label("Не", exact=True).check()
    desk_page.locator("#paper-feedback-submit").click()
    expect(desk_page).to_have_url(re.compile(rf"/cases/{walk_in.reference}$"))
    expect(desk_page.locator("#feedback-satisfaction")).to_have_text("2 / 5")

    paper = stat_record(walk_in.reference)
    assert (paper.satisfaction, paper.problem_solved, paper.would_recommend) == (2, "no", None)
    assert average_satisfaction() == 3  # the commission's satisfaction figure: (4 + 2) / 2
