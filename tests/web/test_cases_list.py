"""The case list /cases: the filters of DESIGN.md, sorting, pagination, an expert's own
cases by default, and a page that costs the same number of queries for 5 rows or 50."""

import itertools
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from bureau.domain import accounts, clock, taxonomy
from bureau.domain.cases import lifecycle
from bureau.domain.cases.search import CaseFilters
from bureau.extensions import db
from bureau.models import ReferenceCounter, Role, Status
from bureau.web.common import loaders as helpers
from tests.casework import count_statements, make_coordinator, make_expert, move_to, signed_in
from tests.factories import make_inquiry, make_office, make_user

REFERENCE = re.compile(r">([A-Z]{2,8}-\d{4}-\d{5,7})</a>")


@pytest.fixture
def office(app):
    return make_office()


@pytest.fixture
def coordinator(office):
    return make_coordinator(office)


def listed(browser, query: str = "") -> list[str]:
    response = browser.get(f"/cases/{query}")
    assert response.status_code == 200, response.text
    return REFERENCE.findall(response.text)


def refs(*cases) -> set[str]:
    return {c.reference for c in cases}


def test_coordinator_sees_the_offices_cases_newest_first(app, coordinator):
    cases = [make_inquiry() for _ in range(3)]
    make_inquiry(make_office("STR"))
    for hours, case in enumerate(cases):
        case.received_at = datetime(2026, 6, 1, 8) + timedelta(hours=hours)
    db.session.commit()
    assert listed(signed_in(app, coordinator)) == [c.reference for c in reversed(cases)]


def test_status_filter(app, coordinator):
    expert = make_expert()
    new = make_inquiry()
    in_progress = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator,
                          expert=expert)  # fmt: skip
    browser = signed_in(app, coordinator)
    assert listed(browser, "?status=new") == [new.reference]
    assert listed(browser, "?status=in_progress") == [in_progress.reference]
    assert listed(browser, "?status=closed") == []
    assert set(listed(browser, "?status=bogus")) == refs(new, in_progress)  # ignored


def test_category_filter_by_code(app, coordinator):
    taxes = make_inquiry(category="local_taxes")
    health = make_inquiry(category="health")
    browser = signed_in(app, coordinator)
    assert listed(browser, "?category=health") == [health.reference]
    assert listed(browser, "?category=local_taxes") == [taxes.reference]


def test_expert_filter_by_id_and_unassigned(app, coordinator):
    first, second = make_expert(), make_expert()
    mine = move_to(make_inquiry(), Status.ASSIGNED, coordinator=coordinator, expert=first)
    theirs = move_to(make_inquiry(), Status.ASSIGNED, coordinator=coordinator, expert=second)
    unassigned = make_inquiry()
    browser = signed_in(app, coordinator)
    assert listed(browser, f"?expert={first.id}") == [mine.reference]
    assert listed(browser, f"?expert={second.id}") == [theirs.reference]
    assert listed(browser, "?expert=none") == [unassigned.reference]
    assert set(listed(browser, "?expert=")) == refs(mine, theirs, unassigned)


def test_expert_sees_my_cases_by_default(app, coordinator):
    expert, colleague = make_expert(), make_expert()
    mine = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=colleague)
    make_inquiry()
    browser = signed_in(app, expert)
    response = browser.get("/cases/")
    assert "Моите случаи" in response.text
    assert REFERENCE.findall(response.text) == [mine.reference]
    # Asking for everyone, or for the unassigned, still shows only the expert's own cases.
    assert listed(browser, "?expert=") == [mine.reference]
    assert listed(browser, "?expert=none") == []
    assert listed(browser, f"?expert={colleague.id}") == []


def test_expert_me_filter_for_the_coordinator_is_their_own_empty_list(app, coordinator):
    make_inquiry()
    assert listed(signed_in(app, coordinator), "?expert=me") == []


def test_settlement_filter(app, office, coordinator):
    vlahi, oshtava = office.settlements[0], office.settlements[1]
    here = make_inquiry(settlement_id=vlahi.id)
    there = make_inquiry(settlement_id=oshtava.id)
    make_inquiry()
    browser = signed_in(app, coordinator)
    assert listed(browser, f"?settlement={vlahi.id}") == [here.reference]
    assert listed(browser, f"?settlement={oshtava.id}") == [there.reference]
    refused = browser.get("/cases/?settlement=abc")
    assert refused.status_code == 400 and "Невалидна стойност на „settlement“" in refused.text


