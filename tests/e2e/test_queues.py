"""The work queues at 1024 px: the coordinator's badges carry the real totals and lead to
the same list; the expert lands on their four queues, sorted by deadline."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from bureau.domain import clock
from bureau.domain.cases import deadlines
from bureau.extensions import db
from bureau.models import Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry

LAPTOP = (1024, 768)


def test_dashboard_badges_show_the_real_totals(app, new_page, log_in):
    coordinator = make_coordinator()
    today = clock.sofia_today()
    for _ in range(23):
        make_inquiry().due_date = today - timedelta(days=4)
    db.session.commit()
    page = new_page(viewport=LAPTOP)
    log_in(page, coordinator)
    page.goto("/cases/dashboard")
    overdue = page.locator("#queue-overdue")
    expect(overdue.locator(".queue-total")).to_have_text("23")
    expect(overdue.locator("li.list-group-item")).to_have_count(20)
    expect(overdue.locator("li").first).to_contain_text("просрочен с 4 дни")
    # The three queues sit side by side at this width.
    boxes = [page.locator(f"#queue-{key}").bounding_box() for key in
             ("overdue", "due_soon", "unassigned")]  # fmt: skip
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]
    overdue.get_by_role("link", name="Покажи всички (23)").click()
    expect(page).to_have_url(re.compile(r"/cases/\?.*overdue=1"))
    expect(page.get_by_text("Общо: 23")).to_be_visible()


def test_expert_lands_on_four_queues_sorted_by_deadline(app, new_page, log_in):
    coordinator, expert = make_coordinator(), make_expert()
    today = clock.sofia_today()
    later = move_to(make_inquiry(), Status.ASSIGNED, coordinator=coordinator, expert=expert)
    sooner = move_to(make_inquiry(), Status.ASSIGNED, coordinator=coordinator, expert=expert)
    sooner.due_date = deadlines.add_working_days(today, 2)
    late = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    late.due_date = today - timedelta(days=1)
    move_to(make_inquiry(), Status.RESOLVED, coordinator=coordinator, expert=expert)
    db.session.commit()
    page = new_page(viewport=LAPTOP)
    log_in(page, expert)
    page.goto("/")
    headings = page.locator("section h2")
    expect(headings).to_have_count(4)
    expect(headings.nth(0)).to_contain_text("За приемане")
    to_accept = page.locator("#queue-to_accept li a")
    expect(to_accept).to_have_text([sooner.reference, later.reference])
    expect(page.locator("#queue-due_soon li a")).to_have_text([sooner.reference])
    expect(page.locator("#queue-overdue .queue-total")).to_have_text("1")
    expect(page.locator("#queue-overdue li").first).to_contain_text("просрочен с 1 ден")
    expect(page.locator("#queue-waiting")).to_contain_text("Няма случаи, които чакат гражданина.")
    # Two queues a row at 1024 px: nothing is cut off or overlaps.
    first, second = (page.locator(f"#queue-{k}").bounding_box() for k in ("to_accept", "due_soon"))
    assert first["y"] == second["y"] and first["x"] + first["width"] <= second["x"]
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP[0]
