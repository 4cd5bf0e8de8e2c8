"""Anonymised statistics: the commission's dashboard, the network view and open data.

Every figure is counted in SQL from StatRecords (through the monthly summary, see
summary.py), never from citizens, descriptions or notes, and every table leaves here
through anonymisation.publish with the threshold k the caller passes.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bureau.domain import DomainError
from bureau.domain.cases import lifecycle
from bureau.domain.statistics import kept, referrals
from bureau.domain.statistics.cube import (
    TABLES,
    Filters,
    category_counts,
    monthly_totals,
    office_category_counts,
    open_counts,
    value_counts,
)
from bureau.domain.statistics.periods import Period
from bureau.domain.statistics.suppression import Cell, Count, Published, publish, publish_figure
from bureau.extensions import db
from bureau.models import Category, Channel, Flag, Settlement

__all__ = ["Dashboard", "Filters", "Period", "dashboard", "network", "public_table"]

PUBLIC_GROUPS = ("category", "settlement", "month", "channel", "outcome")
SATISFACTION = ("1", "2", "3", "4", "5")
SOLVED = ("yes", "partly", "no")


@dataclass
class Rise:
    category: str
    previous: int
    current: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def percent(self) -> float:
        return 100 * self.change / self.previous


@dataclass
class Dashboard:
    period: Period
    previous: Period | None  # what the figures are compared with: see Period.compared_with
    filters: Filters
    threshold: int
    running: bool = False  # the period is not over: compared with the same months before
    as_of: date | None = None  # the day the figures were counted
    tables: dict[str, Published] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)
    rates: dict[str, float | None] = field(default_factory=dict)
    rising: list[Rise] = field(default_factory=list)
    compared: Period | None = None  # the months set beside `previous`: Period.completed

    @property
    def demographics(self) -> bool:
        """Gender and age are offered for the whole office only, never for one village."""
        return not self.filters.ekatte


def dashboard(
    office_ids: list[int], period: Period, filters: Filters, *, k: int, today: date
) -> Dashboard:
    """Every table and headline figure of the period, suppressed for threshold k (kept
    until the offices' figures change: the same for every reader of the same day)."""
    return kept.remembered(
        "dashboard",
        office_ids,
        (period, filters, k, today),
        lambda: _dashboard(office_ids, period, filters, k=k, today=today),
    )


def _dashboard(
    office_ids: list[int], period: Period, filters: Filters, *, k: int, today: date
) -> Dashboard:
    previous, compared = period.compared_with(today), period.completed(today)
    monthly = monthly_totals(office_ids, (previous or period).start, period.end, filters)
    values = _by_dimension(value_counts(office_ids, period.start, period.end, filters))
    board = Dashboard(
        period, previous, filters, k, running=period.running(today), as_of=today,
        compared=compared,
    )  # fmt: skip
    categories = _categories({row[2] for row in monthly})
    current = _category_month(monthly, period, categories, k)
    before = _category_month(monthly, previous, categories, k) if previous else None
    # The months set beside `before`: the whole period once it is over; while it runs, the
    # months already over, a table of their own as `before` is (the very figure the same
    # months will be compared with a year later, so nothing new is published).
    now = None
    if before:
        now = current if compared == period else _category_month(monthly, compared, categories, k)
    tables = {"category_month": current}
    settlements = _settlements(office_ids)
    tables["settlement"] = _one_way("settlement", [*settlements, ""], values["ekatte"], k)
    for dimension in TABLES:  # the one-way tables, as cube.DIMENSIONS declares them
        if board.demographics or not dimension.whole_office:
            found = values[dimension.name]
            rows = dimension.table_rows(found)
            tables[dimension.name] = _one_way(dimension.name, rows, found, k)
        if dimension.name == "age_band":
            # A person can be in several groups, so the flags table has no total.
            flags = [[values["flag:" + flag][""]] for flag in Flag]
            tables["flags"] = publish(
                "flags", list(Flag), ["n"], flags, k, row_totals=False, column_totals=False
            )
        if dimension.name == "deadline":
            opened = open_counts(office_ids, period.start, period.end, filters)
            tables["open"] = _one_way("open", ["on_track", "overdue"], _open(opened, today), k)
    if not filters.needs_records:  # the summary keeps categories, not villages or channels
        used = Counts()
        for category, _value, count in category_counts(
            office_ids, period.start, period.end, "library"
        ):
            used[category] += count
        tables["library"] = _one_way("library", categories, used, k)
    tables["first_contact"] = publish(
        "first_contact", ["first_contact"], ["n"], [[values["first_contact"][""]]], k,
        row_totals=False, column_totals=False,
    )  # fmt: skip
    board.tables = tables
    board.rates = _rates(tables["settlement"], settlements)
    board.rising = _rising(now, before)
    board.figures = _figures(tables, now, before, values["days"], k)
    if not filters.needs_records and not filters.category:
        # Referral records keep no category, village or channel: the whole office only.
        made, figures = referrals.tables(office_ids, period.start, period.end, k=k)
        board.tables.update(made)
        board.figures.update(figures)
    return board


def _by_dimension(rows) -> dict[str, "Counts"]:
    counts: dict[str, Counts] = {}
    for _office_id, dimension, value, count in rows:
        counts.setdefault(dimension, Counts())[value] += count
    return _Missing(counts)


class Counts(dict):
    """Counts (with their cell keys) by code; a missing code has none."""

    def __missing__(self, key) -> Count:
        return Count()


class _Missing(dict):
    def __missing__(self, key):
        return Counts()


def _categories(present: set[str]) -> list[str]:
    """The taxonomy's codes in display order, then any code found only in the data."""
    codes = list(db.session.scalars(select(Category.code).order_by(Category.position, Category.id)))
    return codes + sorted(present - set(codes))


def _settlements(office_ids: list[int]) -> dict[str, int | None]:
    """EKATTE code → population of the offices' settlements, by name."""
    rows = db.session.execute(
        select(Settlement.ekatte, Settlement.population)
        .where(Settlement.office_id.in_(office_ids))
        .order_by(Settlement.name)
    )
    return {ekatte: population for ekatte, population in rows}


def population(office_ids: list[int]) -> int:
    """The inhabitants of the offices' settlements (those with a population given)."""
    return sum(p or 0 for p in _settlements(office_ids).values())


def _category_month(monthly, period: Period, categories: list[str], k: int) -> Published:
    counts = Counts()
    for _office_id, month, category, count in monthly:
        if period.start <= month < period.end:
            counts[category, month] += count
    months = period.months
    values = [[counts[c, m] for m in months] for c in categories]
    return publish("category_month", categories, [m.strftime("%Y-%m") for m in months], values, k)


def _one_way(key: str, rows, counts: "Counts", k: int) -> Published:
    """A one-way table with its total; codes found in the data but not listed are added."""
    codes = [str(r) for r in rows]
    codes += sorted(set(counts) - set(codes))
    return publish(key, codes, ["n"], [[counts[c]] for c in codes], k, row_totals=False)


def _open(rows, today: date) -> "Counts":
    """Open cases now, on track or overdue by the lifecycle's one rule (lifecycle.overdue)."""
    pausing = set(db.session.scalars(select(Category.code).where(Category.pause_when_waiting)))
    result = Counts()
    for category, value, count in rows:
        status, _sep, due = value.partition("|")
        due_on = date.fromisoformat(due) if due else None
        late = lifecycle.overdue(status, category in pausing, due_on, today)
        result["overdue" if late else "on_track"] += count
    return result


def _rates(table: Published, populations: dict) -> dict[str, float | None]:
    """Inquiries per 1,000 inhabitants, only where the count itself is published."""
    rates = {}
    for code, (cell,) in zip(table.rows, table.cells, strict=True):
        population = populations.get(code)
        published = not cell.suppressed and population
        rates[code] = round(1000 * cell.count / population, 1) if published else None
    return rates


def _rising(now: Published | None, before: Published | None) -> list[Rise]:
    """Categories that grew most against the months compared, from published totals only."""
    if before is None:
        return []
    rises = []
    for code, current, then in zip(now.rows, now.row_totals, before.row_totals, strict=True):
        if _shown(current) and _shown(then) and 0 < then.count < current.count:
            rises.append(Rise(code, then.count, current.count))
    return sorted(rises, key=lambda r: (-r.change, r.category))[:5]


def _figures(tables: dict[str, Published], now, before: Published | None, days, k: int) -> dict:
    total = tables["category_month"].total
    compared = now.total if now else None
    previous = before.total if before else None
    change = None
    if _shown(compared) and _shown(previous) and previous.count:
        change = round(100 * (compared.count - previous.count) / previous.count, 1)
    days = Counter({value: count.n for value, count in days.items()})
    resolved = sum(days.values())
    return {
        "total": total,
        "compared_total": compared,
        "previous_total": previous,
        "change_percent": change,
        "open": tables["open"].total,
        "overdue": tables["open"].cell("overdue"),
        "median_days": publish_figure(percentile(days, 0.5), resolved, k),
        "p90_days": publish_figure(percentile(days, 0.9), resolved, k),
        "on_time_percent": share(tables["deadline"], "on_time"),
        "satisfaction_average": mean(tables["satisfaction"]),
        "solved_percent": share(tables["solved"], "yes"),
        "recommend_percent": share(tables["recommend"], "yes"),
        "first_contact_percent": part_of(tables["first_contact"].cells[0][0], total, k),
    }


def _shown(cell: Cell | None) -> bool:
    return cell is not None and not cell.suppressed


def part_of(part: Cell, whole: Cell, k: int) -> float | None:
    """part / whole in %, only where both are published and the whole is at least k."""
    if part.suppressed or whole.suppressed or not whole.count or whole.count < k:
        return None
    return round(100 * min(part.count, whole.count) / whole.count, 1)


def percentile(histogram: Counter, fraction: float) -> float | None:
    """The continuous percentile (as percentile_cont) of coded values and their counts."""
    values = sorted((int(v), n) for v, n in histogram.items() if n > 0)
    count = sum(n for _v, n in values)
    if not count:
        return None
    position = fraction * (count - 1)
    low, high = _nth(values, math.floor(position)), _nth(values, math.ceil(position))
    return round(low + (high - low) * (position - math.floor(position)), 1)


def _nth(values: list[tuple[int, int]], index: int) -> int:
    for value, n in values:
        if index < n:
            return value
        index -= n
    raise IndexError(index)


def share(table: Published, row: str) -> float | None:
    """A row's percentage of the total, withheld where any cell is hidden: with the total
    published, a share would give the hidden counts back."""
    if table.has_suppressed or not table.total.count or table.total.count < table.threshold:
        return None
    return round(100 * table.cell(row).count / table.total.count, 1)


def mean(table: Published) -> float | None:
    """The average of a 1..5 score, withheld on the same terms as a share."""
    if table.has_suppressed or not table.total.count or table.total.count < table.threshold:
        return None
    scores = zip(table.rows, table.column(), strict=True)
    weighted = sum(int(code) * cell.count for code, cell in scores)
    return round(weighted / table.total.count, 2)


def category_table(office_ids: list[int], period: Period, *, k: int) -> Published:
    """The category × month table of the period, exactly as the dashboard publishes it."""
    monthly = monthly_totals(office_ids, period.start, period.end, Filters())
    return _category_month(monthly, period, _categories({row[2] for row in monthly}), k)


def network(office_ids: list[int], period: Period, *, k: int) -> dict[str, Published]:
    """Offices side by side (by category, by channel), each cell suppressed on its own
    (kept until one of the offices' figures changes)."""
    return kept.remembered(
        "network", office_ids, (period, k), lambda: _network(office_ids, period, k)
    )


def _network(office_ids: list[int], period: Period, k: int) -> dict[str, Published]:
    rows = [str(o) for o in office_ids]
    by_category = Counts()
    for office_id, category, count in office_category_counts(office_ids, period.start, period.end):
        by_category[str(office_id), category] = count
    categories = _categories({c for _o, c in by_category})
    channel = Counts()
    for office_id, _dimension, value, count in value_counts(
        office_ids, period.start, period.end, Filters(), ["channel"]
    ):
        channel[str(office_id), value] += count
    channels = [c.value for c in Channel]
    return {
        "office_category": publish(
            "office_category",
            rows,
            categories,
            [[by_category[o, c] for c in categories] for o in rows],
            k,
        ),
        "office_channel": publish(
            "office_channel", rows, channels, [[channel[o, c] for c in channels] for o in rows], k
        ),
    }


def public_table(board: Dashboard, group_by: str) -> Published:
    """One of the open-data tables, cut from the dashboard so both hide the same cells."""
    if group_by not in PUBLIC_GROUPS:
        raise DomainError(_l("Невалидна група."), "group_by")
    if group_by not in ("category", "month"):
        return board.tables[group_by]
    table = board.tables["category_month"]
    if group_by == "category":
        rows, cells = table.rows, [(c,) for c in table.row_totals]
    else:
        rows, cells = table.columns, [(c,) for c in table.column_totals]
    return Published(
        group_by, rows, ("n",), tuple(cells), None, (table.total,), table.total, table.threshold
    )