def test_search_finds_a_cyrillic_name_typed_in_latin(app, coordinator):
    ivanov = make_inquiry(citizen={"name": "Георги Иванов", "phone": "0888123456"})
    make_inquiry(citizen={"name": "Мария Петрова", "phone": "0899000111"})
    browser = signed_in(app, coordinator)
    assert listed(browser, "?q=Ivanov") == [ivanov.reference]
    assert listed(browser, "?q=иванов") == [ivanov.reference]
    assert listed(browser, "?q=0888123456") == [ivanov.reference]
    assert listed(browser, f"?q={ivanov.reference.lower()}") == [ivanov.reference]
    assert listed(browser, "?q=Nobody") == []


def test_search_by_name_and_phone_typed_together(app, coordinator):
    ivanov = make_inquiry(citizen={"name": "Георги Иванов", "phone": "0888123456"})
    make_inquiry(citizen={"name": "Георги Иванов", "phone": "0899000111"})
    browser = signed_in(app, coordinator)
    assert listed(browser, "?q=Георги Иванов 0888 123") == [ivanov.reference]
    assert listed(browser, "?q=ivanov 0888123456") == [ivanov.reference]


def test_overdue_filter(app, coordinator):
    today = clock.sofia_today()
    expert = make_expert()
    late = make_inquiry()
    late.due_date = today - timedelta(days=10)
    on_time = make_inquiry()
    done_late = move_to(make_inquiry(), Status.RESOLVED, coordinator=coordinator, expert=expert)
    done_late.due_date = today - timedelta(days=10)
    db.session.commit()
    browser = signed_in(app, coordinator)
    assert listed(browser, "?overdue=1") == [late.reference]
    assert set(listed(browser, "")) == refs(late, on_time, done_late)


def test_overdue_filter_leaves_out_a_paused_case(app, coordinator):
    taxonomy.get_category("local_taxes").pause_when_waiting = True
    expert = make_expert()
    case = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    lifecycle.transition(case, Status.WAITING, actor=expert)
    case.due_date = clock.sofia_today() - timedelta(days=10)
    db.session.commit()
    assert listed(signed_in(app, coordinator), "?overdue=1") == []


def test_filters_combine(app, coordinator):
    expert = make_expert(categories=["health"])
    target = move_to(make_inquiry(category="health"), Status.ASSIGNED,
                     coordinator=coordinator, expert=expert)  # fmt: skip
    move_to(make_inquiry(category="local_taxes"), Status.ASSIGNED, coordinator=coordinator,
            expert=expert)  # fmt: skip
    make_inquiry(category="health")
    query = f"?status=assigned&category=health&expert={expert.id}"
    assert listed(signed_in(app, coordinator), query) == [target.reference]


def test_sorting_by_due_date_received_and_reference(app, coordinator):
    a, b, c = make_inquiry(), make_inquiry(), make_inquiry()
    a.due_date, b.due_date, c.due_date = date(2026, 7, 3), date(2026, 7, 1), date(2026, 7, 2)
    a.received_at = datetime(2026, 6, 1, 9)
    b.received_at = datetime(2026, 6, 3, 9)
    c.received_at = datetime(2026, 6, 2, 9)
    db.session.commit()
    browser = signed_in(app, coordinator)
    assert listed(browser, "?sort=due") == [b.reference, c.reference, a.reference]
    assert listed(browser, "?sort=-due") == [a.reference, c.reference, b.reference]
    assert listed(browser, "?sort=-received") == [b.reference, c.reference, a.reference]
    assert listed(browser, "?sort=received") == [a.reference, c.reference, b.reference]
    assert listed(browser, "?sort=reference") == [a.reference, b.reference, c.reference]
    assert listed(browser, "?sort=-reference") == [c.reference, b.reference, a.reference]
    assert listed(browser, "?sort=nonsense") == [b.reference, c.reference, a.reference]


def sort_link(page: str, header: str) -> str:
    """The sort a column header's link asks for."""
    found = re.search(rf'sort=(-?\w+)[^"]*">{header}', page)
    assert found, header
    return found.group(1)


