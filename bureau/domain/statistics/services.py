"""Statistics per municipal service: the commission's "Услуги" view, the half-yearly
monitoring report, the public report card and its open data, the network's comparison.

Two sources, both codes only: the StatRecords of cases that name a service (with their
problems as bits), read through the monthly summary (cube.SERVICE_DIMENSIONS), and the
citizens' anonymous ratings (ServiceRating). Every count is
perturbed by its own records' cell keys and every table suppressed for k, exactly as the
dashboard's (suppression.publish); a share or an average is given only where every count
it rests on is published and at least k. Comments are never read here.

The tables, by service or by department (rows), in the same shapes:
- `problems`: inquiries, inquiries reporting any problem, and each problem — problems
  are multi-valued, so a row has no total; columns have theirs.
- `trend`: inquiries by half-year, the period's half-years and the three before.
- `ratings`: ratings by satisfaction 1–5, with totals both ways (a rating has one score).
- `answers`: ratings answering "not within the term", "requirements unclear", "staff
  not courteous", "asked to pay beyond the fee" (each answer its own column, no row total).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from bureau.domain.statistics import kept
from bureau.domain.statistics.cube import (
    SERVICE_DIMENSIONS,
    Filters,
    value_counts,
)
from bureau.domain.statistics.periods import Period
from bureau.domain.statistics.suppression import ZERO, Count, Published, publish, publish_figure
from bureau.domain.statistics.tables import part_of
from bureau.extensions import db
from bureau.models import PROBLEM_BITS, Service, ServiceKind, ServiceRating

R = ServiceRating
PROBLEMS = tuple(PROBLEM_BITS)
PROBLEM_COLUMNS = ("inquiries", "with_problem", *PROBLEMS)
SCORES = ("1", "2", "3", "4", "5")
ANSWER_COLUMNS = ("late", "unclear", "discourteous", "extra_payment")
GROUPS = ("service", "department")
TREND_HALVES = 4


@dataclass(frozen=True)
class Line:
    """One service's (or department's) figures beside its published counts."""

    code: str  # the service's id as text, or the department's name
    inquiries: object  # Cell
    with_problem: object
    term_share: float | None  # % of inquiries reporting the term exceeded
    problem_share: float | None  # % of inquiries reporting any problem
    ratings: object  # Cell: how many ratings
    mean: float | None  # satisfaction 1–5
    satisfied: float | None  # % rating 4 or 5


@dataclass
class ServicesBoard:
    period: Period
    threshold: int
    group: str  # "service" | "department"
    services: dict[str, Service] = field(default_factory=dict)  # id as text → service
    tables: dict[str, Published] = field(default_factory=dict)
    lines: dict[str, Line] = field(default_factory=dict)
    halves: list[Period] = field(default_factory=list)

    def ranked(self, limit: int | None = None) -> list[Line]:
        """Lines by published inquiries with a problem, most first; hidden counts last."""

        def key(line: Line):
            count = line.with_problem.count
            order = 0 if count else (1 if count is None else 2)  # published, hidden, none
            return (order, -(count or 0), -(line.inquiries.count or 0), line.code)

        lines = sorted(self.lines.values(), key=key)
        return lines[:limit] if limit else lines


@dataclass(frozen=True)
class Counted:
    """What the database counts once per service (id as text): the problems table's
    columns, inquiries by half-year, ratings by score, and the ratings' answers."""

    problems: dict
    trend: dict
    scores: dict
    answers: dict

    def by(self, keyer) -> "Counted":
        """The same counts gathered into other rows (a department: its services')."""
        return Counted(*(_regroup(part, keyer) for part in vars(self).values()))


def count(office_ids: list[int], period: Period) -> Counted:
    """Count the offices' cases and ratings of the period (and the cases of the trend's
    half-years) per service, whichever way the rows are grouped after: the cases from
    the monthly summary (cube.SERVICE_DIMENSIONS), the ratings from their table. Kept
    until the offices' figures change (kept.remembered)."""
    return kept.remembered(
        "services.count", office_ids, (period,), lambda: _count(office_ids, period)
    )


