"""The public handbook «От А до Я»: an office's answers as anyone may read them — on the
site, in the printed booklet and through the open API.

Only what a second person approved is ever public: the live version of an answer that
is not archived, the office's own or shared by another office of the installation, with
this office's local part. Never a draft, a working copy, a version's note or who wrote it.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from bureau.domain import clock, taxonomy
from bureau.domain.answers import library
from bureau.domain.answers.library import Content
from bureau.extensions import db
from bureau.models import Answer, AnswerStatus, Category, Office, Service

MAX_WORDS = 200  # what a search box may send; longer is refused, not cut


@dataclass(frozen=True)
class Entry:
    """One answer as the public reads it in an office's handbook."""

    id: int
    content: Content
    local: str  # the office's own part of a shared answer (addresses, hours)
    reviewed: date | None  # the day its live version was approved, in Sofia
    shared: bool
    own: bool  # the office's own answer (its service codes are the office's)


@dataclass(frozen=True)
class Section:
    """The answers of one category of the taxonomy (None: of no category); `start` is
    the number of its first answer in the booklet (the contents and headings match)."""

    category: Category | None
    entries: list[Entry]
    start: int = 1


def office(code: str) -> Office | None:
    """The office of a public address; a code that cannot be one never reaches the
    database."""
    code = (code or "").upper()
    if not code.isascii() or not code.isalpha() or len(code) > 8:
        return None
    return db.session.scalar(select(Office).where(Office.code == code))


def offices() -> list[Office]:
    """Every office of the installation, by name: each has its handbook."""
    return list(db.session.scalars(select(Office).order_by(Office.name)))


def entries(office: Office, *, q: str = "", category: str = "", service: str = "") -> list[Entry]:
    """The office's handbook, by title: its own live answers and the shared ones,
    narrowed by category, a service of its register or words in Cyrillic or Latin."""
    found = library.published(office, category=category, service=service, q=q)
    return [_entry(answer, office) for answer in found]


def entry(office: Office, answer_id: int) -> Entry | None:
    """One answer of the office's handbook, or None: unknown, another office's own,
    not yet approved or archived."""
    answer = library.get(answer_id, office)
    if answer is None or answer.live is None or answer.status == AnswerStatus.ARCHIVED:
        return None
    return _entry(answer, office)


def _entry(answer: Answer, office: Office) -> Entry:
    approved = library.last_reviewed(answer)
    return Entry(
        id=answer.id,
        content=library.live(answer),
        local=library.local_part(answer, office),
        reviewed=clock.in_sofia(approved).date() if approved else None,
        shared=answer.shared,
        own=answer.office_id == office.id,
    )


def sections(found: list[Entry]) -> list[Section]:
    """The entries by category, in the taxonomy's order; each once, under the first of
    its categories in that order; those of no known category last."""
    order = taxonomy.categories(active_only=False, subcategories=False)
    position = {category.code: index for index, category in enumerate(order)}
    grouped: dict[int | None, list[Entry]] = {}
    for item in found:
        known = [position[code] for code in item.content.categories if code in position]
        grouped.setdefault(min(known) if known else None, []).append(item)
    keys = [*sorted(k for k in grouped if k is not None), *([None] if None in grouped else [])]
    result, start = [], 1
    for key in keys:
        result.append(Section(None if key is None else order[key], grouped[key], start))
        start += len(grouped[key])
    return result


def services(office: Office, found: list[Entry]) -> list[Service]:
    """The active services of the office's register that its own answers name, by name:
    the handbook's filter and the links of an answer's page."""
    codes = {code for item in found if item.own for code in item.content.services}
    if not codes:
        return []
    query = (
        select(Service)
        .where(Service.office_id == office.id, Service.active, Service.code.in_(codes))
        .order_by(Service.name)
    )
    return list(db.session.scalars(query))
