"""Routing: which expert a case should go to (the lifecycle gives it to them)."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bureau.domain import DomainError, clock
from bureau.extensions import db
from bureau.models import OPEN_STATUSES, Affiliation, ExpertProfile, Inquiry, Role, User


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
        .where(
            Inquiry.office_id == office_id,
            Inquiry.expert_id.is_not(None),
            Inquiry.status.in_(OPEN_STATUSES),
        )
        .group_by(Inquiry.status, Inquiry.expert_id)
    )
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


def available_expert(case: Inquiry, expert_id: int) -> User:
    """The expert of the case's office the case may be given to, or a DomainError why not."""
    expert = db.session.get(User, expert_id)
    if expert is None or expert.role != Role.EXPERT or expert.office_id != case.office_id:
        raise DomainError(_l("Изберете експерт от този офис."), "expert")
    if not expert.active or expert.expert_profile is None:
        raise DomainError(_l("Този експерт не е на разположение."), "expert")
    if case.category.requires_municipal and expert.expert_profile.affiliation != "municipal":
        raise DomainError(_l("Тази категория изисква общински експерт."), "expert")
    return expert


def coordinators(office_id: int) -> list[User]:
    """The office's active coordinators (told of a declined case)."""
    return list(
        db.session.scalars(
            select(User).where(
                User.office_id == office_id, User.role == Role.COORDINATOR, User.active
            )
        )
    )