def _count(office_ids: list[int], period: Period) -> Counted:
    column = {dimension: name for name, dimension in SERVICE_DIMENSIONS.items()}
    problems: dict[str, dict[str, Count]] = defaultdict(_counts)
    found = value_counts(office_ids, period.start, period.end, Filters(), dims=list(column))
    for _office_id, dimension, service_id, counted in found:
        problems[service_id][column[dimension]] += counted
    trend: dict[str, dict[str, Count]] = defaultdict(_counts)
    inquiries = [SERVICE_DIMENSIONS["inquiries"]]
    for half in _trend_halves(period):
        found = value_counts(office_ids, half.start, half.end, Filters(), dims=inquiries)
        for _office_id, _dimension, service_id, counted in found:
            trend[service_id][half.code] += counted
    scores, answers = _rating_counts(office_ids, period)
    return Counted(problems, trend, scores, answers)


def board(
    office_ids: list[int], period: Period, *, k: int, group: str = "service"
) -> ServicesBoard:
    """Every table of the services view for the offices and period, suppressed for k
    (the tables kept until the offices' figures change; the register read each time)."""
    services = {
        str(s.id): s
        for s in db.session.scalars(
            select(Service).where(Service.office_id.in_(office_ids)).order_by(Service.name)
        )
    }
    halves = _trend_halves(period)
    result = ServicesBoard(period, k, group, services=services, halves=halves)
    result.tables, result.lines = kept.remembered(
        "services.board",
        office_ids,
        (period, k, group),
        lambda: _tables(office_ids, period, k, group, services, halves),
    )
    return result


def _tables(office_ids, period: Period, k: int, group: str, services, halves) -> tuple[dict, dict]:
    counted = count(office_ids, period).by(_grouping(group, services))
    problems, trend, scores, answers = (
        counted.problems,
        counted.trend,
        counted.scores,
        counted.answers,
    )
    # Each table lists what it counts: the lines are the services with inquiries or
    # ratings in the period; the trend, those with inquiries in any of its half-years.
    lines = _rows(group, services, problems, scores)
    rated = _rows(group, services, scores)
    trending = _rows(group, services, trend)
    tables = {
        "problems": publish(
            f"{group}_problems",
            lines,
            PROBLEM_COLUMNS,
            [[problems[r][c] for c in PROBLEM_COLUMNS] for r in lines],
            k,
            row_totals=False,
        ),
        "trend": publish(
            f"{group}_trend",
            trending,
            [h.code for h in halves],
            [[trend[r][h.code] for h in halves] for r in trending],
            k,
            row_totals=False,
        ),
        "ratings": publish(
            f"{group}_ratings", rated, SCORES, [[scores[r][s] for s in SCORES] for r in rated], k
        ),
        "answers": publish(
            f"{group}_answers",
            rated,
            ANSWER_COLUMNS,
            [[answers[r][a] for a in ANSWER_COLUMNS] for r in rated],
            k,
            row_totals=False,
        ),
    }
    return tables, {row: _line(tables, row, k) for row in lines}


def _regroup(counts: dict, keyer) -> dict:
    grouped: dict[str, dict[str, Count]] = defaultdict(_counts)
    for service_id, line in counts.items():
        target = grouped[keyer(service_id)]
        for column, value in line.items():
            target[column] += value
    return grouped


def _grouping(group: str, services: dict[str, Service]):
    """A service's id (as text) → the row it counts in."""
    if group == "department":
        return lambda service_id: services[service_id].department or ""
    return str


def _rows(group, services, *counted) -> list[str]:
    """The rows with anything counted in any of `counted`, in the register's order
    (services by name, departments by name)."""
    present = set().union(*(c.keys() for c in counted))
    if group == "department":
        return sorted(present, key=lambda d: (d == "", d.casefold()))
    return [code for code in services if code in present]


def _trend_halves(period: Period) -> list[Period]:
    """The period's half-years and the ones before, TREND_HALVES in all."""
    halves = period.halves()
    while len(halves) < TREND_HALVES:
        first = halves[0]
        before = first.previous()
        halves.insert(0, Period(before.start, before.end, "half"))
    return halves[-max(TREND_HALVES, len(period.halves())) :]


