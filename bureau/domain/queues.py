"""The work queues on the coordinator's dashboard and the expert's home page.

Each queue is a filter of the case list (CaseFilters, sorted by deadline), so its total is
the count of the list its "show all" link opens, and the rows are that list's first page.
"""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select

from bureau.domain import cases
from bureau.domain.cases import CaseFilters
from bureau.extensions import db
from bureau.models import Inquiry, Status, User

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
    rows = cases.search(user, filters, today).limit(ROWS)
    counted = cases.search(user, filters, today, for_count=True).order_by(None)
    total = db.session.scalar(
        select(func.count()).select_from(counted.with_only_columns(Inquiry.id).subquery())
    )
    return Queue(key, filters, list(db.session.scalars(rows).unique()), total or 0)