def test_the_deadline_header_sorts_the_most_urgent_first_and_then_turns_round(app, coordinator):
    browser = signed_in(app, coordinator)
    make_inquiry()
    page = browser.get("/cases/").text  # newest received first
    assert sort_link(page, "Срок") == "due"  # the nearest deadline first
    assert sort_link(page, "Номер") == "-reference"
    assert sort_link(browser.get("/cases/?sort=due").text, "Срок") == "-due"
    assert sort_link(browser.get("/cases/?sort=-due").text, "Срок") == "due"
    assert sort_link(browser.get("/cases/?sort=-reference").text, "Номер") == "reference"


def test_sort_links_keep_the_filters(app, coordinator):
    make_inquiry(category="health")
    page = signed_in(app, coordinator).get("/cases/?category=health&sort=due").text
    links = re.findall(r'href="(/cases/\?[^"]*sort=[^"]*)"', page)
    assert links
    assert all("category=health" in link for link in links)


def many_cases(office, coordinator, count: int) -> list:
    """Cases with everything a row shows: a citizen, a settlement, an expert."""
    experts = [make_expert(office, name=f"Експерт {n}") for n in range(5)]
    cases = []
    for n in range(count):
        case = make_inquiry(
            office,
            citizen={"name": f"Гражданин Номер{n}", "phone": f"0888{n:06d}"},
            settlement_id=office.settlements[n % len(office.settlements)].id,
            category=["local_taxes", "health", "employment"][n % 3],
        )
        lifecycle.assign(case, expert_id=experts[n % 5].id, actor=coordinator)
        cases.append(case)
    db.session.commit()
    return cases


def test_pagination(app, office, coordinator):
    cases = many_cases(office, coordinator, 53)
    browser = signed_in(app, coordinator)
    first = listed(browser, "?sort=reference")
    second = listed(browser, "?sort=reference&page=2")
    assert len(first) == app.config["PAGE_SIZE"] == 50
    assert first + second == sorted(c.reference for c in cases)
    assert listed(browser, "?sort=reference&page=3") == []
    assert listed(browser, "?sort=reference&page=abc") == first
    assert "53" in browser.get("/cases/").text
    page_two = browser.get("/cases/?sort=reference&page=2&status=assigned").text
    assert "page=1" in page_two and "status=assigned" in page_two


def page_statements(browser, query: str = "?sort=reference") -> list[str]:
    with count_statements() as statements:
        response = browser.get(f"/cases/{query}")
    assert response.status_code == 200
    return statements


def test_no_n_plus_one_the_page_costs_the_same_for_5_rows_and_50(app, office, coordinator):
    many_cases(office, coordinator, 5)
    browser = signed_in(app, coordinator)
    browser.get("/cases/")  # warm up what is loaded once per process
    few = page_statements(browser)
    assert len(REFERENCE.findall(browser.get("/cases/?sort=reference").text)) == 5
    many_cases(office, coordinator, 45)
    many = page_statements(browser)
    assert len(REFERENCE.findall(browser.get("/cases/?sort=reference").text)) == 50
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 12, "\n".join(many)


def test_no_n_plus_one_for_an_expert_either(app, office, coordinator):
    expert = make_expert(office)
    for _ in range(3):
        move_to(make_inquiry(citizen={"name": "Иван", "phone": "0888 100 200"}), Status.ASSIGNED,
                coordinator=coordinator, expert=expert)  # fmt: skip
    browser = signed_in(app, expert)
    browser.get("/cases/")
    few = page_statements(browser, "")
    for _ in range(12):
        move_to(make_inquiry(citizen={"name": "Петър", "phone": "0899 100 200"}), Status.ASSIGNED,
                coordinator=coordinator, expert=expert)  # fmt: skip
    assert len(page_statements(browser, "")) == len(few)


def test_desk_sees_the_list_of_the_office(app, coordinator):
    case = make_inquiry()
    assert listed(signed_in(app, make_user(Role.DESK)), "") == [case.reference]


def test_commission_cannot_see_the_list(app):
    assert signed_in(app, make_user(Role.COMMISSION)).get("/cases/").status_code == 403


def test_a_six_digit_reference_is_found_whole(app, coordinator):
    first = make_inquiry(coordinator.office)
    db.session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.office_id == first.office_id)
        .values(last=123_455)
    )
    late = make_inquiry(coordinator.office)
    assert late.reference.endswith("-123456")
    assert listed(signed_in(app, coordinator), f"?q={late.reference.lower()}") == [late.reference]