def _rating_counts(office_ids, period: Period) -> tuple[dict, dict]:
    answers = {
        "late": R.within_term == "no",
        "unclear": R.clear_requirements == "no",
        "discourteous": R.courteous == "no",
        "extra_payment": R.extra_payment == "yes",
    }
    columns = []
    for condition in answers.values():
        columns += [
            func.sum(case((condition, 1), else_=0)),
            func.sum(case((condition, R.cell_key), else_=0)),
        ]
    query = (
        select(R.service_id, R.satisfaction, func.count(), func.sum(R.cell_key), *columns)
        .where(R.office_id.in_(office_ids), R.rated_on >= period.start, R.rated_on < period.end)
        .group_by(R.service_id, R.satisfaction)
    )
    scores: dict[str, dict[str, Count]] = defaultdict(_counts)
    said: dict[str, dict[str, Count]] = defaultdict(_counts)
    for service_id, score, n, key, *values in db.session.execute(query):
        row = str(service_id)
        scores[row][str(score)] += Count(int(n), int(key or 0))
        for index, column in enumerate(answers):
            said[row][column] += Count(int(values[2 * index] or 0), int(values[2 * index + 1] or 0))
    return scores, said


def _counts() -> dict:
    return defaultdict(Count)


def _line(tables: dict[str, Published], row: str, k: int) -> Line:
    problems, ratings = tables["problems"], tables["ratings"]
    cells = problems.cells[problems.rows.index(row)]
    inquiries, with_problem = cells[0], cells[1]
    term = cells[PROBLEM_COLUMNS.index("term_exceeded")]
    if row in ratings.rows:
        i = ratings.rows.index(row)
        scores, rated = ratings.cells[i], ratings.row_totals[i]
    else:
        scores, rated = (ZERO,) * len(SCORES), ZERO
    complete = not rated.suppressed and not any(c.suppressed for c in scores)
    mean = satisfied = None
    if complete and rated.count:
        weighted = sum(int(s) * c.count for s, c in zip(SCORES, scores, strict=True))
        mean = publish_figure(round(weighted / rated.count, 2), rated.count, k)
        happy = scores[3].count + scores[4].count
        satisfied = publish_figure(round(100 * happy / rated.count, 1), rated.count, k)
    return Line(
        code=row,
        inquiries=inquiries,
        with_problem=with_problem,
        term_share=part_of(term, inquiries, k),
        problem_share=part_of(with_problem, inquiries, k),
        ratings=rated,
        mean=mean,
        satisfied=satisfied,
    )


def network(office_ids: list[int], period: Period, *, k: int) -> dict[str, Published]:
    """Offices side by side: inquiries about services by kind, and by department (kept
    until one of the offices' figures changes)."""
    return kept.remembered(
        "services.network", office_ids, (period, k), lambda: _network(office_ids, period, k)
    )


def _network(office_ids: list[int], period: Period, k: int) -> dict[str, Published]:
    registers = {
        str(s.id): s
        for s in db.session.scalars(select(Service).where(Service.office_id.in_(office_ids)))
    }
    found = value_counts(
        office_ids, period.start, period.end, Filters(), dims=[SERVICE_DIMENSIONS["inquiries"]]
    )
    by_kind: dict[tuple, Count] = defaultdict(Count)
    by_department: dict[tuple, Count] = defaultdict(Count)
    for office_id, _dimension, service_id, counted in found:
        service = registers[service_id]
        by_kind[str(office_id), service.kind] += counted
        by_department[service.department or "", str(office_id)] += counted
    offices = [str(o) for o in office_ids]
    kinds = [kind.value for kind in ServiceKind]
    departments = sorted({d for d, _o in by_department}, key=lambda d: (d == "", d.casefold()))
    return {
        "office_kind": publish(
            "office_kind", offices, kinds, [[by_kind[o, c] for c in kinds] for o in offices], k
        ),
        "department_office": publish(
            "department_office",
            departments,
            offices,
            [[by_department[d, o] for o in offices] for d in departments],
            k,
        ),
    }
