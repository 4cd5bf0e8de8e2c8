"""Statistics per municipal service: the commission's "Услуги" view, the half-yearly
monitoring report, the public report card and its open data, the network's comparison.

Two sources, both codes only: the StatRecords of cases that name a service (with their
problems as bits) and the citizens' anonymous ratings (ServiceRating). Every count is
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
from datetime import date

from sqlalchemy import and_, case, extract, func, select

from bureau.domain.statistics.periods import Period
from bureau.domain.statistics.suppression import ZERO, Count, Published, publish, publish_figure
from bureau.extensions import db
from bureau.models import PROBLEM_BITS, Service, ServiceKind, ServiceRating, StatRecord

S, R = StatRecord, ServiceRating
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


def board(
    office_ids: list[int], period: Period, *, k: int, group: str = "service"
) -> ServicesBoard:
    """Every table of the services view for the offices and period, suppressed for k."""
    services = {
        str(s.id): s
        for s in db.session.scalars(
            select(Service).where(Service.office_id.in_(office_ids)).order_by(Service.name)
        )
    }
    halves = _trend_halves(period)
    result = ServicesBoard(period, k, group, services=services, halves=halves)
    keyer = _grouping(group, services)
    problems = _problem_counts(office_ids, period, keyer)
    trend = _trend_counts(office_ids, halves, keyer)
    scores, answers = _rating_counts(office_ids, period, keyer)
    # Each table lists what it counts: the lines are the services with inquiries or
    # ratings in the period; the trend, those with inquiries in any of its half-years.
    lines = _rows(group, services, problems, scores)
    rated = _rows(group, services, scores)
    trending = _rows(group, services, trend)
    result.tables = {
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
    result.lines = {row: _line(result.tables, row, k) for row in lines}
    return result


def _grouping(group: str, services: dict[str, Service]):
    """A service id → the row it counts in."""
    if group == "department":
        return lambda service_id: services[str(service_id)].department or ""
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


def _bit(bit: int):
    return S.service_problems.op("&")(bit) != 0


def _count_and_key(condition=None) -> list:
    """count and the sum of cell keys of the records meeting the condition (all: None)."""
    if condition is None:
        return [func.count(), func.coalesce(func.sum(S.cell_key), 0)]
    return [
        func.sum(case((condition, 1), else_=0)),
        func.sum(case((condition, S.cell_key), else_=0)),
    ]


def _problem_counts(office_ids, period: Period, keyer) -> dict[str, dict[str, Count]]:
    conditions = [None, S.service_problems != 0, *[_bit(PROBLEM_BITS[p]) for p in PROBLEMS]]
    columns = [part for condition in conditions for part in _count_and_key(condition)]
    query = (
        select(S.service_id, *columns)
        .where(*_records(office_ids, period.start, period.end))
        .group_by(S.service_id)
    )
    counts: dict[str, dict[str, Count]] = defaultdict(_counts)
    for service_id, *values in db.session.execute(query):
        line = counts[keyer(service_id)]
        for index, column in enumerate(PROBLEM_COLUMNS):
            n, key = values[2 * index], values[2 * index + 1]
            line[column] += Count(int(n or 0), int(key or 0))
    return counts


def _trend_counts(office_ids, halves: list[Period], keyer) -> dict[str, dict[str, Count]]:
    year, month = extract("year", S.received_on), extract("month", S.received_on)
    query = (
        select(S.service_id, year, month, *_count_and_key())
        .where(*_records(office_ids, halves[0].start, halves[-1].end))
        .group_by(S.service_id, year, month)
    )
    counts: dict[str, dict[str, Count]] = defaultdict(_counts)
    for service_id, y, m, n, key in db.session.execute(query):
        half = Period.half(int(y), 1 if int(m) <= 6 else 2)
        counts[keyer(service_id)][half.code] += Count(int(n), int(key))
    return counts


def _rating_counts(office_ids, period: Period, keyer) -> tuple[dict, dict]:
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
        row = keyer(service_id)
        scores[row][str(score)] += Count(int(n), int(key or 0))
        for index, column in enumerate(answers):
            said[row][column] += Count(int(values[2 * index] or 0), int(values[2 * index + 1] or 0))
    return scores, said


def _counts() -> dict:
    return defaultdict(Count)


def _records(office_ids, start: date, end: date) -> list:
    return [
        S.office_id.in_(office_ids),
        S.service_id.is_not(None),
        and_(S.received_on >= start, S.received_on < end),
    ]


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
        term_share=_share(term, inquiries, k),
        problem_share=_share(with_problem, inquiries, k),
        ratings=rated,
        mean=mean,
        satisfied=satisfied,
    )


def _share(part, whole, k: int) -> float | None:
    """part / whole in %, only where both are published and the whole is at least k."""
    if part.suppressed or whole.suppressed or not whole.count or whole.count < k:
        return None
    return round(100 * min(part.count, whole.count) / whole.count, 1)


def network(office_ids: list[int], period: Period, *, k: int) -> dict[str, Published]:
    """Offices side by side: inquiries about services by kind, and by department."""
    query = (
        select(S.office_id, Service.kind, Service.department, *_count_and_key())
        .join(Service, Service.id == S.service_id)
        .where(*_records(office_ids, period.start, period.end))
        .group_by(S.office_id, Service.kind, Service.department)
    )
    by_kind: dict[tuple, Count] = defaultdict(Count)
    by_department: dict[tuple, Count] = defaultdict(Count)
    for office_id, kind, department, n, key in db.session.execute(query):
        count = Count(int(n), int(key))
        by_kind[str(office_id), kind] += count
        by_department[department or "", str(office_id)] += count
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
