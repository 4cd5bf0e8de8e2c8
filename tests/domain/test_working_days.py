"""Working-day deadlines across Easter, Christmas and a month end; the paused clock."""

from datetime import date

import pytest

from bureau.domain import jobs, taxonomy
from bureau.domain.cases import deadlines, lifecycle
from bureau.domain.cases.deadlines import add_working_days, is_working_day, working_days_between
from bureau.domain.clock import local_now
from bureau.extensions import db
from bureau.models import Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry


@pytest.mark.parametrize(
    "day",
    [date(2026, 4, 10), date(2026, 4, 13), date(2026, 12, 24), date(2026, 12, 25),
     date(2026, 12, 28)],  # 26 Dec 2026 is a Saturday: Monday the 28th is off instead
)  # fmt: skip
def test_orthodox_easter_and_christmas_2026_are_not_working_days(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


def test_orthodox_easter_2026_is_skipped():
    # Thursday 9 April; Good Friday 10, the weekend, Easter Monday 13 → Tuesday 14.
    assert add_working_days(date(2026, 4, 9), 1) == date(2026, 4, 14)
    assert add_working_days(date(2026, 4, 8), 2) == date(2026, 4, 14)
    assert working_days_between(date(2026, 4, 9), date(2026, 4, 13)) == 0


def test_fourteen_working_days_over_easter_2026():
    # 2 April: 3, 6–9 (5), 14–17 (9), 20–24 (14).
    assert add_working_days(date(2026, 4, 2), 14) == date(2026, 4, 24)


def test_christmas_2026_is_skipped():
    # Wednesday 23 December: 24, 25, (26 Sat), 27 Sun, 28 observed → Tuesday 29.
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 29)
    # 29, 30, 31 December; 1 January 2027 a holiday → Monday 4 January.
    assert add_working_days(date(2026, 12, 23), 4) == date(2027, 1, 4)


def test_fourteen_working_days_over_christmas_and_new_year():
    # 14 December 2026: 15–18 (4), 21–23 (7), 29–31 (10), 4–7 January (14).
    assert add_working_days(date(2026, 12, 14), 14) == date(2027, 1, 7)


def test_deadline_crosses_a_month_end():
    # Thursday 29 January 2026: Friday 30, Monday 2 and Tuesday 3 February.
    assert add_working_days(date(2026, 1, 29), 3) == date(2026, 2, 3)
    # Friday 30 October 2026 + 14: November has no holiday → Thursday 19 November.
    assert add_working_days(date(2026, 10, 30), 14) == date(2026, 11, 19)


def test_deadline_from_the_last_day_of_february():
    assert add_working_days(date(2027, 2, 26), 1) == date(2027, 3, 1)
    # 2 March, then 3 March (Liberation Day) is skipped.
    assert add_working_days(date(2027, 2, 26), 3) == date(2027, 3, 4)


def test_two_month_term_from_a_month_end_lands_on_a_working_day():
    # 31 March + 2 months is Sunday 31 May 2026 → Monday 1 June.
    assert deadlines.due_date(date(2026, 3, 31), response_days=14, response_months=2) == date(
        2026, 6, 1
    )


def test_the_inquiry_due_date_follows_the_category(app):
    case = make_inquiry(category="local_taxes")
    received_in_sofia = local_now(case.received_at).date()
    assert case.due_date == add_working_days(received_in_sofia, 14)
    signal = make_inquiry(category="corruption_signal")
    assert signal.due_date == deadlines.due_date(
        local_now(signal.received_at).date(), response_days=14, response_months=2
    )


@pytest.fixture
def waiting_case(app):
    """A case in progress whose category pauses the clock while waiting on the citizen."""
    category = taxonomy.get_category("local_taxes")
    category.pause_when_waiting = True
    coordinator, expert = make_coordinator(), make_expert()
    case = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    case.due_date = date(2026, 4, 20)
    db.session.commit()
    return case, expert


def test_waiting_on_the_citizen_moves_the_due_date_by_the_working_days_spent(waiting_case):
    case, expert = waiting_case
    lifecycle.transition(case, Status.WAITING, actor=expert, today=date(2026, 4, 8))
    assert case.waiting_since == date(2026, 4, 8)
    # Back on Wednesday 15 April: 9, 14 and 15 April were working days (10–13 were not).
    lifecycle.transition(case, Status.IN_PROGRESS, actor=expert, today=date(2026, 4, 15))
    db.session.commit()
    assert case.waiting_since is None
    assert case.due_date == add_working_days(date(2026, 4, 20), 3) == date(2026, 4, 23)


def test_waiting_over_a_weekend_only_moves_nothing(waiting_case):
    case, expert = waiting_case
    lifecycle.transition(case, Status.WAITING, actor=expert, today=date(2026, 4, 17))
    lifecycle.transition(case, Status.IN_PROGRESS, actor=expert, today=date(2026, 4, 19))
    assert case.due_date == date(2026, 4, 20)


def test_resolving_straight_from_waiting_also_restarts_the_clock(waiting_case):
    case, expert = waiting_case
    lifecycle.transition(case, Status.WAITING, actor=expert, today=date(2026, 4, 14))
    lifecycle.transition(
        case,
        Status.RESOLVED,
        actor=expert,
        outcome="advice_given",
        summary="Гражданинът донесе документите.",
        today=date(2026, 4, 16),
    )
    assert case.waiting_since is None
    assert case.due_date == date(2026, 4, 22)


def test_a_paused_case_is_not_overdue_and_gets_no_reminder(waiting_case):
    case, expert = waiting_case
    lifecycle.transition(case, Status.WAITING, actor=expert, today=date(2026, 4, 14))
    db.session.commit()
    assert not lifecycle.is_overdue(case, date(2026, 5, 20))
    assert jobs.send_overdue_reminders(date(2026, 5, 20)) == 0


def test_without_the_category_setting_waiting_does_not_stop_the_clock(app):
    coordinator, expert = make_coordinator(), make_expert()
    case = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    case.due_date = date(2026, 4, 20)
    lifecycle.transition(case, Status.WAITING, actor=expert, today=date(2026, 4, 8))
    lifecycle.transition(case, Status.IN_PROGRESS, actor=expert, today=date(2026, 4, 15))
    assert case.waiting_since is None
    assert case.due_date == date(2026, 4, 20)
    assert lifecycle.is_overdue(case, date(2026, 4, 21))
