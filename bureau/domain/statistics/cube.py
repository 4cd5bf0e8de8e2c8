"""The monthly summary of StatRecords (StatCube), and the SQL that counts StatRecords.

A year at a busy office is hundreds of thousands of StatRecords; grouping them a dozen
ways per page view is seconds. The cube holds, per office, month and category, how many
records carry each coded value, so a year's figures read a few thousand rows. It is
kept in step on every ORM change of a StatRecord (same transaction) and rebuilt, in SQL,
for any month whose total disagrees with StatRecord (bulk loads bypass the ORM).
Filters the cube does not hold (settlement, channel, affiliation) count StatRecords live.
"""

import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Date,
    String,
    and_,
    bindparam,
    case,
    cast,
    event,
    extract,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from bureau.domain.statistics import kept
from bureau.domain.statistics.periods import month_start, months_between, next_month
from bureau.domain.statistics.suppression import KEY_SPACE, Count
from bureau.extensions import db
from bureau.models import (
    OPEN_STATUSES,
    PROBLEM_BITS,
    AgeBand,
    Channel,
    Flag,
    Gender,
    Outcome,
    ServiceProblem,
    StatRecord,
)
from bureau.models.stat_summary import StatCube

S = StatRecord
CUBE = StatCube.__table__
FLAGS = tuple(flag.value for flag in Flag)
KEY = ("office_id", "month", "category", "dimension", "value")
CHECK_SECONDS = 600
# (office, month) → when this process last found the month's summary right, per engine
# (an app's database; a test's app is a new one).
_CHECKED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
# Every coded field of StatRecord (it holds nothing else), so a dimension may read any.
COLUMNS = [c for c in StatRecord.__table__.columns if c.name not in ("id", "inquiry_id")]


@dataclass(frozen=True)
class Filters:
    """Optional narrowing of the statistics: settlement (EKATTE), category, channel, affiliation."""

    ekatte: str | None = None
    category: str | None = None
    channel: str | None = None
    affiliation: str | None = None

    @property
    def needs_records(self) -> bool:
        """The cube keeps categories only; other filters count StatRecords directly."""
        return bool(self.ekatte or self.channel or self.affiliation)

    def conditions(self) -> list:
        pairs = [(S.ekatte, self.ekatte), (S.category, self.category), (S.channel, self.channel)]
        pairs.append((S.affiliation, self.affiliation))
        return [column == value for column, value in pairs if value]

    def as_dict(self) -> dict:
        return {
            "settlement": self.ekatte,
            "category": self.category,
            "channel": self.channel,
            "affiliation": self.affiliation,
        }


def _text(column):
    return func.coalesce(cast(column, String), "")


@dataclass(frozen=True)
class Dimension:
    """One coded dimension of the statistics, declared once. `sql` gives a record's value
    from the columns of a query and `python` from one record (the summary is kept by both:
    SQL rebuilds it, the ORM listeners below keep it in step); `counts` says which records
    count (None: every one; where `python` gives None the record does not count either).
    `rows` makes it a one-way table of the dashboard: its codes in order, or a function of
    the codes found; `whole_office` keeps a table to the whole office (never a village)."""

    name: str
    sql: Callable
    python: Callable[[Mapping], str | None]
    counts: Callable | None = None
    rows: Sequence[str] | Callable | None = None
    whole_office: bool = False

    def table_rows(self, found) -> list[str]:
        return list(self.rows(found) if callable(self.rows) else self.rows)


def coded(name: str, column: str, rows=None, **options) -> Dimension:
    """A code every record has (never null)."""
    return Dimension(name, lambda c: c[column], lambda r: r[column], rows=rows, **options)


def optional(name: str, column: str, rows=None, *, number: bool = False) -> Dimension:
    """A code or a number only some records have (null: not counted)."""

    def sql(c):
        return _text(c[column]) if number else c[column]

    def python(r):
        return None if r[column] is None else str(r[column])

    return Dimension(name, sql, python, lambda c: c[column].is_not(None), rows=rows)


def _deadline_sql(c):
    return case((c.resolved_on <= c.due_on, "on_time"), else_="late")


def _deadline(r):
    if r["resolved_on"] is None or r["due_on"] is None:
        return None
    return "on_time" if r["resolved_on"] <= r["due_on"] else "late"


