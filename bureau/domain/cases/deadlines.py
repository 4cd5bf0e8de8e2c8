"""Due dates in working days: no weekends, no Bulgarian public holidays."""

from datetime import date, timedelta
from functools import cache

import holidays
from dateutil.relativedelta import relativedelta


@cache
def _bulgarian_holidays(year: int) -> holidays.HolidayBase:
    # The package knows the Orthodox Easter and the moved holidays of each year.
    return holidays.country_holidays("BG", years=[year - 1, year, year + 1])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bulgarian_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the start day itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end ≤ start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count


def due_date(received_on: date, *, response_days: int, response_months: int | None) -> date:
    """The response deadline; where a law sets months, the month term moved to a working day."""
    if response_months:
        due = received_on + relativedelta(months=response_months)
        while not is_working_day(due):
            due += timedelta(days=1)
        return due
    return add_working_days(received_on, response_days)
