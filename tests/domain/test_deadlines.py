"""Due dates in working days: weekends and Bulgarian public holidays are skipped."""

from datetime import date, datetime

import pytest

from bureau.domain.cases import intake
from bureau.domain.cases.deadlines import (
    add_working_days,
    due_date,
    is_working_day,
    working_days_between,
)
from bureau.domain.cases.intake import IntakeData
from bureau.extensions import db
from tests.factories import make_office


def test_fourteen_working_days_skip_two_weekends():
    # Monday 1 June 2026: no holiday until September.
    assert add_working_days(date(2026, 6, 1), 14) == date(2026, 6, 19)


def test_start_day_itself_is_not_counted():
    assert add_working_days(date(2026, 6, 1), 1) == date(2026, 6, 2)


def test_friday_plus_one_working_day_is_monday():
    assert add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 8)


def test_zero_days_is_the_start_day():
    assert add_working_days(date(2026, 6, 3), 0) == date(2026, 6, 3)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 4, 10), "Good Friday (Orthodox)"),
        (date(2026, 4, 13), "Easter Monday (Orthodox)"),
        (date(2025, 12, 24), "Christmas Eve"),
        (date(2025, 12, 25), "Christmas"),
        (date(2025, 12, 26), "Second day of Christmas"),
        (date(2027, 1, 1), "New Year"),
        (date(2026, 3, 3), "Liberation Day"),
        (date(2026, 5, 6), "St George's Day"),
        (date(2027, 5, 24), "Day of the Slavonic Alphabet"),
        (date(2026, 5, 25), "24 May on a Sunday, moved to Monday"),
    ],
)
def test_bulgarian_public_holidays_are_not_working_days(day, name):
    assert day.weekday() < 5, name
    assert not is_working_day(day), name


@pytest.mark.parametrize(
    "day", [date(2026, 4, 9), date(2026, 4, 14), date(2025, 12, 23), date(2026, 12, 22)]
)
def test_ordinary_weekdays_around_holidays_are_working_days(day):
    assert is_working_day(day)


def test_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 6, 6))
    assert not is_working_day(date(2026, 6, 7))


def test_deadline_across_orthodox_easter_2026_skips_good_friday_and_easter_monday():
    # Thursday 9 April 2026: Good Friday, the weekend and Easter Monday pass.
    assert add_working_days(date(2026, 4, 9), 1) == date(2026, 4, 14)
    # 14 working days: 14–17, 20–24, 27–30 April (13), 1 May a holiday, Monday 4 May.
    assert add_working_days(date(2026, 4, 9), 14) == date(2026, 5, 4)


def test_deadline_across_christmas_and_new_year():
    # Tuesday 23 December 2025: 24–26 Dec holidays, the weekend, 29 and 30 Dec; then
    # 31 Dec and 2 Jan, made non-working by the government, 1 Jan, the weekend.
    assert add_working_days(date(2025, 12, 23), 1) == date(2025, 12, 29)
    assert add_working_days(date(2025, 12, 23), 3) == date(2026, 1, 5)


def test_deadline_across_third_of_march():
    # Monday 2 March 2026; Tuesday 3 March is Liberation Day.
    assert add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 4)


def test_deadline_across_sixth_and_twenty_fourth_of_may():
    assert add_working_days(date(2026, 5, 5), 1) == date(2026, 5, 7)
    assert add_working_days(date(2027, 5, 21), 1) == date(2027, 5, 25)


def test_due_date_in_working_days_uses_the_category_days():
    assert due_date(date(2026, 6, 1), response_days=14, response_months=None) == date(2026, 6, 19)


def test_two_month_term_ending_on_a_working_day_stays():
    assert due_date(date(2026, 6, 2), response_days=14, response_months=2) == date(2026, 8, 3)


def test_two_month_term_ending_on_good_friday_moves_to_the_next_working_day():
    # 10 April 2026 is Good Friday; then the weekend and Easter Monday.
    assert due_date(date(2026, 2, 10), response_days=14, response_months=2) == date(2026, 4, 14)


def test_two_month_term_ending_on_a_saturday_moves_to_monday():
    assert due_date(date(2026, 6, 6), response_days=14, response_months=2) == date(2026, 8, 6)
    assert due_date(date(2026, 6, 8), response_days=14, response_months=2) == date(2026, 8, 10)


def test_two_month_term_from_the_end_of_a_month_stays_in_the_shorter_month():
    # 31 December + 2 months is 28 February (a Sunday in 2027) → Monday 1 March.
    assert due_date(date(2026, 12, 31), response_days=14, response_months=2) == date(2027, 3, 1)


def test_working_days_between_counts_after_start_up_to_and_including_end():
    assert working_days_between(date(2026, 6, 1), date(2026, 6, 5)) == 4
    assert working_days_between(date(2026, 6, 1), date(2026, 6, 8)) == 5


def test_working_days_between_skips_holidays():
    assert working_days_between(date(2026, 4, 9), date(2026, 4, 14)) == 1


def test_working_days_between_is_zero_when_end_is_not_after_start():
    assert working_days_between(date(2026, 6, 5), date(2026, 6, 5)) == 0
    assert working_days_between(date(2026, 6, 5), date(2026, 6, 1)) == 0


def test_working_days_between_inverts_add_working_days():
    start = date(2026, 12, 20)
    for days in (1, 5, 14, 30):
        assert working_days_between(start, add_working_days(start, days)) == days


def _log(category: str, now: datetime):
    office = make_office()
    data = IntakeData(category=category, description="Срок.", anonymous=True)
    inquiry, _pin = intake.log_inquiry(data, office=office, actor=None, now=now)
    db.session.commit()
    return inquiry


def test_inquiry_gets_fourteen_working_days_by_default(app):
    inquiry = _log("local_taxes", datetime(2026, 4, 9, 8, 0))
    assert inquiry.due_date == date(2026, 5, 4)


def test_corruption_signal_gets_two_months_ending_on_a_working_day(app):
    inquiry = _log("corruption_signal", datetime(2026, 2, 10, 8, 0))
    assert inquiry.due_date == date(2026, 4, 14)
    assert is_working_day(inquiry.due_date)


def test_policy_proposal_gets_two_months(app):
    inquiry = _log("policy_proposal", datetime(2026, 6, 2, 8, 0))
    assert inquiry.due_date == date(2026, 8, 3)


def test_deadline_counts_from_the_sofia_day_of_receipt(app):
    # 21:30 UTC on Thursday 9 April is already Friday 10 April (Good Friday) in Sofia.
    inquiry = _log("local_taxes", datetime(2026, 4, 9, 21, 30))
    assert inquiry.due_date == add_working_days(date(2026, 4, 10), 14)


def test_edited_response_days_apply_to_new_inquiries(app):
    from bureau.domain import taxonomy

    taxonomy.update_category(taxonomy.get_category("local_taxes"), response_days=5)
    db.session.commit()
    inquiry = _log("local_taxes", datetime(2026, 6, 1, 8, 0))
    assert inquiry.due_date == date(2026, 6, 8)
