"""The answers library: what an answer must say, who may write, approve and read it.

An answer belongs to an office and may be shared with every office of the installation
(each office can add its local part: addresses and opening hours). Its working copy
moves `draft → in_review → published → archived`; a coordinator other than the person
who last changed it approves publication. What everyone reads — the desk, the experts,
the handbook, the API — is the last approved version, so an edit of a published answer
is seen only once it is approved in turn. Every save and step is kept as a version: who
changed what, when. Past its review-by date an answer is stale: flagged wherever it is
shown, and its owner reminded through the outbox (at most once a week).
"""

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from bureau.domain import DomainError, audit, notifications, taxonomy
from bureau.domain.services import register
from bureau.domain.text import one_line
from bureau.domain.transliteration import search_key
from bureau.extensions import db
from bureau.models import (
    ANSWER_FIELDS,
    Answer,
    AnswerLocal,
    AnswerStatus,
    AnswerVersion,
    Office,
    Role,
    User,
)

A = AnswerStatus
LIMITS = {"title": 200, "title_en": 200, "fee_term": 300, "legal_basis": 300}
TEXT_LIMIT = 20_000  # body, body_en, documents, place, a local part
REVIEW_MONTHS = 12  # a new answer is to be reviewed within a year
REMIND_EVERY = timedelta(days=7)


@dataclass(frozen=True)
class AnswerData:
    """An answer as typed in the form, before it is checked."""

    title: str
    body: str
    documents: str = ""
    place: str = ""
    fee_term: str = ""
    legal_basis: str = ""
    title_en: str = ""
    body_en: str = ""
    categories: list[str] = field(default_factory=list)
    subcategories: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    shared: bool = False
    review_by: date | None = None


@dataclass(frozen=True)
class Content:
    """What a version of an answer says (the fields of ANSWER_FIELDS)."""

    title: str
    body: str
    documents: str
    place: str
    fee_term: str
    legal_basis: str
    title_en: str
    body_en: str
    categories: list[str]
    subcategories: list[str]
    services: list[str]

    def label(self, locale: str = "bg") -> str:
        return self.title_en if locale == "en" and self.title_en else self.title

    def text(self, locale: str = "bg") -> str:
        return self.body_en if locale == "en" and self.body_en else self.body


# --- writing ---------------------------------------------------------------------------


def create(office: Office, data: AnswerData, *, actor: User, today: date) -> Answer:
    """A new draft of the office's library, owned by its author."""
    checked = _checked(office, data)
    answer = Answer(
        office=office,
        office_id=office.id,
        owner=actor,
        status=A.DRAFT.value,
        review_by=data.review_by or _months_later(today, REVIEW_MONTHS),
        shared=data.shared,
    )
    _write(answer, checked)
    db.session.add(answer)
    answer.last_changed_by = actor
    db.session.flush()
    _version(answer, "created", actor)
    audit.record("answer.create", actor=actor, obj=("answer", answer.id), office_id=office.id)
    return answer


def save(answer: Answer, data: AnswerData, *, actor: User, today: date) -> Answer:
    """Change the working copy. A published answer stays as it was approved for its
    readers until the change is approved; the answer is a draft again until then."""
    _require_editable(answer, actor)
    if answer.status == A.ARCHIVED:
        raise DomainError(_l("Отговорът е архивиран: първо го възстановете."))
    checked = _checked(answer.office, data)
    if data.review_by is not None:
        answer.review_by = data.review_by
    answer.shared = data.shared
    _write(answer, checked)
    answer.status = A.DRAFT.value
    answer.last_changed_by = actor
    _version(answer, "edited", actor)
    audit.record(
        "answer.change", actor=actor, obj=("answer", answer.id), office_id=answer.office_id
    )
    return answer


def submit(answer: Answer, *, actor: User) -> None:
    """The author asks for the answer to be reviewed and published."""
    _require_editable(answer, actor)
    _require_status(answer, A.DRAFT)
    _step(answer, A.IN_REVIEW, "submitted", actor)