def _open(r):
    if r["status"] not in OPEN_STATUSES:
        return None
    return f"{r['status']}|{r['due_on'].isoformat() if r['due_on'] else ''}"


def _recommend(r):
    return None if r["would_recommend"] is None else ("yes" if r["would_recommend"] else "no")


def _flag(flag: str, name: str | None = None) -> Dimension:
    """Records where a yes/no field is yes."""
    return Dimension(
        name or "flag:" + flag,
        lambda c: None,
        lambda r: "" if r[flag] else None,
        lambda c: c[flag].is_(True),
    )


def _service(name: str, bit: int | None = None) -> Dimension:
    """The service a case is about (its id), counted where the case names one — and, with
    `bit`, only where it records that problem (0: any problem)."""

    def sql(c):
        return _text(c.service_id)

    def counts(c):
        named = c.service_id.is_not(None)
        if bit is None:
            return named
        return and_(
            named, (c.service_problems != 0) if bit == 0 else c.service_problems.op("&")(bit) != 0
        )

    def python(r):
        if r["service_id"] is None:
            return None
        problems = r["service_problems"] or 0
        if bit is not None and not (problems if bit == 0 else problems & bit):
            return None
        return str(r["service_id"])

    return Dimension(name, sql, python, counts)


# The services' dimensions: "service", "service:any" and one per problem ("service:term").
SERVICE_DIMENSIONS = {
    "inquiries": "service",
    "with_problem": "service:any",
    **{problem.value: f"service:{problem.name.lower()}" for problem in ServiceProblem},
}

# Everything the statistics count, in the dashboard's order. A new dimension is one entry
# here (and, for a column StatRecord lacks, a migration).
DIMENSIONS = [
    Dimension("all", lambda c: None, lambda r: ""),
    Dimension("ekatte", lambda c: func.coalesce(c.ekatte, ""), lambda r: r["ekatte"] or ""),
    coded("channel", "channel", [c.value for c in Channel]),
    coded("gender", "gender", [g.value for g in Gender], whole_office=True),
    coded("age_band", "age_band", [a.value for a in AgeBand], whole_office=True),
    *[_flag(flag) for flag in FLAGS],
    optional("affiliation", "affiliation"),
    optional("outcome", "outcome", [o.value for o in Outcome]),
    optional("referral", "referral_institution", sorted),
    optional("days", "resolution_days", number=True),
    Dimension("deadline", _deadline_sql, _deadline,
              lambda c: and_(c.resolved_on.is_not(None), c.due_on.is_not(None)),
              rows=("on_time", "late")),
    Dimension("open", lambda c: c.status + "|" + _text(c.due_on), _open,
              lambda c: c.status.in_(OPEN_STATUSES)),
    optional("satisfaction", "satisfaction", ("1", "2", "3", "4", "5"), number=True),
    optional("solved", "problem_solved", ("yes", "partly", "no")),
    Dimension("recommend", lambda c: case((c.would_recommend, "yes"), else_="no"), _recommend,
              lambda c: c.would_recommend.is_not(None), rows=("yes", "no")),
    # The answers library: resolved at the first contact; answered with the library
    # ("library"; by category, see category_counts) and with which answer.
    _flag("first_contact", "first_contact"),
    Dimension("library", lambda c: None, lambda r: "" if r["answer_id"] else None,
              lambda c: c.answer_id.is_not(None)),
    optional("answer", "answer_id", number=True),
    _service("service"),
    _service("service:any", 0),
    *[_service(f"service:{p.name.lower()}", PROBLEM_BITS[p.value]) for p in ServiceProblem],
]  # fmt: skip
# The dashboard's own: the services' are read by statistics/services.py.
DASHBOARD = [
    d.name for d in DIMENSIONS if d.name != "all" and not d.name.startswith(("service", "answer"))
]
TABLES = [d for d in DIMENSIONS if d.rows is not None]


def dimensions(c) -> list[tuple[str, object, object]]:
    """(dimension, coded value, which records count) over the columns `c` of StatRecords."""
    return [(d.name, d.sql(c), d.counts(c) if d.counts else None) for d in DIMENSIONS]


