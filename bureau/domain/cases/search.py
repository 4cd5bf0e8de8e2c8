"""Finding cases: office scoping, the expert's own cases, search and filters."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from bureau.domain import citizens, clock
from bureau.domain.cases import access, lifecycle, references
from bureau.extensions import db
from bureau.models import Inquiry, Office, ReferenceCounter, User

SOON_DAYS = 3  # "due soon": within this many working days

SORTS = {
    "received": Inquiry.received_at,
    "due": Inquiry.due_date,
    "reference": Inquiry.reference,
    "status": Inquiry.status,
}


@dataclass
class CaseFilters:
    q: str = ""
    status: str | None = None
    since: datetime | None = None
    category_id: int | None = None
    expert_id: int | None = None
    unassigned: bool = False
    settlement_id: int | None = None
    overdue: bool = False
    due_soon: bool = False  # within SOON_DAYS working days, not yet overdue
    sort: str = "received"
    descending: bool = True


def cases(
    user: User, filters: CaseFilters, today: date | None = None, *, for_count: bool = False
) -> Select:
    """The user's inquiries matching the filters, sorted, with what a list row shows loaded.

    Every filter is backed by an index that leads with the office. `for_count` builds
    the variant that counts fastest (see _matches)."""
    query = access.reachable(user).options(
        joinedload(Inquiry.citizen),
        joinedload(Inquiry.category),
        joinedload(Inquiry.settlement),
        joinedload(Inquiry.expert),
    )
    if filters.status:
        query = query.where(Inquiry.status == filters.status)
    if filters.since:
        query = query.where(Inquiry.received_at >= filters.since)
    if filters.category_id:
        query = query.where(Inquiry.category_id == filters.category_id)
    if filters.settlement_id:
        query = query.where(Inquiry.settlement_id == filters.settlement_id)
    if filters.expert_id:
        query = query.where(Inquiry.expert_id == filters.expert_id)
    if filters.unassigned:
        query = query.where(lifecycle.unassigned_clause())
    today = today or clock.sofia_today()
    if filters.overdue:
        query = query.where(lifecycle.overdue_clause(today))
    if filters.due_soon:
        query = query.where(lifecycle.due_soon_clause(today, SOON_DAYS))
    q = filters.q.strip()
    if q:
        query = query.where(_matches(q, user.office_id, for_count))
    column = SORTS.get(filters.sort, Inquiry.received_at)
    order = column.desc() if filters.descending else column.asc()
    return query.order_by(order, Inquiry.id.desc() if filters.descending else Inquiry.id)


def _matches(q: str, office_id: int | None, for_count: bool = False):
    """By reference (whole, or its number), by name in Cyrillic or Latin, or by phone.

    A common name matches thousands of citizens: then the newest page is found fastest
    by reading the cases newest first and keeping the matching ones. SQLite's planner
    does not see that, so there the citizen index is kept out of it (`citizen_id + 0`);
    counting still goes through it. PostgreSQL's planner chooses well by itself (at a
    million cases the hint made its phone search 15 times slower)."""
    if reference := references.normalise_reference(q):
        return Inquiry.reference == reference
    conditions = []
    compact = citizens.NON_DIGITS_IN_PHONES.sub("", q)
    if compact.isdigit() and len(compact) <= 5:
        # "42" is KRS-2026-00042, or the same number of another year: each looked up whole
        # in the unique index (a LIKE '%-00042' would read every case of the office).
        conditions.append(Inquiry.reference.in_(_numbered(int(compact), office_id)))
    if (ids := citizens.matching_ids(office_id, q)) is not None:
        sqlite = db.session.get_bind().dialect.name == "sqlite"
        common = not for_count and sqlite and citizens.is_common(ids)
        column = (Inquiry.citizen_id + 0) if common else Inquiry.citizen_id
        conditions.append(column.in_(ids))
    return or_(*conditions) if conditions else Inquiry.id.is_(None)


def _numbered(number: int, office_id: int | None) -> list[str]:
    """The references with this number in every year an office has numbered cases."""
    query = select(Office.code, ReferenceCounter.year).join(
        ReferenceCounter, ReferenceCounter.office_id == Office.id
    )
    if office_id is not None:
        query = query.where(Office.id == office_id)
    return [f"{code}-{year}-{number:05d}" for code, year in db.session.execute(query)]


def find(reference: str) -> Inquiry | None:
    """The case of a reference however it was typed (None if there is none); whether the
    user may see it is the loader's question (web/common)."""
    reference = references.normalise_reference(reference) or reference.upper()
    return db.session.scalar(select(Inquiry).where(Inquiry.reference == reference))