def test_totals_stop_at_the_cap_lower_for_a_search_and_say_so(app, coordinator, monkeypatch):
    monkeypatch.setattr(helpers, "COUNT_CAP", 4)
    monkeypatch.setattr(helpers, "SEARCH_COUNT_CAP", 2)
    for _ in range(5):
        make_inquiry(coordinator.office, citizen={"name": "Мария Петрова"})
    browser = signed_in(app, coordinator)
    app.config["PAGE_SIZE"] = 3

    assert "Общо: 4+" in browser.get("/cases/").text
    # The total is never less than the rows listed up to the page.
    assert "Общо: 3+" in browser.get("/cases/?q=petrova").text
    # The last page is not full: it ends the list, so the total is exact.
    assert "Общо: 5<" in browser.get("/cases/?q=petrova&page=2").text
    assert len(listed(browser, "?q=petrova&page=2")) == 2

    token = accounts.issue_api_token(coordinator)
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    found = app.test_client().get("/api/v1/inquiries?q=petrova&per_page=1", headers=bearer).json
    assert (found["total"], found["total_capped"], len(found["items"])) == (2, True, 1)
    api = app.test_client().get("/api/v1/inquiries?q=petrova", headers=bearer).json
    assert (api["total"], api["total_capped"], len(api["items"])) == (5, False, 5)


def test_a_full_page_of_a_total_counted_only_so_far_has_a_next_page(app, coordinator, monkeypatch):
    monkeypatch.setattr(helpers, "SEARCH_COUNT_CAP", 2)
    app.config["PAGE_SIZE"] = 3
    petrovas = [make_inquiry(coordinator.office, citizen={"name": "Мария Петрова"})
                for _ in range(7)]  # fmt: skip
    browser = signed_in(app, coordinator)
    seen = []
    for number in (1, 2, 3):
        page = browser.get(f"/cases/?q=petrova&page={number}").text
        seen += REFERENCE.findall(page)
        following = re.search(r'<li class="page-item( disabled)?">\s*<a class="page-link" '
                              r'href="[^"]*page=(\d+)[^"]*">Следваща', page)  # fmt: skip
        assert following, page
        # Pages 1 and 2 are full: their next page is offered though the count stopped at 2.
        assert (following[1] is None, following[2]) == {1: (True, "2"), 2: (True, "3"),
                                                        3: (False, "3")}[number]  # fmt: skip
        assert {1: "Общо: 3+", 2: "Общо: 6+", 3: "Общо: 7<"}[number] in page  # 3: the end
    assert sorted(seen) == sorted(c.reference for c in petrovas)
    assert "Общо: 2+" in browser.get("/cases/?q=petrova&page=9").text  # past the end


def test_a_receipt_number_finds_that_number_of_every_year_of_the_office_only(app, coordinator):
    from bureau.domain.cases import intake
    from bureau.domain.cases.intake import IntakeData

    office = coordinator.office
    cases = []
    for year in (2025, 2026):
        data = IntakeData(category="local_taxes", description="Въпрос.", anonymous=True)
        case, _pin = intake.log_inquiry(data, office=office, actor=None,
                                        now=datetime(year, 3, 1, 10, 0))  # fmt: skip
        cases.append(case)
    make_inquiry(office)  # KRS-<this year>-00002: another number
    other = make_office("STR")
    make_inquiry(other)  # STR-…-00001: the same number, another office
    db.session.commit()
    browser = signed_in(app, coordinator)
    found = listed(browser, "?q=1")
    assert sorted(found) == sorted(c.reference for c in cases)
    assert listed(browser, "?q=00001&category=health") == []