def record_pairs(row) -> list[tuple[str, str]]:
    """What one StatRecord adds to its month's summary, from the same declarations."""
    return [(d.name, value) for d in DIMENSIONS if (value := d.python(row)) is not None]


def _records(where: list):
    """The StatRecords to count, read once (a materialised CTE) for all the GROUP BYs."""
    return select(*COLUMNS).where(*where).cte("records").prefix_with("MATERIALIZED")


def _selects(records, keys: list, *, dims=None) -> list:
    """One GROUP BY per dimension over the records."""
    selects = []
    for name, value, condition in dimensions(records.c):
        if dims is not None and name not in dims:
            continue
        label = cast(literal(name), String(20))
        shown = cast(literal(""), String(60)) if value is None else value
        group = [*keys] + ([] if value is None else [value])
        query = select(
            *keys,
            label.label("dimension"),
            shown.label("value"),
            func.count(),
            _key_sum(records.c.cell_key),
        )
        if condition is not None:
            query = query.where(condition)
        selects.append(query.select_from(records).group_by(*group))
    return selects


def _key_sum(column):
    """The sum of the records' cell keys (see anonymisation: counts and keys add alike)."""
    return func.coalesce(func.sum(column), 0)


class _month_of(FunctionElement):
    """The first day of a date's month, in SQL (each engine says it its own way)."""

    type = Date()
    inherit_cache = True


@compiles(_month_of)
def _month_of_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(_month_of, "postgresql")
def _month_of_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


def rebuild(office_id: int, start: date, end: date | None = None) -> None:
    """Count the office's StatRecords again, into the cube (in SQL): of the month `start`,
    or of every month from `start` up to `end` in one statement."""
    end = end or next_month(start)
    records = _records([S.office_id == office_id, S.received_on >= start, S.received_on < end])
    month = _month_of(records.c.received_on).label("month")
    keys = [records.c.office_id, month, records.c.category]
    try:
        with db.session.begin_nested():
            db.session.execute(
                CUBE.delete().where(
                    CUBE.c.office_id == office_id, CUBE.c.month >= start, CUBE.c.month < end
                )
            )
            db.session.execute(
                CUBE.insert().from_select(
                    [*KEY, "n", "key_sum"], union_all(*_selects(records, keys))
                )
            )
            kept.changed(db.session.connection(), [office_id])
    except IntegrityError:
        pass  # another request rebuilt the month at the same moment; its rows stand


def rebuild_all(office_ids: list[int]) -> int:
    """Recount every month that has StatRecords (after a bulk load), an office at a time;
    the office-months done."""
    done = 0
    for office_id in office_ids:
        first, last = db.session.execute(
            select(func.min(S.received_on), func.max(S.received_on)).where(S.office_id == office_id)
        ).one()
        if first:
            start, end = month_start(first), next_month(last)
            rebuild(office_id, start, end)
            done += len(months_between(start, end))
    return done


def ensure_current(office_ids: list[int], start: date, end: date) -> None:
    """Rebuild every month of the range whose cube total differs from its StatRecords.

    ORM changes keep the cube exact; this catches writes that bypass the ORM (bulk
    loads). Counting a busy office's year takes tens of milliseconds, so each month is
    checked at most every CHECK_SECONDS per application process.
    """
    checked = _CHECKED.setdefault(db.engine, {})
    now = time.monotonic()
    months = [
        month
        for month in months_between(start, end)
        if any(now - checked.get((o, month), -CHECK_SECONDS) >= CHECK_SECONDS for o in office_ids)
    ]
    if not months:
        return
    actual: dict[tuple[int, date], int] = {}
    for month in months:
        rows = db.session.execute(
            select(S.office_id, func.count())
            .where(S.office_id.in_(office_ids), S.received_on >= month)
            .where(S.received_on < next_month(month))
            .group_by(S.office_id)
        )
        actual.update({(office_id, month): n for office_id, n in rows})
    cached = {
        (office_id, month): n
        for office_id, month, n in db.session.execute(
            select(CUBE.c.office_id, CUBE.c.month, func.sum(CUBE.c.n))
            .where(CUBE.c.office_id.in_(office_ids), CUBE.c.dimension == "all")
            .where(CUBE.c.month.in_(months))
            .group_by(CUBE.c.office_id, CUBE.c.month)
        )
    }
    stale = {key for key in set(actual) | set(cached) if actual.get(key, 0) != cached.get(key, 0)}
    for key in sorted(stale):
        rebuild(*key)
    # A rebuilt month is checked again next time: its rebuild may yet be rolled back.
    checked.update({(o, m): now for o in office_ids for m in months if (o, m) not in stale})