def approve(answer: Answer, *, actor: User, today: date) -> None:
    """A coordinator of the owning office, not the one who last changed it, publishes it."""
    _require_status(answer, A.IN_REVIEW)
    if actor.role not in (Role.COORDINATOR, Role.ADMIN) or not _owns(answer, actor):
        raise DomainError(_l("Само координатор на бюрото одобрява отговори."))
    if answer.last_changed_by_id == actor.id:
        raise DomainError(
            _l("Отговорът се одобрява от друг човек, не от последния, който го е променил.")
        )
    if answer.review_by <= today:
        raise DomainError(_l("Определете дата за преглед в бъдещето."), "review_by")
    version = _step(answer, A.PUBLISHED, "approved", actor)
    answer.live = version
    answer.reminded_on = None


def send_back(answer: Answer, *, actor: User, note: str) -> None:
    """The reviewer returns the answer to its author with what to change."""
    _require_status(answer, A.IN_REVIEW)
    if actor.role not in (Role.COORDINATOR, Role.ADMIN) or not _owns(answer, actor):
        raise DomainError(_l("Само координатор на бюрото връща отговори за поправка."))
    note = (note or "").strip()
    if not note or len(note) > 2000:
        raise DomainError(_l("Напишете какво да се поправи (до 2000 знака)."), "note")
    _step(answer, A.DRAFT, "returned", actor, note=note)


def archive(answer: Answer, *, actor: User) -> None:
    """No longer shown to anyone but its office's staff; kept with its history."""
    _require_editable(answer, actor)
    if answer.status == A.ARCHIVED:
        raise DomainError(_l("Отговорът вече е архивиран."))
    _step(answer, A.ARCHIVED, "archived", actor)
    answer.live = None


def restore(answer: Answer, *, actor: User) -> None:
    """An archived answer back to a draft, to be reviewed again."""
    _require_editable(answer, actor)
    _require_status(answer, A.ARCHIVED)
    _step(answer, A.DRAFT, "restored", actor)


def set_local_part(answer: Answer, office: Office, text: str, *, actor: User) -> None:
    """An office's own addition to a shared answer (its addresses, its hours)."""
    if not answer.shared and answer.office_id != office.id:
        raise DomainError(_l("Отговорът не е споделен с това бюро."))
    text = (text or "").strip()
    if len(text) > TEXT_LIMIT:
        raise DomainError(_l("Текстът е твърде дълъг (до %(n)d знака).", n=TEXT_LIMIT), "text")
    local = next((p for p in answer.local_parts if p.office_id == office.id), None)
    if local is None:
        local = AnswerLocal(answer=answer, office_id=office.id)
        answer.local_parts.append(local)
    local.text = text
    audit.record("answer.local", actor=actor, obj=("answer", answer.id), office_id=office.id)
    db.session.flush()


def _checked(office: Office, data: AnswerData) -> dict:
    values = {key: one_line(getattr(data, key)) for key in LIMITS}
    if not values["title"]:
        raise DomainError(_l("Напишете заглавие на отговора."), "title")
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            raise DomainError(_l("Текстът е твърде дълъг (до %(n)d знака).", n=limit), key)
    for key in ("body", "documents", "place", "body_en"):
        text = (getattr(data, key) or "").replace("\r\n", "\n").strip()
        if "\x00" in text:
            raise DomainError(_l("Текстът съдържа непозволен знак."), key)
        if len(text) > TEXT_LIMIT:
            limit = TEXT_LIMIT
            raise DomainError(_l("Текстът е твърде дълъг (до %(n)d знака).", n=limit), key)
        values[key] = text
    if not values["body"]:
        raise DomainError(_l("Напишете отговора."), "body")
    values.update(_links(office, data))
    return values


