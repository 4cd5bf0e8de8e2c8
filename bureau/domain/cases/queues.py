"""The work queues on the coordinator's dashboard and the expert's home page.

Each queue is a filter of the case list (CaseFilters, sorted by deadline), so its total is
the count of the list its "show all" link opens, and the rows are that list's first page.
"""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select

from bureau.domain import clock
from bureau.domain.answers import library
from bureau.domain.cases import deadlines, search
from bureau.domain.cases.search import CaseFilters
from bureau.extensions import db
from bureau.models import OPEN_STATUSES, Inquiry, Role, Status, User

ROWS = 20  # rows each queue lists; its total counts them all
BY_DEADLINE = {"sort": "due", "descending": False}

COORDINATOR = {
    "overdue": CaseFilters(overdue=True, **BY_DEADLINE),
    "due_soon": CaseFilters(due_soon=True, **BY_DEADLINE),
    "unassigned": CaseFilters(unassigned=True, **BY_DEADLINE),
}
EXPERT = {
    "to_accept": CaseFilters(status=Status.ASSIGNED.value, **BY_DEADLINE),
    "due_soon": CaseFilters(due_soon=True, **BY_DEADLINE),
    "overdue": CaseFilters(overdue=True, **BY_DEADLINE),
    "waiting": CaseFilters(status=Status.WAITING.value, **BY_DEADLINE),
}


@dataclass
class Queue:
    key: str
    filters: CaseFilters
    items: list[Inquiry]
    total: int


def coordinator_queues(user: User, today: date) -> dict[str, Queue]:
    """Overdue, due soon and unassigned cases of the coordinator's office."""
    return {key: _queue(user, key, filters, today) for key, filters in COORDINATOR.items()}


def expert_queues(user: User, today: date) -> dict[str, Queue]:
    """The expert's own cases to accept, due soon, overdue and waiting on the citizen."""
    mine = {key: replace(filters, expert_id=user.id) for key, filters in EXPERT.items()}
    return {key: _queue(user, key, filters, today) for key, filters in mine.items()}


def _queue(user: User, key: str, filters: CaseFilters, today: date) -> Queue:
    rows = search.cases(user, filters, today).limit(ROWS)
    counted = search.cases(user, filters, today, through_citizens=True).order_by(None)
    total = db.session.scalar(
        select(func.count()).select_from(counted.with_only_columns(Inquiry.id).subquery())
    )
    return Queue(key, filters, list(db.session.scalars(rows).unique()), total or 0)


def dashboard(user: User, today: date | None = None) -> dict:
    """The coordinator's queues (overdue, due soon, unassigned: see queues.py), the
    open cases per expert and status of the office, and its answers due for review."""
    today = today or clock.sofia_today()
    office_id = user.office_id
    per_expert = db.session.execute(
        select(Inquiry.expert_id, Inquiry.status, func.count())
        .where(Inquiry.office_id == office_id, Inquiry.status.in_(OPEN_STATUSES))
        .group_by(Inquiry.status, Inquiry.expert_id)  # status first: see routing.open_loads
    ).all()
    experts = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.office_id == office_id, User.role == Role.EXPERT)
        )
    }
    table: dict = {}
    for expert_id, status, count in per_expert:
        table.setdefault(expert_id, {})[status] = count
    return {
        "per_expert": table,
        "experts": experts,
        "statuses": list(OPEN_STATUSES),
        "queues": coordinator_queues(user, today),
        "today": today,
        "soon": deadlines.add_working_days(today, search.SOON_DAYS),
        "stale_answers": library.stale_count(user.office, today) if user.office else 0,
    }