def monthly_totals(office_ids, start: date, end: date, filters: Filters) -> list[tuple]:
    """(office_id, month, category, Count): how many inquiries each month and category."""
    if filters.needs_records:
        year, month = extract("year", S.received_on), extract("month", S.received_on)
        where = [*_range(office_ids, start, end), *filters.conditions()]
        query = (
            select(S.office_id, year, month, S.category, func.count(), _key_sum(S.cell_key))
            .where(*where)
            .group_by(S.office_id, year, month, S.category)
        )
        rows = db.session.execute(query)
        return [(o, date(int(y), int(m), 1), c, _count(n, k)) for o, y, m, c, n, k in rows]
    ensure_current(office_ids, start, end)
    query = select(CUBE.c.office_id, CUBE.c.month, CUBE.c.category, CUBE.c.n, CUBE.c.key_sum).where(
        *_cube_range(office_ids, start, end, filters), CUBE.c.dimension == "all", CUBE.c.n != 0
    )
    return [(o, m, c, _count(n, k)) for o, m, c, n, k in db.session.execute(query)]


def value_counts(
    office_ids, start: date, end: date, filters: Filters, dims: list[str] | None = None
) -> list[tuple]:
    """(office_id, dimension, value, Count) over the range: of `dims` (default: the
    dashboard's dimensions)."""
    dims = dims or DASHBOARD
    if filters.needs_records:
        records = _records([*_range(office_ids, start, end), *filters.conditions()])
        query = union_all(*_selects(records, [records.c.office_id], dims=dims))
        return [(o, d, v, _count(n, k)) for o, d, v, n, k in db.session.execute(query)]
    ensure_current(office_ids, start, end)
    n = func.sum(CUBE.c.n)
    query = (
        select(CUBE.c.office_id, CUBE.c.dimension, CUBE.c.value, n, func.sum(CUBE.c.key_sum))
        .where(*_cube_range(office_ids, start, end, filters), CUBE.c.dimension.in_(dims))
        .group_by(CUBE.c.office_id, CUBE.c.dimension, CUBE.c.value)
        .having(n != 0)
    )
    return [(o, d, v, _count(n, k)) for o, d, v, n, k in db.session.execute(query)]


def category_counts(office_ids, start: date, end: date, dimension: str) -> list[tuple]:
    """(category, value, Count) of one dimension over the range, by category."""
    ensure_current(office_ids, start, end)
    n = func.sum(CUBE.c.n)
    query = (
        select(CUBE.c.category, CUBE.c.value, n, func.sum(CUBE.c.key_sum))
        .where(*_cube_range(office_ids, start, end, Filters()), CUBE.c.dimension == dimension)
        .group_by(CUBE.c.category, CUBE.c.value)
        .having(n != 0)
    )
    return [(c, v, _count(n, k)) for c, v, n, k in db.session.execute(query)]


def office_category_counts(office_ids, start: date, end: date) -> list[tuple]:
    """(office_id, category, Count) over the range: the network's offices side by side,
    summed in SQL (by month it is a dozen times the rows)."""
    ensure_current(office_ids, start, end)
    n = func.sum(CUBE.c.n)
    query = (
        select(CUBE.c.office_id, CUBE.c.category, n, func.sum(CUBE.c.key_sum))
        .where(*_cube_range(office_ids, start, end, Filters()), CUBE.c.dimension == "all")
        .group_by(CUBE.c.office_id, CUBE.c.category)
        .having(n != 0)
    )
    return [(o, c, _count(n, k)) for o, c, n, k in db.session.execute(query)]


