"""Statistics periods: whole months, in the bureau's calendar (Europe/Sofia dates)."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError

FIRST_YEAR, LAST_YEAR = 2000, 2100


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def half_number(day: date) -> int:
    """The half-year a day falls in: 1 (January–June) or 2 (July–December)."""
    return 1 if day.month <= 6 else 2


def months_between(start: date, end: date) -> list[date]:
    months, current = [], month_start(start)
    while current < end:
        months.append(current)
        current = next_month(current)
    return months


@dataclass(frozen=True)
class Period:
    """Whole months from `start` (a first day) up to `end` (the first day after)."""

    start: date
    end: date
    kind: str = "custom"

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        start = date(_year(year), _number(month, 12), 1)
        return cls(start, next_month(start), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        start = date(_year(year), 3 * _number(quarter, 4) - 2, 1)
        return cls(start, next_month(next_month(next_month(start))), "quarter")

    @classmethod
    def half(cls, year: int, half: int) -> "Period":
        """January–June (1) or July–December (2): the monitoring report's half-year."""
        start = date(_year(year), 6 * _number(half, 2) - 5, 1)
        return cls(start, date(year + half // 2, 1 if half == 2 else 7, 1), "half")

    @classmethod
    def half_of(cls, day: date) -> "Period":
        """The half-year `day` falls in."""
        return cls.half(day.year, half_number(day))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(_year(year), 1, 1), date(year + 1, 1, 1), "year")

    @classmethod
    def between(cls, first_month: date, last_month: date) -> "Period":
        """From one month to another: a recommendation's evidence period (the statistics
        pages offer calendar months, quarters and years only)."""
        first, last = month_start(first_month), month_start(last_month)
        _year(first.year)
        _year(last.year)
        if last < first:
            raise DomainError(_l("Началният месец е след крайния."), "to")
        if len(months_between(first, next_month(last))) > 60:
            raise DomainError(_l("Периодът може да е най-много 5 години."), "to")
        return cls(first, next_month(last), "custom")

    @property
    def months(self) -> list[date]:
        return months_between(self.start, self.end)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    def previous(self) -> "Period":
        """The period of equal length just before this one."""
        start = self.start
        for _ in self.months:
            start = month_start(date.fromordinal(start.toordinal() - 1))
        return Period(start, self.start, self.kind)

    def halves(self) -> list["Period"]:
        """The half-years the period's months fall in, in order."""
        found = []
        for month in self.months:
            half = Period.half_of(month)
            if half not in found:
                found.append(half)
        return found

    @property
    def code(self) -> str:
        """A half-year as `2026-H1`, a month as `2026-03`; otherwise its first day."""
        if self.kind == "half":
            return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
        if self.kind == "month":
            return self.start.strftime("%Y-%m")
        return self.start.isoformat()

    def running(self, today: date) -> bool:
        """The period has begun and is not over yet."""
        return self.start <= today < self.end

    def completed(self, today: date) -> "Period | None":
        """The months of the period that are over by `today`: the whole period once it has
        ended, none (None) while its first month runs."""
        if not self.running(today):
            return self
        end = month_start(today)
        return Period(self.start, end, "same_months") if end > self.start else None

    def compared_with(self, today: date) -> "Period | None":
        """What the period's figures are set beside. A period that is over: the one just
        before. One still running: its months that are over, a year earlier (January–
        October 2026 against January–October 2025 on 21 November), never a whole period
        beside a part of one, nor a month begun beside a whole one; None while its first
        month runs. Whole months only, like every published period."""
        if not self.running(today):
            return self.previous()
        if (done := self.completed(today)) is None:
            return None
        return Period(_year_earlier(done.start), _year_earlier(done.end), "same_months")

    def as_dict(self) -> dict:
        return {"kind": self.kind, "from": self.start.isoformat(), "to": self.last_day.isoformat()}


def _year_earlier(first_day: date) -> date:
    return first_day.replace(year=first_day.year - 1)


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(_l("Невалидна година."), "year")
    return year


def _number(value: int, highest: int) -> int:
    if not 1 <= value <= highest:
        raise DomainError(_l("Невалиден период."), "period")
    return value
