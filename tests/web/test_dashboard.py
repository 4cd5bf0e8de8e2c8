"""The coordinator's dashboard over HTTP: real totals on the badges, rows with category and
days overdue, and "show all" links to the case list that lists exactly as many."""

import html
import re
from datetime import timedelta

import pytest

from bureau.domain import clock
from bureau.domain.cases import deadlines
from bureau.domain.statistics import records
from bureau.extensions import db
from bureau.models import Status
from tests.casework import make_coordinator, make_expert, move_to, signed_in
from tests.factories import make_inquiry, make_office


@pytest.fixture
def office(app):
    return make_office()


@pytest.fixture
def coordinator(office):
    return make_coordinator(office)


def late(case, days: int):
    case.due_date = clock.sofia_today() - timedelta(days=days)
    records.sync(case, clock.sofia_today())
    db.session.commit()
    return case


def section(page: str, key: str) -> str:
    found = re.search(rf'<section[^>]*id="queue-{key}".*?</section>', page, re.S)
    assert found, f"no queue {key}"
    return found[0]


def badge(page: str, key: str) -> int:
    return int(re.search(r'queue-total">(\d+)<', section(page, key))[1])


def show_all(page: str, key: str) -> str:
    return html.unescape(re.search(r'class="[^"]*queue-all" href="([^"]+)"', section(page, key))[1])


def list_total(browser, url: str) -> int:
    page = browser.get(url).text
    return int(re.search(r"Общо: (\d+)", page)[1])


def test_badges_show_the_real_totals_and_link_to_the_same_list(app, coordinator):
    for _ in range(30):
        late(make_inquiry(), 3)
    for _ in range(25):
        make_inquiry()
    browser = signed_in(app, coordinator)
    page = browser.get("/cases/dashboard").text
    assert badge(page, "overdue") == 30  # was 20: the rows listed, not the total
    assert badge(page, "unassigned") == 55
    assert list_total(browser, show_all(page, "overdue")) == 30
    assert list_total(browser, show_all(page, "unassigned")) == 55
    assert "overdue=1" in show_all(page, "overdue")
    assert len(re.findall(r"/cases/KRS-", section(page, "overdue"))) == 20


def test_rows_show_category_and_days_overdue(app, coordinator):
    expert = make_expert(categories=["health"])
    case = move_to(make_inquiry(category="health"), Status.IN_PROGRESS,
                   coordinator=coordinator, expert=expert)  # fmt: skip
    late(case, 5)
    page = signed_in(app, coordinator).get("/cases/dashboard").text
    row = section(page, "overdue")
    assert case.reference in row
    assert "Здравно осигуряване и здравеопазване" in row
    assert "просрочен с 5 дни" in row
    assert expert.name in row


def test_due_soon_link_lists_what_the_queue_counts(app, coordinator):
    soon = make_inquiry()
    soon.due_date = deadlines.add_working_days(clock.sofia_today(), 1)
    make_inquiry().due_date = deadlines.add_working_days(clock.sofia_today(), 10)
    db.session.commit()
    browser = signed_in(app, coordinator)
    page = browser.get("/cases/dashboard").text
    assert badge(page, "due_soon") == 1
    url = show_all(page, "due_soon")
    assert "due_soon=1" in url and "sort=due" in url
    listed = browser.get(url).text
    assert soon.reference in listed and list_total(browser, url) == 1


def test_a_dashboard_without_cases_says_so(app, coordinator):
    page = signed_in(app, coordinator).get("/cases/dashboard").text
    assert badge(page, "overdue") == 0
    assert "Няма просрочени случаи." in page
    assert "queue-all" not in section(page, "overdue")


# The expert's landing page


def test_experts_home_shows_four_queues_by_deadline_with_links(app, coordinator):
    expert = make_expert(categories=["local_taxes", "health"])
    to_accept = move_to(make_inquiry(), Status.ASSIGNED, coordinator=coordinator, expert=expert)
    working = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    late(working, 2)
    waiting = move_to(make_inquiry(), Status.WAITING, coordinator=coordinator, expert=expert)
    soon = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    soon.due_date = clock.sofia_today()
    resolved = move_to(make_inquiry(), Status.RESOLVED, coordinator=coordinator, expert=expert)
    db.session.commit()
    browser = signed_in(app, expert)
    page = browser.get("/").text
    assert [badge(page, key) for key in ("to_accept", "due_soon", "overdue", "waiting")] == [
        1, 1, 1, 1,
    ]  # fmt: skip
    assert to_accept.reference in section(page, "to_accept")
    assert working.reference in section(page, "overdue")
    assert "просрочен с 2 дни" in section(page, "overdue")
    assert waiting.reference in section(page, "waiting")
    assert soon.reference in section(page, "due_soon")
    assert resolved.reference not in page
    for key in ("to_accept", "due_soon", "overdue", "waiting"):
        url = show_all(page, key)
        assert "sort=due" in url and "expert=me" in url
        assert list_total(browser, url) == 1, key


def test_other_roles_keep_the_tiles(app, coordinator):
    page = signed_in(app, coordinator).get("/").text
    assert "home-tile" in page and "queue-total" not in page
