"""Routing: rank the experts for a case, assign it, and the expert's accept or decline."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bureau.domain import DomainError, clock, lifecycle, notifications
from bureau.extensions import db
from bureau.models import (
    OPEN_STATUSES,
    Affiliation,
    Event,
    EventKind,
    ExpertProfile,
    Inquiry,
    Role,
    Status,
    User,
)


@dataclass
class Candidate:
    expert: User
    profile: ExpertProfile
    open_cases: int
    score: int
    reasons: list[str] = field(default_factory=list)
    eligible: bool = True

    @property
    def load(self) -> str:
        return f"{self.open_cases}/{self.profile.capacity}"


def open_loads(office_id: int) -> dict[int, int]:
    """Open cases per expert of the office, in one query."""
    # Grouped by status first, so the (office, status, expert) index answers it alone;
    # grouped by expert, SQLite would read the expert index through every closed case.
    rows = db.session.execute(
        select(Inquiry.status, Inquiry.expert_id, func.count())
        .where(Inquiry.office_id == office_id, Inquiry.expert_id.is_not(None),
               Inquiry.status.in_(OPEN_STATUSES))
        .group_by(Inquiry.status, Inquiry.expert_id)
    )  # fmt: skip
    loads: dict[int, int] = {}
    for _status, expert_id, count in rows:
        loads[expert_id] = loads.get(expert_id, 0) + count
    return loads


def rank_experts(case: Inquiry, today: date | None = None) -> list[Candidate]:
    """The office's active experts, best first: expertise, spare capacity, availability,
    and the affiliation the category demands (some need a municipal expert)."""
    today = today or clock.sofia_today()
    experts = db.session.scalars(
        select(User)
        .join(ExpertProfile, ExpertProfile.user_id == User.id)
        .where(User.office_id == case.office_id, User.role == Role.EXPERT, User.active)
        .options(selectinload(User.expert_profile).selectinload(ExpertProfile.expertise))
    ).all()
    loads = open_loads(case.office_id)
    candidates = [_candidate(case, expert, loads.get(expert.id, 0), today) for expert in experts]
    return sorted(candidates, key=lambda c: (not c.eligible, -c.score, c.open_cases, c.expert.name))


def _candidate(case: Inquiry, expert: User, open_cases: int, today: date) -> Candidate:
    profile = expert.expert_profile
    candidate = Candidate(expert, profile, open_cases, score=0)
    if case.category_id in {c.id for c in profile.expertise}:
        candidate.score += 100
        candidate.reasons.append(str(_l("експертиза в категорията")))
    spare = profile.capacity - open_cases
    # Spare capacity as a share (0–50), always worth less than expertise (100): a
    # specialist with little room still ranks above a generalist with a lot.
    if profile.capacity > 0:
        candidate.score += max(spare, 0) * 50 // profile.capacity
    if spare <= 0:
        candidate.eligible = False
        candidate.reasons.append(str(_l("няма свободен капацитет")))
    if not profile.available_on(today):
        candidate.eligible = False
        candidate.reasons.append(str(_l("в отпуск до %(day)s", day=profile.on_leave_until)))
    if case.category.requires_municipal and profile.affiliation != Affiliation.MUNICIPAL:
        candidate.eligible = False
        candidate.reasons.append(str(_l("категорията изисква общински експерт")))
    return candidate


def assign(
    case: Inquiry, *, expert_id: int, actor: User, expected_version: int | None = None
) -> Event:
    """Give the case to an expert of the same office; the expert gets an e-mail.

    Reassigning an assigned case keeps the history on the timeline."""
    lifecycle.check_version(case, expected_version)
    expert = db.session.get(User, expert_id)
    if expert is None or expert.role != Role.EXPERT or expert.office_id != case.office_id:
        raise DomainError(_l("Изберете експерт от този офис."), "expert")
    if not expert.active or expert.expert_profile is None:
        raise DomainError(_l("Този експерт не е на разположение."), "expert")
    if case.category.requires_municipal and expert.expert_profile.affiliation != "municipal":
        raise DomainError(_l("Тази категория изисква общински експерт."), "expert")
    if case.status == Status.NEW:
        lifecycle.require_transition(case, Status.ASSIGNED, actor)
    elif case.status != Status.ASSIGNED:
        raise DomainError(_l("Случаят вече се работи; първо го върнете."), "expert")
    elif actor.role != Role.COORDINATOR or actor.office_id != case.office_id:
        raise DomainError(_l("Нямате право да преразпределите този случай."), "expert")
    previous = case.expert
    case.expert = expert
    case.status = Status.ASSIGNED.value
    event = Event(
        inquiry=case, actor=actor, kind=EventKind.ASSIGNED,
        data={"expert_id": expert.id, "expert": expert.name,
              **({"previous": previous.name} if previous else {})},
    )  # fmt: skip
    db.session.add(event)
    lifecycle.sync_stat_record(case, clock.sofia_today())
    notifications.queue_email(
        expert.email, "assigned", {"case": case, "expert": expert}, inquiry=case
    )
    db.session.flush()
    return event


def auto_assign(case: Inquiry, actor: User) -> Event | None:
    """On intake, where the office asks for it: the best-ranked available expert."""
    best = next((c for c in rank_experts(case) if c.eligible), None)
    if best is None:
        return None
    coordinator = actor if actor and actor.role == Role.COORDINATOR else None
    return _system_assign(case, best.expert, coordinator)


def _system_assign(case: Inquiry, expert: User, actor: User | None) -> Event:
    case.expert, case.status = expert, Status.ASSIGNED.value
    event = Event(inquiry=case, actor=actor, kind=EventKind.ASSIGNED,
                  data={"expert_id": expert.id, "expert": expert.name, "auto": True})  # fmt: skip
    db.session.add(event)
    lifecycle.sync_stat_record(case, clock.sofia_today())
    notifications.queue_email(
        expert.email, "assigned", {"case": case, "expert": expert}, inquiry=case
    )
    return event


def accept(case: Inquiry, *, actor: User, expected_version: int | None = None) -> Event:
    """The assigned expert takes the case on."""
    event = lifecycle.transition(
        case, Status.IN_PROGRESS, actor=actor, expected_version=expected_version
    )
    event.kind = EventKind.ACCEPTED
    return event


def decline(
    case: Inquiry, *, actor: User, reason: str, expected_version: int | None = None
) -> Event:
    """The expert gives the case back with a reason; the coordinators are told."""
    expert = case.expert
    event = lifecycle.transition(
        case, Status.NEW, actor=actor, reason=reason, expected_version=expected_version
    )
    event.kind = EventKind.DECLINED
    for coordinator in coordinators(case.office_id):
        notifications.queue_email(
            coordinator.email, "declined",
            {"case": case, "expert": expert, "reason": reason.strip()}, inquiry=case,
        )  # fmt: skip
    return event


def coordinators(office_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.office_id == office_id, User.role == Role.COORDINATOR, User.active
            )
        )
    )
