"""The commission's monthly digest: last month's headline figures by e-mail (outbox).

Figures only, from the same suppressed tables as the dashboard: the total, the largest
published categories, the share resolved within the deadline and the average
satisfaction where those are published. No case, name or description is ever read.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bureau.domain import notifications, settings, statistics
from bureau.domain.statistics.cube import Filters
from bureau.domain.statistics.periods import Period, month_start
from bureau.domain.statistics.suppression import Cell
from bureau.extensions import db
from bureau.models import Category, DigestRun, Office, Role, User, utcnow

TOP_CATEGORIES = 3


@dataclass
class Headline:
    total: Cell
    categories: list[tuple[str, int]]  # (category code, published count), largest first
    on_time_percent: float | None
    satisfaction_average: float | None


def previous_month(today: date) -> Period:
    last = date.fromordinal(month_start(today).toordinal() - 1)
    return Period.month(last.year, last.month)


def send_monthly_digest(today: date) -> int:
    """Queue last month's digest to each office's active commission members, once per
    office and month (a DigestRun row is the claim). Returns the messages queued."""
    period = previous_month(today)
    k = settings.current().suppression_threshold
    queued = 0
    for office in db.session.scalars(select(Office).order_by(Office.id)):
        members = list(
            db.session.scalars(
                select(User)
                .where(User.office_id == office.id, User.role == Role.COMMISSION, User.active)
                .order_by(User.id)
            )
        )
        if not _claim(office.id, period.start, len(members)):
            continue
        figures = headline(office.id, period, k=k, today=today)
        for member in members:
            language = member.language or "bg"
            notifications.queue_email(
                member.email,
                "digest",
                {
                    "office": office,
                    "period": period,
                    "figures": figures,
                    "categories": _labelled(figures.categories, language),
                    "threshold": k,
                },
                office=office,
                language=language,
            )
            queued += 1
        db.session.commit()
    return queued


def headline(office_id: int, period: Period, *, k: int, today: date) -> Headline:
    """The digest's figures, cut from the suppressed dashboard of the period."""
    board = statistics.dashboard([office_id], period, Filters(), k=k, today=today)
    table = board.tables["category_month"]
    published = [
        (code, cell.count)
        for code, cell in zip(table.rows, table.row_totals, strict=True)
        if not cell.suppressed and cell.count
    ]
    published.sort(key=lambda item: -item[1])
    return Headline(
        total=board.figures["total"],
        categories=published[:TOP_CATEGORIES],
        on_time_percent=board.figures["on_time_percent"],
        satisfaction_average=board.figures["satisfaction_average"],
    )


def _labelled(categories: list[tuple[str, int]], language: str) -> list[tuple[str, int]]:
    labels = {c.code: c.label(language) for c in db.session.scalars(select(Category))}
    return [(labels.get(code, code), n) for code, n in categories]


def _claim(office_id: int, month: date, recipients: int) -> bool:
    """Insert the office-month's run row unless it exists: two jobs at once send once."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = DigestRun.__table__
    statement = (
        insert(table)
        .values(office_id=office_id, month=month, at=utcnow(), recipients=recipients)
        .on_conflict_do_nothing()
    )
    return db.session.execute(statement.returning(table.c.office_id)).scalar() is not None