def _links(office: Office, data: AnswerData) -> dict:
    """The categories, subcategories and services named, checked against the taxonomy and
    the office's register."""
    categories = {c.code: c for c in taxonomy.categories(active_only=False)}
    chosen = list(dict.fromkeys(data.categories or []))
    if any(code not in categories for code in chosen):
        raise DomainError(_l("Изберете категории от списъка."), "categories")
    allowed = {s.code for code in chosen for s in categories[code].subcategories}
    subs = list(dict.fromkeys(data.subcategories or []))
    if any(code not in allowed for code in subs):
        raise DomainError(_l("Подкатегорията не е от избраните категории."), "subcategories")
    known = {s.code for s in register.of_office(office.id)}
    services = list(dict.fromkeys(data.services or []))
    if any(code not in known for code in services):
        raise DomainError(_l("Изберете услуги от регистъра на общината."), "services")
    return {"categories": chosen, "subcategories": subs, "services": services}


def _write(answer: Answer, values: dict) -> None:
    for key in ANSWER_FIELDS:
        setattr(answer, key, values[key])


def _version(answer: Answer, step: str, actor: User | None, note: str = "") -> AnswerVersion:
    number = len(answer.versions) + 1
    version = AnswerVersion(
        answer=answer,
        number=number,
        step=step,
        content={key: getattr(answer, key) for key in ANSWER_FIELDS},
        actor=actor,
        note=note,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _step(answer: Answer, to: AnswerStatus, step: str, actor: User, note: str = ""):
    answer.status = to.value
    version = _version(answer, step, actor, note)
    audit.record(
        f"answer.{step}", actor=actor, obj=("answer", answer.id), office_id=answer.office_id
    )
    return version


def _require_status(answer: Answer, status: AnswerStatus) -> None:
    if answer.status != status:
        raise DomainError(_l("Отговорът не е в състояние за това действие."))


def _owns(answer: Answer, actor: User) -> bool:
    return actor.role == Role.ADMIN or actor.office_id == answer.office_id


def _require_editable(answer: Answer, actor: User) -> None:
    if not _owns(answer, actor) or actor.role not in (Role.EXPERT, Role.COORDINATOR, Role.ADMIN):
        raise DomainError(_l("Само експерти и координатори на бюрото променят този отговор."))


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


# --- reading ---------------------------------------------------------------------------


def get(answer_id: int, office: Office | None) -> Answer | None:
    """The answer if the office may see it (its own, or shared); every one for None (the
    administrator)."""
    answer = db.session.get(Answer, answer_id)
    if answer is None or office is None:
        return answer
    return answer if answer.office_id == office.id or answer.shared else None


def readable(answer_id: int, office: Office, field: str) -> Answer:
    """The published answer the office may give (its own or a shared one), or a
    DomainError on `field`: what a case may be answered with."""
    answer = get(answer_id, office)
    if answer is None or answer.live is None:
        raise DomainError(_l("Изберете публикуван отговор от библиотеката."), field)
    return answer


def staff_list(office: Office | None, *, q: str = "", status: str = "", stale_on=None):
    """The answers an office's staff see (its own, and those shared with it), newest first;
    `q` in Cyrillic or Latin, `status` one of AnswerStatus, `stale_on` a day: only the
    answers to be reviewed by then."""
    query = select(Answer).order_by(Answer.updated_at.desc(), Answer.id.desc())
    if office is not None:
        query = query.where(or_(Answer.office_id == office.id, Answer.shared))
    if status in {s.value for s in AnswerStatus}:
        query = query.where(Answer.status == status)
    if stale_on is not None:
        query = query.where(Answer.review_by < stale_on, Answer.status != A.ARCHIVED.value)
    answers = list(db.session.scalars(query))
    return [a for a in answers if matches(working(a), q)]


def published(
    office: Office | None, *, category: str = "", service: str = "", q: str = ""
) -> list[Answer]:
    """The live answers an office's desk and public see (its own and the shared ones;
    every office's for None), by title; narrowed by category, service code or words."""
    query = select(Answer).where(Answer.live_version_id.is_not(None))
    query = query.where(Answer.status != A.ARCHIVED.value).options(selectinload(Answer.live))
    if office is not None:
        query = query.where(or_(Answer.office_id == office.id, Answer.shared))
    found = []
    for answer in db.session.scalars(query):
        content = live(answer)
        if category and category not in content.categories:
            continue
        if service and (
            answer.office_id != getattr(office, "id", None) or service not in content.services
        ):
            continue
        if matches(content, q):
            found.append(answer)
    return sorted(found, key=lambda a: live(a).title.casefold())


def live(answer: Answer) -> Content:
    """What the answer's readers see: its last approved version."""
    if answer.live is None:
        raise DomainError(_l("Отговорът още не е публикуван."))
    return _content(answer.live.content)


def working(answer: Answer) -> Content:
    """The working copy, as its authors and reviewer see it."""
    return Content(**{key: getattr(answer, key) for key in ANSWER_FIELDS})


def _content(values: dict) -> Content:
    return Content(
        **{key: values.get(key, [] if key in LIST_FIELDS else "") for key in ANSWER_FIELDS}
    )


LIST_FIELDS = ("categories", "subcategories", "services")


def matches(content: Content, q: str) -> bool:
    """The words typed, in Cyrillic or Latin, found in the title or the text."""
    words = (q or "").strip()[:100]
    if not words:
        return True
    typed = search_key(words) or ""
    haystack = " ".join([content.title, content.title_en, content.body, content.documents])
    searched = search_key(haystack) or ""
    return all(word in searched for word in typed.split())


def local_part(answer: Answer, office: Office | None) -> str:
    if office is None:
        return ""
    return next((p.text for p in answer.local_parts if p.office_id == office.id), "")


def stale_count(office: Office, today: date) -> int:
    """How many of the office's own answers are past their review-by date."""
    query = select(func.count()).where(
        Answer.office_id == office.id,
        Answer.review_by < today,
        Answer.status != A.ARCHIVED.value,
    )
    return db.session.scalar(query) or 0


def is_stale(answer: Answer, today: date) -> bool:
    return answer.review_by < today and answer.status != A.ARCHIVED


def last_reviewed(answer: Answer):
    """When the live version was approved (the handbook says so on every page)."""
    return answer.live.created_at if answer.live is not None else None


def history(answer: Answer) -> list[AnswerVersion]:
    return list(answer.versions)


def as_dict(data: AnswerData) -> dict:
    return asdict(data)


# --- reminders -------------------------------------------------------------------------


def remind_owners(today: date) -> int:
    """Tell each owner of a stale answer, through the outbox, at most once a week — also
    when two hosts run the job at once: the reminder is claimed by an UPDATE before it is
    queued. One answer that cannot be reminded never stops the others. The number reminded."""
    due = or_(Answer.reminded_on.is_(None), Answer.reminded_on <= today - REMIND_EVERY)
    query = select(Answer).where(Answer.review_by < today, Answer.status != A.ARCHIVED.value, due)
    reminded = 0
    for answer in db.session.scalars(query).all():
        owner = answer.owner
        if owner is None or not owner.active or not owner.email:
            continue
        claim = db.session.begin_nested()
        # Leaves the version alone: a reminder is no edit for an editor's form to conflict with.
        claimed = db.session.execute(
            update(Answer)
            .where(Answer.id == answer.id, due)
            .values(reminded_on=today)
            .execution_options(synchronize_session=False)
        ).rowcount
        message = None
        if claimed == 1:
            message = notifications.queue_email(
                owner.email,
                "answer_review",
                {"answer": answer, "title": answer.title, "owner": owner},
                office=answer.office,
                language=owner.language or "bg",
            )
        if message is None:  # the other job's, or an address the outbox refuses: next run
            claim.rollback()
            continue
        claim.commit()
        db.session.commit()  # a job commits as it goes (see jobs.py): the claim is seen
        reminded += 1
    return reminded
