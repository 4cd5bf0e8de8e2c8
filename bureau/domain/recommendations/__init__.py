"""The commission's recommendations register: drafts, submission and dated responses.

draft → submitted → accepted | partially_accepted | rejected; accepted and partially
accepted → implemented. A draft is edited freely; once submitted it is public and only
moves on by a dated response. Every change names the version it was made on, so an edit
made on a stale page is refused instead of silently overwriting a colleague's.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from bureau.domain import DomainError, NotFound
from bureau.domain.services import register
from bureau.extensions import db
from bureau.models import (
    Category,
    EvidenceItem,
    EvidenceState,
    Office,
    Recommendation,
    RecommendationResponse,
    SavedView,
    Service,
    User,
)
from bureau.models import RecommendationStatus as Status

NEXT = {
    Status.DRAFT: (Status.SUBMITTED,),
    Status.SUBMITTED: (Status.ACCEPTED, Status.PARTIALLY_ACCEPTED, Status.REJECTED),
    Status.ACCEPTED: (Status.IMPLEMENTED,),
    Status.PARTIALLY_ACCEPTED: (Status.IMPLEMENTED,),
    Status.REJECTED: (),
    Status.IMPLEMENTED: (),
}
STALE = _l(
    "Препоръката междувременно е променена от друг член на комисията. "
    "Презаредете страницата и опитайте отново."
)


@dataclass
class Draft:
    title: str
    text: str
    addressee: str
    categories: list[str]
    evidence_from: date
    evidence_to: date
    services: list[str] = field(default_factory=list)  # codes of the office's register
    evidence: list[int] = field(default_factory=list)  # approved evidence items' ids
    views: list[int] = field(default_factory=list)  # ids of frozen statistics views


def for_office(office: Office, *, public_only: bool = False) -> list[Recommendation]:
    """The office's recommendations, newest first (only submitted ones for the public)."""
    query = (
        select(Recommendation)
        .where(Recommendation.office_id == office.id)
        .options(selectinload(Recommendation.responses))
        .order_by(Recommendation.created_at.desc(), Recommendation.id.desc())
    )
    if public_only:
        query = query.where(Recommendation.status != Status.DRAFT.value)
    return list(db.session.scalars(query))


def of_period(office: Office, period) -> list[Recommendation]:
    """Recommendations submitted, or answered, within the period: the quarterly report's."""
    answered = select(RecommendationResponse.recommendation_id).where(
        RecommendationResponse.responded_on >= period.start,
        RecommendationResponse.responded_on < period.end,
    )
    in_period = (Recommendation.submitted_on >= period.start) & (
        Recommendation.submitted_on < period.end
    )
    query = (
        select(Recommendation)
        .where(Recommendation.office_id == office.id, Recommendation.status != Status.DRAFT.value)
        .where(or_(in_period, Recommendation.id.in_(answered)))
        .options(selectinload(Recommendation.responses))
        .order_by(Recommendation.submitted_on, Recommendation.id)
    )
    return list(db.session.scalars(query))


def get(recommendation_id: int, *, public_only: bool = False) -> Recommendation:
    """The recommendation, or NotFound (a draft is not found by the public)."""
    found = db.session.get(Recommendation, recommendation_id)
    if found is None or (public_only and not found.is_public):
        raise NotFound(_l("Препоръката не е намерена."))
    return found


def create(office: Office, draft: Draft, *, actor: User) -> Recommendation:
    """A new draft recommendation of the office's commission."""
    _validate(draft, office)
    fields, cited = _split(draft)
    recommendation = Recommendation(office_id=office.id, created_by_id=actor.id, **fields)
    recommendation.evidence, recommendation.views = cited
    db.session.add(recommendation)
    db.session.flush()
    return recommendation


def update(
    recommendation: Recommendation, draft: Draft, *, version: int, actor: User
) -> Recommendation:
    """Edit a draft; a submitted recommendation is on the record and stays as it was."""
    check_version(recommendation, version)
    if recommendation.status != Status.DRAFT:
        raise DomainError(_l("Само чернова може да се редактира."))
    _validate(draft, recommendation.office)
    fields, cited = _split(draft)
    for key, value in fields.items():
        setattr(recommendation, key, value)
    recommendation.evidence, recommendation.views = cited
    db.session.flush()
    return recommendation


