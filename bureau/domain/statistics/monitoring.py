"""The half-yearly monitoring report: the commission's external monitoring of how the
municipality provides its services, put before the council.

Built from the services view's figures (statistics.services.board), never counted again
another way, so the report and the view always agree: the services with most problems
in the half-year, each indicator beside the half-year before, what changed after the
recommendations that name a service, and the method — sources, counts and the
disclosure rule — in the report's own numbers.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from bureau.domain.statistics import cube, services
from bureau.domain.statistics.cube import Filters
from bureau.domain.statistics.periods import Period
from bureau.domain.statistics.suppression import Cell, Count, publish
from bureau.extensions import db
from bureau.models import Office, Recommendation, RecommendationStatus

TOP = 10


@dataclass(frozen=True)
class Change:
    """A service named by a recommendation: its figures before the recommendation and now."""

    recommendation: Recommendation
    service: str  # the service's id as text
    before_period: Period
    before: services.Line | None
    now: services.Line | None


@dataclass
class MonitoringReport:
    office: Office
    period: Period
    previous: Period
    threshold: int
    current: services.ServicesBoard
    before: services.ServicesBoard
    departments: services.ServicesBoard
    top: list[services.Line] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    cases: Cell | None = None  # every inquiry of the half-year (for the method section)

    @property
    def about_services(self) -> Cell:
        return self.current.tables["problems"].column_totals[0]

    @property
    def ratings(self) -> Cell:
        return self.current.tables["ratings"].total

    def previous_line(self, code: str) -> services.Line | None:
        return self.before.lines.get(code)


def report(office: Office, period: Period, *, k: int) -> MonitoringReport:
    """The report of the office for the period (a half-year), suppressed for k."""
    previous = period.previous()
    current = services.board([office.id], period, k=k)
    result = MonitoringReport(
        office=office,
        period=period,
        previous=previous,
        threshold=k,
        current=current,
        before=services.board([office.id], previous, k=k),
        departments=services.board([office.id], period, k=k, group="department"),
        top=[line for line in current.ranked(TOP) if line.with_problem.count],
        cases=_all_cases(office.id, period, k),
    )
    result.changes = _changes(office, period, current, k)
    return result


def _all_cases(office_id: int, period: Period, k: int) -> Cell:
    """Every inquiry of the period, counted as the dashboard counts it (the summary)."""
    monthly = cube.monthly_totals([office_id], period.start, period.end, Filters())
    total = sum((counted for _office, _month, _category, counted in monthly), Count())
    table = publish("cases", ["all"], ["n"], [[total]], k, row_totals=False)
    return table.cells[0][0]


def _changes(office: Office, period: Period, current, k: int) -> list[Change]:
    """Each service a public recommendation names: the half-year before it was submitted
    beside the report's half-year (a recommendation submitted after the period is left
    for the next report)."""
    by_code = {s.code: code for code, s in current.services.items()}
    query = (
        select(Recommendation)
        .where(
            Recommendation.office_id == office.id,
            Recommendation.status != RecommendationStatus.DRAFT.value,
            Recommendation.submitted_on.is_not(None),
            Recommendation.submitted_on < period.end,
        )
        .order_by(Recommendation.submitted_on, Recommendation.id)
    )
    boards: dict[Period, services.ServicesBoard] = {}
    changes = []
    for recommendation in db.session.scalars(query):
        before_period = _half_before(recommendation.submitted_on)
        for service_code in recommendation.services or []:
            row = by_code.get(service_code)
            if row is None:
                continue
            if before_period not in boards:
                boards[before_period] = services.board([office.id], before_period, k=k)
            before = boards[before_period].lines.get(row)
            changes.append(
                Change(recommendation, row, before_period, before, current.lines.get(row))
            )
    return changes


def _half_before(day: date) -> Period:
    """The whole half-year before the one the day falls in."""
    return Period.half_of(day).previous()
