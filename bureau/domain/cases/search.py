"""Finding cases: office scoping, the expert's own cases, search and filters."""

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Select, case, func, or_, select
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
    user: User,
    filters: CaseFilters,
    today: date | None = None,
    *,
    through_citizens: bool = False,
) -> Select:
    """The user's inquiries matching the filters, sorted, with what a list row shows loaded.

    Every filter is backed by an index that leads with the office. `through_citizens`
    looks a name or phone up through its citizens even when many share it: the way that
    counts fastest, and lists fastest when the name is rare among the filtered cases
    (see _matches and listing)."""
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
        query = query.where(_matches(q, user.office_id, through_citizens))
    column = SORTS.get(filters.sort, Inquiry.received_at)
    order = column.desc() if filters.descending else column.asc()
    return query.order_by(order, Inquiry.id.desc() if filters.descending else Inquiry.id)


def _matches(q: str, office_id: int | None, through_citizens: bool = False):
    """By reference (whole, or its number), by name in Cyrillic or Latin, or by phone.

    A name or phone few citizens have is looked up through them: their cases, through the
    citizen index. A common one (more than citizens.COMMON) would make that thousands of
    citizens, more with every year of cases; then each case read newest first is checked
    against its own citizen's index entries (citizens.matches), and the page is found
    after reading about as many cases at a million as at ten thousand. Counting (see
    count) goes through the citizens, and stops at the cap; so does a list whose name is
    rare among its filtered cases (see listing)."""
    if reference := references.normalise_reference(q):
        return Inquiry.reference == reference
    conditions = []
    if (number := _receipt_number(q)) is not None:
        # "42" is KRS-2026-00042, or the same number of another year: each looked up whole
        # in the unique index (a LIKE '%-00042' would read every case of the office).
        conditions.append(Inquiry.reference.in_(_numbered(number, office_id)))
    if (ids := citizens.matching_ids(office_id, q)) is not None:
        if not through_citizens and citizens.is_common_search(office_id, q):
            conditions.append(citizens.matches(Inquiry.citizen_id, office_id, q))
        else:
            conditions.append(Inquiry.citizen_id.in_(ids))
    return or_(*conditions) if conditions else Inquiry.id.is_(None)


# A search with filters counts among this many of the filtered cases, newest first, at
# most; past them the list says "N+" (as it does past the cap), and typing more narrows.
SCAN_BUDGET = 200


def count(user: User, filters: CaseFilters, *, cap: int, today: date | None = None):
    """(how many cases match, counted no further than `cap`; whether there may be more).

    Bounded work whatever the number of cases: a plain list or a plain search counts up
    to the cap through its index; a search within filters checks the filtered cases
    newest first, no more than SCAN_BUDGET of them, when the name or phone is common."""
    return _counted(user, filters, cap, today)[0]


def listing(user: User, filters: CaseFilters, *, cap: int, rows: int, today: date | None = None):
    """(the cases to list, as `cases`; their count, as `count`) for a page that reaches
    `rows` cases into the list (page × page size).

    A common name within filters is listed by reading the filtered cases newest first:
    cheap when the page lies among or near the 201 newest that counting read, at the
    rate the name matched them. When it lies well past them (more than four times as
    far; always when none matched), reaching `rows` could read all of the office's cases
    (100 ms at a million), and the list goes through the name's citizens if no more than
    citizens.FEW share it: at a million, "Иванова 0888" among the cases in progress
    100 → 50 ms. A name thousands share stays newest first: through its citizens a page
    takes longer than reading the office (status × "Иван", 82,000 citizens, page 20:
    25 ms newest first, 178 through them; category × "Петрова", 24,763, none among the
    201 newest: 15 vs 59). A filter of no more than SCAN_BUDGET cases keeps to the
    filter's index. Both ways give the same cases in the same order: the pages agree
    whichever way each was found."""
    counted, newest = _counted(user, filters, cap, today)
    rare = (
        newest is not None
        and newest.read > SCAN_BUDGET  # else counting read every filtered case: few
        and newest.matched * 4 < rows  # else the page is among or near the newest
        and citizens.sharing_search(user.office_id, filters.q.strip(), citizens.FEW) <= citizens.FEW
    )
    return cases(user, filters, today, through_citizens=rare), counted