def respond(
    recommendation: Recommendation,
    *,
    status: str,
    on: date,
    text: str,
    version: int,
    actor: User,
    today: date,
) -> RecommendationResponse:
    """Move the recommendation on (submit it, record the answer, mark it implemented)."""
    check_version(recommendation, version)
    if status not in NEXT[Status(recommendation.status)]:
        raise DomainError(_l("Тази промяна на статуса не е възможна."), "status")
    if on > today:
        raise DomainError(_l("Датата не може да е в бъдещето."), "on")
    last = max([r.responded_on for r in recommendation.responses], default=None)
    if last is not None and on < last:
        raise DomainError(_l("Датата не може да е преди предишния отговор."), "on")
    if status != Status.SUBMITTED and not text.strip():
        raise DomainError(_l("Опишете отговора."), "text")
    response = RecommendationResponse(
        status=status, responded_on=on, text=text.strip(), created_by_id=actor.id
    )
    recommendation.responses.append(response)
    recommendation.status = status
    if status == Status.SUBMITTED:
        recommendation.submitted_on = on
    db.session.flush()
    return response


def check_version(recommendation: Recommendation, version: int) -> None:
    """Refuse a change made on a page older than the recommendation (a colleague saved)."""
    if version != recommendation.version:
        raise DomainError(STALE, "version")


def services_named(recommendation: Recommendation) -> list[Service]:
    """The services of its office's register the recommendation names, by name."""
    named = set(recommendation.services or [])
    found = [s for s in register.of_office(recommendation.office_id) if s.code in named]
    return sorted(found, key=lambda s: s.name.casefold())


def _split(draft: Draft) -> tuple[dict, tuple[list, list]]:
    """The recommendation's own fields, and what it cites (checked by _validate)."""
    fields = {k: v for k, v in vars(draft).items() if k not in ("evidence", "views")}
    evidence = [db.session.get(EvidenceItem, i) for i in draft.evidence]
    views = [db.session.get(SavedView, i) for i in draft.views]
    return fields, (evidence, views)


def citable_evidence(office_id: int) -> list[EvidenceItem]:
    query = select(EvidenceItem).where(
        EvidenceItem.office_id == office_id, EvidenceItem.state == EvidenceState.APPROVED.value
    )
    return list(db.session.scalars(query.order_by(EvidenceItem.id.desc())))


def _validate(draft: Draft, office: Office) -> None:
    draft.title, draft.addressee = draft.title.strip(), draft.addressee.strip()
    draft.text = draft.text.strip()
    if not draft.title or len(draft.title) > 200:
        raise DomainError(_l("Въведете заглавие (до 200 знака)."), "title")
    if not draft.text:
        raise DomainError(_l("Въведете текста на препоръката."), "text")
    if not draft.addressee or len(draft.addressee) > 200:
        raise DomainError(_l("Посочете до кого е препоръката."), "addressee")
    known = set(db.session.scalars(select(Category.code)))
    if not draft.categories or not set(draft.categories) <= known:
        raise DomainError(_l("Изберете поне една категория от списъка."), "categories")
    draft.services = list(dict.fromkeys(draft.services or []))
    if draft.services:
        codes = {s.code for s in register.of_office(office.id)}
        if not set(draft.services) <= codes:
            raise DomainError(_l("Изберете услуги от регистъра на общината."), "services")
    draft.evidence = list(dict.fromkeys(draft.evidence or []))
    if not set(draft.evidence) <= {e.id for e in citable_evidence(office.id)}:
        raise DomainError(_l("Цитирайте само одобрени доказателства на офиса."), "evidence")
    draft.views = list(dict.fromkeys(draft.views or []))
    views = select(SavedView.id).where(SavedView.office_id == office.id)
    if not set(draft.views) <= set(db.session.scalars(views)):
        raise DomainError(_l("Цитирайте само запазени таблици на офиса."), "views")
    if draft.evidence_to < draft.evidence_from:
        raise DomainError(_l("Началният месец е след крайния."), "evidence_to")
    draft.evidence_from = draft.evidence_from.replace(day=1)
    draft.evidence_to = draft.evidence_to.replace(day=1)
