"""Expert profiles: affiliation, organisation, expertise, capacity, leave."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bureau.domain import DomainError
from bureau.extensions import db
from bureau.models import Affiliation, Category, ExpertProfile, Role, User


def office_experts(office_id: int | None, *, profiles: bool = True) -> list[User]:
    """The experts of the office (all offices for None), by name; with their profiles
    unless a list of names is all that is wanted."""
    query = select(User).where(User.role == Role.EXPERT).order_by(User.name)
    if profiles:
        query = query.options(
            selectinload(User.expert_profile).selectinload(ExpertProfile.expertise)
        )
    if office_id is not None:
        query = query.where(User.office_id == office_id)
    return list(db.session.scalars(query))


def profile_of(user: User) -> ExpertProfile:
    """The expert's profile, created with defaults the first time it is needed."""
    if user.role != Role.EXPERT:
        raise DomainError(_l("Само експертите имат профил."))
    if user.expert_profile is None:
        profile = ExpertProfile(user=user)
        db.session.add(profile)
        db.session.flush()
    return user.expert_profile


def update_profile(
    user: User,
    *,
    affiliation: str,
    organisation: str,
    capacity: int,
    on_leave_until: date | None,
    category_ids: list[int],
    public_name: bool = False,
) -> ExpertProfile:
    """Set what routing reads: affiliation, expertise, capacity and leave."""
    if affiliation not in {a.value for a in Affiliation}:
        raise DomainError(_l("Изберете принадлежност."), "affiliation")
    if not 0 <= capacity <= 500:
        raise DomainError(_l("Капацитетът трябва да е между 0 и 500 случая."), "capacity")
    profile = profile_of(user)
    profile.affiliation = affiliation
    profile.organisation = (organisation or "").strip()[:200]
    profile.capacity = capacity
    profile.on_leave_until = on_leave_until
    profile.public_name = public_name
    profile.expertise = list(
        db.session.scalars(select(Category).where(Category.id.in_(category_ids or [])))
    )
    db.session.flush()
    return profile