def test_a_common_name_within_filters_is_counted_among_the_newest_cases(
    app, coordinator, monkeypatch
):
    from bureau.domain import citizens
    from bureau.domain.cases import search

    monkeypatch.setattr(citizens, "COMMON", 2)  # three Petrovas are "many"
    monkeypatch.setattr(search, "SCAN_BUDGET", 7)
    petrovas = [make_inquiry(coordinator.office, citizen={"name": f"Мария Петрова {n}"})
                for n in range(3)]  # fmt: skip
    others = [make_inquiry(coordinator.office, citizen={"name": "Иван Иванов"}) for _ in range(3)]
    browser = signed_in(app, coordinator)
    # The filter's six cases are all read: three Petrovas, counted exactly.
    page = browser.get("/cases/?status=new&q=petrova").text
    assert "Общо: 3<" in page and set(REFERENCE.findall(page)) == refs(*petrovas)
    # Eight cases, one more than the budget: the count says there may be more, but the
    # page, not full, lists every Petrova and so ends the list: its total is exact.
    more = [make_inquiry(coordinator.office, citizen={"name": "Петрова Елена"}) for _ in range(2)]
    assert search.count(coordinator, CaseFilters(status="new", q="petrova"), cap=200) == (5, True)
    page = browser.get("/cases/?status=new&q=petrova").text
    assert "Общо: 5<" in page
    assert set(REFERENCE.findall(page)) == refs(*petrovas, *more)
    assert not refs(*others) & set(REFERENCE.findall(page))


