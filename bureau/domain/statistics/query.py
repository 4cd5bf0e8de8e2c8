"""The statistics' query string: office, period and filters, shared by every statistics view
(the commission's screens and exports, the open-data page and its API).

Parameters: `office` (code; the administrator's choice, everyone else sees their own),
`period` (month | quarter | half | year), `year`, `month`, `quarter`, `half`, and the filters
`settlement` (EKATTE), `category`, `channel`, `affiliation`. What does not parse is
ignored and the default used, with a message (`StatsQuery.error`); an office the user may
not see, or that does not exist, leaves `office` None for the caller to answer (404).

Periods are calendar months, quarters, half-years and years only, never free ranges: each range
would be one more overlapping view of the same months (see suppression.py).
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from bureau.domain import DomainError, settings
from bureau.domain.clock import sofia_today
from bureau.domain.statistics.periods import Period, half_number
from bureau.domain.statistics.tables import (
    PUBLIC_GROUPS,
    Dashboard,
    Filters,
    dashboard,
    public_table,
)
from bureau.extensions import db
from bureau.models import Affiliation, Category, Channel, Office, Role

FIXED_PERIODS = _l(
    "Статистиката се публикува за календарни месеци, тримесечия, полугодия и години, "
    "не за произволни периоди."
)
PERIOD_KINDS = {
    "month": _l("месец"),
    "quarter": _l("тримесечие"),
    "half": _l("полугодие"),
    "year": _l("година"),
}


@dataclass
class StatsQuery:
    office: Office | None
    period: Period
    filters: Filters
    args: dict
    error: str | None = None

    def url_args(self, **overrides) -> dict:
        """The query as URL parameters, e.g. for the export links."""
        args = {key: value for key, value in self.args.items() if value not in (None, "")}
        return {**args, **overrides}


def parse(args, user, today: date) -> StatsQuery:
    """The office the user may see (None: none to see), the period and the filters from
    the query string."""
    office = _office(args.get("office", ""), user)
    values = {
        key: (args.get(key) or "").strip()[:20]
        for key in (
            "period",
            "year",
            "month",
            "quarter",
            "half",
            "settlement",
            "category",
            "channel",
            "affiliation",
        )
    }
    values["office"] = office.code if office else ""
    error = None
    try:
        if args.get("from") or args.get("to"):
            raise DomainError(FIXED_PERIODS, "from")
        period = period_from(values, today)
    except DomainError as problem:
        error = str(problem.message)
        values.update(period="year", year=str(today.year))
        period = Period.year(today.year)
    return StatsQuery(office, period, _filters(values, office), values, error)


def public_query(args) -> StatsQuery:
    """Office and period for the public (the open-data page and its API): a calendar
    `year`, or one of its `quarter`s."""
    values = {key: args.get(key, "") for key in ("office", "year", "quarter", "from", "to")}
    values["period"] = "quarter" if values["quarter"] else "year"
    return parse(values, AnonymousUserMixin(), sofia_today())


def public_half(args) -> StatsQuery:
    """Office and half-year for the public services' figures: `year` and `half` (1 or 2);
    by default the last half-year that is over, whose figures no longer change."""
    today = sofia_today()
    last = Period.half_of(today).previous()
    values = {key: args.get(key, "") for key in ("office", "year", "half", "from", "to")}
    if not values["year"] and not values["half"]:
        values["year"], values["half"] = str(last.start.year), last.code[-1]
    values["period"] = "half"
    return parse(values, AnonymousUserMixin(), today)


def public_tables(query: StatsQuery) -> tuple[Dashboard, dict]:
    """The public query's figures and its published tables, suppressed for the threshold."""
    k = settings.current().suppression_threshold
    board = dashboard([query.office.id], query.period, Filters(), k=k, today=sofia_today())
    return board, {group: public_table(board, group) for group in PUBLIC_GROUPS}


def period_from(values: dict, today: date) -> Period:
    kind = values.get("period") or "year"
    if kind not in PERIOD_KINDS:
        raise DomainError(_l("Невалиден период."), "period")
    values["period"] = kind
    year = _integer(values.get("year"), today.year)
    values["year"] = str(year)
    if kind == "month":
        values["month"] = str(_integer(values.get("month"), today.month))
        return Period.month(year, int(values["month"]))
    if kind == "quarter":
        values["quarter"] = str(_integer(values.get("quarter"), (today.month - 1) // 3 + 1))
        return Period.quarter(year, int(values["quarter"]))
    if kind == "half":
        values["half"] = str(_integer(values.get("half"), half_number(today)))
        return Period.half(year, int(values["half"]))
    return Period.year(year)


def _integer(value: str | None, default: int) -> int:
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise DomainError(_l("Невалиден период."), "period") from None


def _office(code: str, user) -> Office | None:
    """Everyone sees their own office; the administrator chooses (default: the first)."""
    if getattr(user, "role", None) != Role.ADMIN and getattr(user, "is_authenticated", False):
        return user.office
    query = select(Office).order_by(Office.name)
    if code:
        query = query.where(Office.code == code.strip().upper())
    return db.session.scalars(query).first()


def _filters(values: dict, office: Office | None) -> Filters:
    ekattes = {s.ekatte for s in office.settlements} if office else set()
    categories = set(db.session.scalars(select(Category.code)))
    allowed = {
        "settlement": ekattes,
        "category": categories,
        "channel": {c.value for c in Channel},
        "affiliation": {a.value for a in Affiliation},
    }
    for key, codes in allowed.items():
        if values.get(key) not in codes:
            values[key] = ""
    return Filters(
        ekatte=values["settlement"] or None,
        category=values["category"] or None,
        channel=values["channel"] or None,
        affiliation=values["affiliation"] or None,
    )
