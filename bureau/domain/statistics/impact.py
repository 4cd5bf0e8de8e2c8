"""Impact, measured: a recommendation's categories and services before and after the day
it was accepted (or, once implemented, the day it was implemented).

The windows are whole calendar months of equal length: the `impact_window_months` (6)
before the month of that day, and as many after it — fewer while fewer whole months have
passed, with a caution. The month of the day itself belongs to neither. Every figure is
the dashboard's or the services view's for that window (tables.dashboard, services.board):
counts perturbed by their records' cell keys and suppressed for k, medians and shares only
where they rest on at least k cases. So a window chosen by a recommendation's date answers
no more than the statistics pages do (see suppression.py).
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l

from bureau.domain import settings
from bureau.domain.recommendations import plans
from bureau.domain.statistics import services as per_service
from bureau.domain.statistics.periods import Period, month_start, months_between, next_month
from bureau.domain.statistics.suppression import Cell
from bureau.domain.statistics.tables import Filters, dashboard, population
from bureau.models import Recommendation, Service

# A change smaller than this share of the figure before is read as "no real change".
STEADY = 0.10
CHANGE_NOT_CAUSE = _l(
    "Сравнението показва промяна, а не причината за нея: и други неща се случват през "
    "същите месеци."
)


@dataclass(frozen=True)
class Indicator:
    key: str  # see READINGS
    subject: str  # "category:<code>" or "service:<id>"
    before: float | None  # None: withheld (suppressed, or resting on fewer than k cases)
    after: float | None
    lower_is_better: bool

    @property
    def direction(self) -> str | None:
        """ "better", "worse" or "steady"; None where a side is withheld."""
        if self.before is None or self.after is None:
            return None
        if abs(self.after - self.before) <= STEADY * max(abs(self.before), 1):
            return "steady"
        went_down = self.after < self.before
        return "better" if went_down == self.lower_is_better else "worse"


@dataclass
class Impact:
    since: date | None  # the day measured from
    measured_from: str | None  # "accepted" | "implemented"
    months: int = 0
    before: Period | None = None
    after: Period | None = None
    indicators: list[Indicator] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)

    def of(self, subject: str) -> list[Indicator]:
        return [i for i in self.indicators if i.subject == subject]


def measure(recommendation: Recommendation, *, k: int, today: date) -> Impact:
    """The before/after indicators of the recommendation's categories and services."""
    implemented = plans.implemented_on(recommendation)
    since = implemented or plans.accepted_on(recommendation)
    impact = Impact(since, "implemented" if implemented else ("accepted" if since else None))
    if since is None:
        impact.cautions.append(
            str(_l("Препоръката не е приета: няма ден, от който да се мери въздействието."))
        )
        return impact
    window = settings.current().impact_window_months
    month = month_start(since)
    over = months_between(next_month(month), month_start(today))
    impact.months = min(window, len(over))
    if not impact.months:
        first = next_month(next_month(month))
        impact.cautions.append(
            gettext(
                "Още не е минал цял месец след %(day)s: въздействието може да се измери от "
                "%(first)s.",
                day=since.strftime("%d.%m.%Y"),
                first=first.strftime("%d.%m.%Y"),
            )
        )
        return impact
    after_start = next_month(month)
    impact.after = Period(after_start, _plus(after_start, impact.months))
    impact.before = Period(_plus(month, -impact.months), month)
    if impact.months < window:
        impact.cautions.append(
            gettext(
                "Сравняват се само %(n)d месеца преди и след (целият прозорец е %(w)d): "
                "промяната може да е случайна.",
                n=impact.months,
                w=window,
            )
        )
    office_ids = [recommendation.office_id]
    inhabitants = population(office_ids)
    for code in recommendation.categories or []:
        impact.indicators += _category(office_ids, code, impact, inhabitants, k=k, today=today)
    for service in _services(recommendation):
        impact.indicators += _service(office_ids, service, impact, k=k)
    if any(i.direction is None for i in impact.indicators):
        impact.cautions.append(
            str(
                _l(
                    "Някои показатели не се показват: стоят на по-малко от %(k)d случая или "
                    "са скрити, за да не се разкрият малки числа.",
                    k=k,
                )
            )
        )
    impact.cautions.append(str(CHANGE_NOT_CAUSE))
    return impact


def _category(office_ids, code: str, impact: Impact, inhabitants: int, *, k: int, today: date):
    boards = [
        dashboard(office_ids, period, Filters(category=code), k=k, today=today)
        for period in (impact.before, impact.after)
    ]
    totals = [_count(b.figures["total"]) for b in boards]
    subject = f"category:{code}"
    found = [Indicator("inquiries", subject, *totals, lower_is_better=True)]
    if inhabitants:
        rates = [None if t is None else round(1000 * t / inhabitants, 1) for t in totals]
        found.append(Indicator("per_1000", subject, *rates, lower_is_better=True))
    for key, figure, lower in (
        ("median_days", "median_days", True),
        ("on_time", "on_time_percent", False),
        ("satisfaction", "satisfaction_average", False),
    ):
        values = [b.figures[figure] for b in boards]
        found.append(Indicator(key, subject, *values, lower_is_better=lower))
    return found