def test_a_common_name_rare_among_the_filtered_cases_is_listed_through_its_citizens(
    app, coordinator, monkeypatch
):
    """Reading the filtered cases newest first until a page of the name is found would
    read all of the office's when the name is rare among them: a page well past what
    counting saw among the newest is read through the name's citizens when they are few
    (citizens.FEW). Either way the same cases in the same order: the pages agree."""
    from bureau.domain import citizens
    from bureau.domain.cases import search

    monkeypatch.setattr(citizens, "COMMON", 2)  # the Petrovas are "many"
    monkeypatch.setattr(citizens, "FEW", 20)  # and few
    monkeypatch.setattr(search, "SCAN_BUDGET", 4)  # counting reads the 5 newest new cases
    app.config["PAGE_SIZE"] = 2
    ways = []
    cases = search.cases

    def spy(user, filters, today=None, *, through_citizens=False):
        if filters.q:
            ways.append("citizens" if through_citizens else "newest first")
        return cases(user, filters, today, through_citizens=through_citizens)

    monkeypatch.setattr(search, "cases", spy)
    office = coordinator.office
    numbers = itertools.count()

    def petrova():
        return make_inquiry(office, citizen={"name": f"Мария Петрова {next(numbers)}"})

    def other():
        return make_inquiry(office, citizen={"name": "Иван Иванов"})

    older = [petrova() for _ in range(5)]
    for _ in range(3):
        other()
    newest = petrova()
    other()
    expert = make_expert(office)
    for _ in range(2):  # the newest Petrovas: assigned, outside the filter
        move_to(petrova(), Status.ASSIGNED, coordinator=coordinator, expert=expert)
    expected = [c.reference for c in [newest, *reversed(older)]]
    all_pages = [expected[0:2], expected[2:4], expected[4:6], []]
    browser = signed_in(app, coordinator)

    def pages(query="?status=new&q=petrova"):
        ways.clear()
        found = [listed(browser, f"{query}&page={n}") for n in (1, 2, 3, 4)]
        return found, ways[:]

    # One Petrova among the five newest: pages 1 and 2 end among or near them (newest
    # first); pages 3 and 4 well past them (through the citizens).
    assert pages() == (all_pages, ["newest first", "newest first", "citizens", "citizens"])

    token = accounts.issue_api_token(coordinator)
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}

    def api(page, per_page):
        ways.clear()
        url = f"/api/v1/inquiries?status=new&q=petrova&per_page={per_page}&page={page}"
        items = app.test_client().get(url, headers=bearer).json["items"]
        return [item["reference"] for item in items], ways[:]

    assert api(3, 2) == (expected[4:6], ["citizens"])
    assert api(1, 1) == (expected[0:1], ["newest first"])

    # A name more than FEW citizens share stays newest first: through them costs more.
    monkeypatch.setattr(citizens, "FEW", 2)
    assert pages() == (all_pages, ["newest first"] * 4)

    # None among the five newest: every page through the citizens if they are few.
    for _ in range(4):
        other()
    assert pages() == (all_pages, ["newest first"] * 4)
    monkeypatch.setattr(citizens, "FEW", 20)
    assert pages() == (all_pages, ["citizens"] * 4)

    # A filter of no more cases than counting reads: it read them all, newest first.
    move_to(other(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    in_progress = move_to(petrova(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    found, used = pages("?status=in_progress&q=petrova")
    assert used == ["newest first"] * 4
    assert found == [[in_progress.reference], [], [], []]


def test_a_filtered_search_asks_once_whether_the_name_is_common(app, coordinator, monkeypatch):
    """The list and its count both choose their way by it; counting a three-word name's
    citizens costs 20 ms at a million cases, so it is asked once a request (here the
    filter holds no more cases than counting reads, so the list asks no further) — and
    asked again once more citizens may share the name."""
    from bureau.domain import citizens

    monkeypatch.setattr(citizens, "COMMON", 2)
    asked = []
    sharing = citizens.sharing
    monkeypatch.setattr(citizens, "sharing", lambda *args: asked.append(1) or sharing(*args))
    petrovas = [make_inquiry(coordinator.office, citizen={"name": f"Мария Петрова {n}"})
                for n in range(2)]  # fmt: skip
    browser = signed_in(app, coordinator)
    page = browser.get("/cases/?status=new&q=petrova").text
    assert len(asked) == 1
    assert "Общо: 2<" in page and set(REFERENCE.findall(page)) == refs(*petrovas)
    # A third Petrova makes the name common: the next request asks anew and counts among
    # the newest filtered cases (no "+" here: all three are read).
    petrovas.append(make_inquiry(coordinator.office, citizen={"name": "Петрова Елена"}))
    page = browser.get("/cases/?status=new&q=petrova").text
    assert len(asked) == 2
    assert "Общо: 3<" in page and set(REFERENCE.findall(page)) == refs(*petrovas)


def test_how_many_citizens_share_a_name_is_counted_once_as_far_as_asked(
    app, coordinator, monkeypatch
):
    from bureau.domain import citizens

    counted = []
    sharing = citizens.sharing
    monkeypatch.setattr(
        citizens, "sharing", lambda ids, upto: counted.append(upto) or sharing(ids, upto)
    )
    office = coordinator.office
    for n in range(4):
        make_inquiry(office, citizen={"name": f"Мария Петрова {n}"})
    assert citizens.sharing_search(office.id, "petrova", 2) == 3  # no further than 3
    assert citizens.sharing_search(office.id, "petrova", 1) == 2  # far enough: kept
    assert citizens.sharing_search(office.id, "petrova", 10) == 4  # further: exact
    assert citizens.sharing_search(office.id, "petrova", 20) == 4  # exact: kept
    assert counted == [2, 10]
    db.session.commit()  # the next transaction may see new citizens: asked anew
    assert citizens.sharing_search(office.id, "petrova", 20) == 4
    assert counted == [2, 10, 20]


def test_a_search_counted_from_its_citizens_counts_each_case_once(app, coordinator, monkeypatch):
    from bureau.domain.cases import search

    # Two name words start with "petrov": their citizen's cases meet the join twice.
    twice = [make_inquiry(coordinator.office, citizen={"name": "Мария Петрова Петровска"})
             for _ in range(3)]  # fmt: skip
    once = [make_inquiry(coordinator.office, citizen={"name": "Иван Петров"}) for _ in range(2)]
    make_inquiry(coordinator.office, citizen={"name": "Иван Иванов"})
    db.session.commit()
    petrovs = CaseFilters(q="petrov")
    assert search.count(coordinator, petrovs, cap=200) == (5, False)
    assert search.count(coordinator, petrovs, cap=5) == (5, False)
    assert search.count(coordinator, petrovs, cap=4) == (4, True)
    assert search.count(coordinator, CaseFilters(q="мария петров"), cap=2) == (2, True)
    assert search.count(coordinator, CaseFilters(q="мария петров"), cap=3) == (3, False)
    # Three words with the prefix: twice the cap read, but not past it — counted the other
    # way, still exact.
    for _ in range(2):
        make_inquiry(coordinator.office, citizen={"name": "Стоянова Стояновска Стояновичева"})
    db.session.commit()
    assert search.count(coordinator, CaseFilters(q="stoyanov"), cap=2) == (2, False)
    # An expert counts only their own cases, whichever way.
    expert = make_expert(coordinator.office)
    move_to(once[0], "assigned", coordinator=coordinator, expert=expert)
    assert search.count(expert, petrovs, cap=200) == (1, False)
    found = set(listed(signed_in(app, coordinator), "?q=petrov"))
    assert found == {c.reference for c in twice + once}