@dataclass(frozen=True)
class _Newest:
    """What counting saw among the newest filtered cases: how many it read, and matched."""

    read: int
    matched: int


def _counted(
    user: User, filters: CaseFilters, cap: int, today: date | None
) -> tuple[tuple[int, bool], _Newest | None]:
    """count's answer, and what it saw of the newest filtered cases (None if it did not
    read them)."""
    q = filters.q.strip()
    if not _common_within_filters(q, filters, user.office_id):
        if (counted := _count_by_citizens(user, filters, cap, today)) is not None:
            return counted, None
        query = cases(user, filters, today, through_citizens=True).order_by(None)
        found = _count(query.with_only_columns(Inquiry.id).limit(cap + 1))
        return (min(found, cap), found > cap), None
    newest_first = replace(filters, q="", sort="received", descending=True)
    recent = (
        cases(user, newest_first, today)
        .with_only_columns(Inquiry.id, Inquiry.citizen_id, Inquiry.reference)
        .limit(SCAN_BUDGET + 1)
        .subquery()
    )
    # One pass over the newest filtered cases: how many were read, how many match.
    read, found = db.session.execute(
        select(func.count(), func.count(case((_on(recent, q, user.office_id), 1)))).select_from(
            recent
        )
    ).one()
    return (min(found, cap), found > cap or read > SCAN_BUDGET), _Newest(read, found)


def _count_by_citizens(user: User, filters: CaseFilters, cap: int, today):
    """A name or phone search (no receipt number in it) counted from the citizens' side:
    their index entries joined to their cases, which stops after a few hundred cases.
    Counting through `citizen_id IN (…)` first collects every citizen of the name — tens
    of thousands of "Иванов" at a million cases. A citizen with two name words starting
    with what was typed meets their cases twice, so the join reads up to twice the cap and
    counts distinct cases: exact when it ends before that, past the cap when it finds
    more than cap distinct ones; None (count otherwise) when neither can be told."""
    q = filters.q.strip()
    if not q or references.normalise_reference(q) or _receipt_number(q) is not None:
        return None
    if (ids := citizens.matching_ids(user.office_id, q)) is None:
        return None
    found, limit = ids.subquery(), 2 * (cap + 1)
    joined = (
        cases(user, replace(filters, q=""), today, through_citizens=True)
        .order_by(None)
        .join(found, Inquiry.citizen_id == found.c[0])  # a citizen_id or a Citizen.id
        .with_only_columns(Inquiry.id)
        .limit(limit)
        .subquery()
    )
    rows, distinct = db.session.execute(
        select(func.count(), func.count(joined.c.id.distinct()))
    ).one()
    if rows < limit:
        return min(distinct, cap), distinct > cap
    return (cap, True) if distinct > cap else None


def _on(recent, q: str, office_id: int | None):
    """The search's condition on the rows of `recent` (a subquery of cases)."""
    conditions = [citizens.matches(recent.c.citizen_id, office_id, q)]
    if (number := _receipt_number(q)) is not None:
        conditions.append(recent.c.reference.in_(_numbered(number, office_id)))
    return or_(*[c for c in conditions if c is not None])


def _common_within_filters(q: str, filters: CaseFilters, office_id: int | None) -> bool:
    """A name or phone many citizens share, searched among filtered cases."""
    filtered = any(
        (filters.status, filters.since, filters.category_id, filters.expert_id,
         filters.unassigned, filters.settlement_id, filters.overdue, filters.due_soon)
    )  # fmt: skip
    if not q or not filtered or references.normalise_reference(q):
        return False
    return citizens.is_common_search(office_id, q)


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _receipt_number(q: str) -> int | None:
    """The number of a receipt typed alone ("42", "00042"); None for anything else."""
    compact = citizens.NON_DIGITS_IN_PHONES.sub("", q)
    return int(compact) if compact.isdigit() and len(compact) <= 5 else None


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