def _service(office_ids, service: Service, impact: Impact, *, k: int):
    lines = [
        per_service.board(office_ids, period, k=k).lines.get(str(service.id))
        for period in (impact.before, impact.after)
    ]
    subject = f"service:{service.id}"

    def values(name: str):
        return [None if line is None else getattr(line, name) for line in lines]

    inquiries = [None if line is None else _count(line.inquiries) for line in lines]
    return [
        Indicator("service_inquiries", subject, *inquiries, lower_is_better=True),
        Indicator("problem_share", subject, *values("problem_share"), lower_is_better=True),
        Indicator("term_share", subject, *values("term_share"), lower_is_better=True),
        Indicator("rating_mean", subject, *values("mean"), lower_is_better=False),
    ]


def _services(recommendation: Recommendation) -> list[Service]:
    from bureau.domain.recommendations import services_named

    return services_named(recommendation)


def _count(cell: Cell) -> int | None:
    return None if cell is None or cell.suppressed else cell.count


def _plus(first_day: date, months: int) -> date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# The plain-language reading of each indicator, by direction of change.
READINGS = {
    "inquiries": (
        _l("По-малко запитвания за „%(subject)s“: %(before)s → %(after)s за %(months)s месеца."),
        _l("Повече запитвания за „%(subject)s“: %(before)s → %(after)s за %(months)s месеца."),
        _l("Почти толкова запитвания за „%(subject)s“: %(before)s → %(after)s за %(months)s месеца."),  # noqa: E501
    ),
    "per_1000": (
        _l("По-малко запитвания на 1000 жители за „%(subject)s“: %(before)s → %(after)s."),
        _l("Повече запитвания на 1000 жители за „%(subject)s“: %(before)s → %(after)s."),
        _l("Почти без промяна на 1000 жители за „%(subject)s“: %(before)s → %(after)s."),
    ),
    "median_days": (
        _l("„%(subject)s“ се решават по-бързо: медиана %(before)s → %(after)s дни."),
        _l("„%(subject)s“ се решават по-бавно: медиана %(before)s → %(after)s дни."),
        _l("„%(subject)s“ се решават за почти същото време: медиана %(before)s → %(after)s дни."),
    ),
    "on_time": (
        _l("„%(subject)s“: по-често в срок — %(before)s %% → %(after)s %%."),
        _l("„%(subject)s“: по-рядко в срок — %(before)s %% → %(after)s %%."),
        _l("„%(subject)s“: в срок почти толкова често — %(before)s %% → %(after)s %%."),
    ),
    "satisfaction": (
        _l("„%(subject)s“: по-висока удовлетвореност — %(before)s → %(after)s от 5."),
        _l("„%(subject)s“: по-ниска удовлетвореност — %(before)s → %(after)s от 5."),
        _l("„%(subject)s“: почти същата удовлетвореност — %(before)s → %(after)s от 5."),
    ),
    "service_inquiries": (
        _l("По-малко запитвания за услугата „%(subject)s“: %(before)s → %(after)s."),
        _l("Повече запитвания за услугата „%(subject)s“: %(before)s → %(after)s."),
        _l("Почти толкова запитвания за услугата „%(subject)s“: %(before)s → %(after)s."),
    ),
    "problem_share": (
        _l("Услугата „%(subject)s“: по-малко запитвания с проблем — %(before)s %% → %(after)s %%."),
        _l("Услугата „%(subject)s“: повече запитвания с проблем — %(before)s %% → %(after)s %%."),
        _l("Услугата „%(subject)s“: почти толкова запитвания с проблем — %(before)s %% → %(after)s %%."),  # noqa: E501
    ),
    "term_share": (
        _l("Услугата „%(subject)s“: по-рядко просрочен срок — %(before)s %% → %(after)s %%."),
        _l("Услугата „%(subject)s“: по-често просрочен срок — %(before)s %% → %(after)s %%."),
        _l("Услугата „%(subject)s“: просрочен срок почти толкова често — %(before)s %% → %(after)s %%."),  # noqa: E501
    ),
    "rating_mean": (
        _l("Услугата „%(subject)s“ е оценена по-високо: %(before)s → %(after)s от 5."),
        _l("Услугата „%(subject)s“ е оценена по-ниско: %(before)s → %(after)s от 5."),
        _l("Услугата „%(subject)s“ е оценена почти еднакво: %(before)s → %(after)s от 5."),
    ),
}  # fmt: skip
NAMES = {
    "inquiries": _l("Запитвания"),
    "per_1000": _l("Запитвания на 1000 жители"),
    "median_days": _l("Медиана на дните до решение"),
    "on_time": _l("Дял решени в срок, %"),
    "satisfaction": _l("Удовлетвореност (1–5)"),
    "service_inquiries": _l("Запитвания за услугата"),
    "problem_share": _l("Дял с проблем, %"),
    "term_share": _l("Дял с просрочен срок, %"),
    "rating_mean": _l("Средна оценка на услугата (1–5)"),
}


def number(value: float | None) -> str:
    """A figure as Bulgarian readers write it ("4,5"); "—" where withheld."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.#" if value != int(value) else "#,##0")


def reading(indicator: Indicator, subject: str, months: int) -> str | None:
    """One sentence on the change ("По-малко запитвания за „X“: 42 → 18 за 6 месеца."), or
    None where a side is withheld."""
    direction = indicator.direction
    if direction is None:
        return None
    better, worse, steady = READINGS[indicator.key]
    text = {"better": better, "worse": worse, "steady": steady}[direction]
    return str(text) % {
        "subject": subject,
        "before": number(indicator.before),
        "after": number(indicator.after),
        "months": months,
    }
