"""Evidence from casework: a case flagged as a sign of a systemic problem.

An expert on their case, or a coordinator, writes a short anonymised vignette with a coded
problem, the category and (if any) the service. A coordinator approves it, warned by
vignettes.findings of anything that looks like personal data; only then does the
commission see it — the vignette and its codes, never the case. A rejected item goes back
to its author with the reason and is approved once rewritten.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bureau.domain import DomainError, NotFound, audit
from bureau.domain.recommendations import vignettes
from bureau.extensions import db
from bureau.models import (
    Category,
    EvidenceItem,
    EvidenceProblem,
    EvidenceState,
    Inquiry,
    Office,
    Outcome,
    Role,
    Service,
    User,
    utcnow,
)

SHORTEST, LONGEST = 40, 3000
STALE = _l("Доказателството междувременно е променено. Презаредете страницата.")


@dataclass
class EvidenceDraft:
    problem: str
    category: str
    vignette: str
    service: str | None = None  # the code of a service of the office's register


def proposed(case: Inquiry) -> bool:
    """A case escalated to the commission asks for a vignette, until it has one."""
    return case.outcome == Outcome.ESCALATED and not for_case(case)


def for_case(case: Inquiry) -> list[EvidenceItem]:
    query = select(EvidenceItem).where(EvidenceItem.inquiry_id == case.id)
    return list(db.session.scalars(query.order_by(EvidenceItem.id)))


def flag(case: Inquiry, draft: EvidenceDraft, *, actor: User) -> EvidenceItem:
    """Flag the case as evidence; the item waits for a coordinator."""
    service = _validate(draft, case.office)
    item = EvidenceItem(
        office_id=case.office_id, inquiry_id=case.id, created_by_id=actor.id,
        problem=draft.problem, category=draft.category, vignette=draft.vignette,
        service_id=service.id if service else None,
    )  # fmt: skip
    db.session.add(item)
    db.session.flush()
    audit.record("evidence.flag", actor=actor, obj=case, details={"evidence": item.id})
    return item


def revise(item: EvidenceItem, draft: EvidenceDraft, *, version: int, actor: User) -> None:
    """Rewrite a waiting or rejected item (its author, or a coordinator); it waits again."""
    _check(item, version)
    if item.state == EvidenceState.APPROVED:
        raise DomainError(_l("Одобреното доказателство не се променя."))
    if actor.role != Role.COORDINATOR and item.created_by_id != actor.id:
        raise DomainError(_l("Само авторът или координатор може да промени доказателството."))
    service = _validate(draft, item_office(item))
    item.problem, item.category, item.vignette = draft.problem, draft.category, draft.vignette
    item.service_id = service.id if service else None
    item.state = EvidenceState.PENDING.value
    db.session.flush()
    audit.record(
        "evidence.revise", actor=actor, office_id=item.office_id, details={"evidence": item.id}
    )


def approve(item: EvidenceItem, *, version: int, actor: User, checked: bool) -> None:
    """The commission may see it from now on: never with a phone, an e-mail address, an
    EGN or a case reference in it, and with a possible name or address looked at
    (`checked`) — vignettes.require_clean."""
    _check(item, version)
    if item.state != EvidenceState.PENDING:
        raise DomainError(_l("Само чакащо доказателство може да се одобри."))
    vignettes.require_clean(item.vignette, checked=checked)
    _review(item, EvidenceState.APPROVED, actor, note="")


def reject(item: EvidenceItem, *, reason: str, version: int, actor: User) -> None:
    """Back to its author with the reason."""
    _check(item, version)
    if item.state != EvidenceState.PENDING:
        raise DomainError(_l("Само чакащо доказателство може да се върне."))
    reason = (reason or "").strip()
    if not reason or len(reason) > 2000:
        raise DomainError(_l("Напишете защо връщате доказателството (до 2000 знака)."), "reason")
    _review(item, EvidenceState.REJECTED, actor, note=reason)


def get(item_id: int) -> EvidenceItem:
    found = db.session.get(EvidenceItem, item_id)
    if found is None:
        raise NotFound(_l("Доказателството не е намерено."))
    return found


def staff_list(office: Office, user: User, *, state: str | None = None) -> list[EvidenceItem]:
    """The office's items for its coordinator; an expert sees the ones they wrote."""
    query = select(EvidenceItem).where(EvidenceItem.office_id == office.id)
    if user.role != Role.COORDINATOR:
        query = query.where(EvidenceItem.created_by_id == user.id)
    if state in {s.value for s in EvidenceState}:
        query = query.where(EvidenceItem.state == state)
    return list(db.session.scalars(query.order_by(EvidenceItem.created_at.desc())))


def approved(
    office_id: int, *, category: str | None = None, problem: str | None = None
) -> list[EvidenceItem]:
    """What the commission sees: approved items, newest first."""
    query = select(EvidenceItem).where(
        EvidenceItem.office_id == office_id, EvidenceItem.state == EvidenceState.APPROVED.value
    )
    if category:
        query = query.where(EvidenceItem.category == category)
    if problem:
        query = query.where(EvidenceItem.problem == problem)
    return list(db.session.scalars(query.order_by(EvidenceItem.reviewed_at.desc())))


def pending_count(office_id: int) -> int:
    query = select(db.func.count(EvidenceItem.id)).where(
        EvidenceItem.office_id == office_id, EvidenceItem.state == EvidenceState.PENDING.value
    )
    return db.session.scalar(query) or 0


def item_office(item: EvidenceItem) -> Office:
    return db.session.get(Office, item.office_id)


def _review(item: EvidenceItem, state: EvidenceState, actor: User, *, note: str) -> None:
    item.state, item.review_note = state.value, note
    item.reviewed_at, item.reviewed_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record(
        f"evidence.{state.value}", actor=actor, office_id=item.office_id,
        details={"evidence": item.id},
    )  # fmt: skip


def _check(item: EvidenceItem, version: int) -> None:
    if version != item.version:
        raise DomainError(STALE, "version")


def _validate(draft: EvidenceDraft, office: Office) -> Service | None:
    """Check the draft; the service it names, if any."""
    draft.vignette = (draft.vignette or "").strip()
    if draft.problem not in {p.value for p in EvidenceProblem}:
        raise DomainError(_l("Изберете вида на проблема."), "problem")
    if not db.session.scalar(select(Category.id).where(Category.code == draft.category)):
        raise DomainError(_l("Изберете категория от списъка."), "category")
    service = None
    if draft.service:
        query = select(Service).where(Service.office_id == office.id, Service.code == draft.service)
        service = db.session.scalar(query)
        if service is None:
            raise DomainError(_l("Изберете услуга от регистъра на общината."), "service")
    if not SHORTEST <= len(draft.vignette) <= LONGEST:
        raise DomainError(
            _l(
                "Опишете случая без лични данни в %(low)d до %(high)d знака.",
                low=SHORTEST,
                high=LONGEST,
            ),
            "vignette",
        )
    return service