def open_counts(office_ids, start: date, end: date, filters: Filters) -> list[tuple]:
    """(category, "status|due", Count) of the open cases received in the range: by category
    too, since whether waiting stops the clock is the category's rule."""
    if filters.needs_records:
        value = S.status + "|" + _text(S.due_on)
        where = [*_range(office_ids, start, end), *filters.conditions()]
        query = (
            select(S.category, value, func.count(), _key_sum(S.cell_key))
            .where(*where, S.status.in_(OPEN_STATUSES))
            .group_by(S.category, value)
        )
    else:
        ensure_current(office_ids, start, end)
        query = (
            select(CUBE.c.category, CUBE.c.value, func.sum(CUBE.c.n), func.sum(CUBE.c.key_sum))
            .where(*_cube_range(office_ids, start, end, filters), CUBE.c.dimension == "open")
            .group_by(CUBE.c.category, CUBE.c.value)
            .having(func.sum(CUBE.c.n) != 0)
        )
    return [(c, v, _count(n, k)) for c, v, n, k in db.session.execute(query)]


def _count(n, key_sum) -> Count:
    return Count(int(n), int(key_sum or 0) % KEY_SPACE)


def _range(office_ids, start, end) -> list:
    return [S.office_id.in_(office_ids), S.received_on >= start, S.received_on < end]


def _cube_range(office_ids, start, end, filters: Filters) -> list:
    where = [CUBE.c.office_id.in_(office_ids), CUBE.c.month >= start, CUBE.c.month < end]
    if filters.category:
        where.append(CUBE.c.category == filters.category)
    return where


# Keeping the cube in step with ORM changes, in the same transaction --------------------


# The listeners' two statements, built once: building them anew on every change of a
# StatRecord (32 columns, the upsert's `excluded` alias) was a tenth of an intake's CPU.
_SNAPSHOT = select(*COLUMNS).where(S.id == bindparam("record_id"))


def _upsert(insert):
    statement = insert(CUBE)
    return statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={
            "n": CUBE.c.n + statement.excluded.n,
            "key_sum": CUBE.c.key_sum + statement.excluded.key_sum,
        },
    )


_PG_UPSERT, _SQLITE_UPSERT = _upsert(pg_insert), _upsert(sqlite_insert)


def _snapshot(connection, record_id: int):
    return connection.execute(_SNAPSHOT, {"record_id": record_id}).mappings().one_or_none()


def _counts(row, sign: int = 1) -> dict[tuple, tuple[int, int]]:
    """The cube keys one StatRecord counts towards, with what it adds to n and key_sum."""
    if row is None:
        return {}
    prefix = (row["office_id"], month_start(row["received_on"]), row["category"])
    share = (sign, sign * (row["cell_key"] or 0))
    return {(*prefix, dim, value): share for dim, value in record_pairs(row)}


def _apply(connection, delta: dict[tuple, tuple[int, int]]) -> None:
    changes = [
        dict(zip(KEY, key, strict=True), n=n, key_sum=key_sum)
        for key, (n, key_sum) in sorted(delta.items())
        if n or key_sum
    ]
    if not changes:
        return
    postgresql = connection.dialect.name == "postgresql"
    connection.execute(_PG_UPSERT if postgresql else _SQLITE_UPSERT, changes)


def count_inserted(connection, row) -> None:
    """Count a StatRecord written without the ORM, which its listener below never sees;
    `row`: every column of COLUMNS as the database gave it back."""
    _apply(connection, _net(None, row))
    kept.changed(connection, [row["office_id"]])


@event.listens_for(StatRecord, "after_insert")
def _inserted(_mapper, connection, target) -> None:
    count_inserted(connection, _snapshot(connection, target.id))


@event.listens_for(StatRecord, "before_update")
@event.listens_for(StatRecord, "before_delete")
def _before_change(_mapper, connection, target) -> None:
    connection.info.setdefault("stat_cube_before", {})[target.id] = _snapshot(connection, target.id)


@event.listens_for(StatRecord, "after_update")
@event.listens_for(StatRecord, "after_delete")
def _changed(_mapper, connection, target) -> None:
    before = connection.info.get("stat_cube_before", {}).pop(target.id, None)
    _apply(connection, _net(before, _snapshot(connection, target.id)))


def _net(before, after) -> dict[tuple, tuple[int, int]]:
    """What the change did to the cube: the record added to each key gained, taken from
    each key lost (a key both before and after nets to nothing)."""
    delta = dict(_counts(after))
    for key, (n, key_sum) in _counts(before, -1).items():
        was = delta.get(key, (0, 0))
        delta[key] = (was[0] + n, was[1] + key_sum)
    return delta
