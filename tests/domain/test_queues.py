"""One definition of "overdue" and "unassigned": the coordinator's dashboard, the case list's
filters, the expert's queues and the commission's figure count the same cases."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bureau.domain import clock, statistics, taxonomy
from bureau.domain.cases import deadlines, lifecycle, queues, search
from bureau.domain.cases.search import CaseFilters
from bureau.domain.statistics import Filters, Period, records
from bureau.extensions import db
from bureau.models import Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office, without_adjustment


def past_due():
    return clock.sofia_today() - timedelta(days=10)


def well_ahead():
    return deadlines.add_working_days(clock.sofia_today(), 10)


@pytest.fixture
def people(app):
    office = make_office()
    taxonomy.get_category("health").pause_when_waiting = True  # local_taxes does not pause
    db.session.commit()
    return {
        "office": office,
        "coordinator": make_coordinator(office),
        "expert": make_expert(office, categories=["local_taxes", "health"]),
    }


def case_in(people, status, due, category="local_taxes"):
    case = move_to(make_inquiry(category=category), status, coordinator=people["coordinator"],
                   expert=people["expert"])  # fmt: skip
    case.due_date = due
    records.sync(case, clock.sofia_today())
    db.session.commit()
    return case


def listed_total(user, filters: CaseFilters) -> int:
    query = search.cases(user, filters, clock.sofia_today(), through_citizens=True).order_by(None)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def test_dashboard_case_list_and_commission_count_the_same_overdue_cases(people):
    for _ in range(3):
        case_in(people, Status.NEW, past_due())
    for _ in range(2):
        case_in(people, Status.IN_PROGRESS, past_due())
    case_in(people, Status.WAITING, past_due())  # local_taxes: waiting does not stop the clock
    case_in(people, Status.WAITING, past_due(), category="health")  # paused: not overdue
    case_in(people, Status.RESOLVED, past_due())  # late, but no longer open
    for _ in range(2):
        case_in(people, Status.IN_PROGRESS, well_ahead())
    without_adjustment()
    office, coordinator = people["office"], people["coordinator"]

    board = queues.coordinator_queues(coordinator, clock.sofia_today())
    listed = listed_total(coordinator, CaseFilters(overdue=True))
    commission = statistics.dashboard(
        [office.id],
        Period.year(clock.sofia_today().year),
        Filters(),
        k=1,
        today=clock.sofia_today(),
    )
    assert board["overdue"].total == listed == commission.figures["overdue"].count == 6
    assert board["unassigned"].total == listed_total(coordinator, CaseFilters(unassigned=True))
    assert board["unassigned"].total == 3
    assert commission.figures["open"].count == 9


def test_the_lifecycle_rule_is_the_rule_of_the_queries(people):
    made = [
        case_in(people, Status.WAITING, past_due()),
        case_in(people, Status.WAITING, past_due(), category="health"),
        case_in(people, Status.IN_PROGRESS, past_due()),
        case_in(people, Status.IN_PROGRESS, clock.sofia_today()),
        case_in(people, Status.CLOSED, past_due()),
    ]
    expected = {c.reference for c in made if lifecycle.is_overdue(c, clock.sofia_today())}
    query = search.cases(people["coordinator"], CaseFilters(overdue=True), clock.sofia_today())
    assert {c.reference for c in db.session.scalars(query)} == expected
    assert len(expected) == 2


def test_queues_show_real_totals_beyond_the_rows_they_list(people):
    for _ in range(queues.ROWS + 5):
        case_in(people, Status.IN_PROGRESS, past_due())
    overdue = queues.coordinator_queues(people["coordinator"], clock.sofia_today())["overdue"]
    assert overdue.total == queues.ROWS + 5
    assert len(overdue.items) == queues.ROWS


def test_the_experts_queues_sorted_by_deadline(people):
    expert = people["expert"]
    soon = deadlines.add_working_days(clock.sofia_today(), 2)
    later = case_in(people, Status.ASSIGNED, well_ahead())
    sooner = case_in(people, Status.ASSIGNED, soon)
    due_soon = case_in(people, Status.IN_PROGRESS, clock.sofia_today())
    late = case_in(people, Status.IN_PROGRESS, past_due())
    waiting = case_in(people, Status.WAITING, well_ahead(), category="health")
    case_in(people, Status.RESOLVED, soon)  # done: in no queue
    other = make_expert(people["office"], categories=["local_taxes"])
    move_to(make_inquiry(), Status.ASSIGNED, coordinator=people["coordinator"], expert=other)
    mine = queues.expert_queues(expert, clock.sofia_today())
    assert list(mine) == ["to_accept", "due_soon", "overdue", "waiting"]
    assert [c.reference for c in mine["to_accept"].items] == [sooner.reference, later.reference]
    assert [c.reference for c in mine["due_soon"].items] == [due_soon.reference, sooner.reference]
    assert [c.reference for c in mine["overdue"].items] == [late.reference]
    assert [c.reference for c in mine["waiting"].items] == [waiting.reference]
    assert mine["to_accept"].total == 2
