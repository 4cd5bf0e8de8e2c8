"""The institutions cases are referred to: each office's own, kept by its coordinators,
and the national ones (office_id NULL) kept by the administrator and seen by every office."""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from bureau.domain import DomainError, audit, emails
from bureau.domain.text import checked, one_line
from bureau.domain.transliteration import to_latin
from bureau.extensions import db
from bureau.models import INSTITUTION_KINDS, Institution, Role, User


@dataclass
class InstitutionData:
    name: str
    kind: str = "other"
    email: str = ""
    address: str = ""
    contact_person: str = ""
    active: bool = True


def listed(user: User) -> Select:
    """The institutions the user keeps or sees: the administrator, all; a coordinator, the
    office's own and the national ones."""
    query = select(Institution)
    if user.role != Role.ADMIN:
        own = or_(Institution.office_id == user.office_id, Institution.office_id.is_(None))
        query = query.where(own)
    return query.order_by(Institution.office_id.is_(None), Institution.name)


def may_edit(user: User, institution: Institution) -> bool:
    """National institutions are the administrator's; an office's, its coordinators' too."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and institution.office_id == user.office_id


def save(
    data: InstitutionData,
    *,
    office_id: int | None,
    actor: User,
    institution: Institution | None = None,
) -> Institution:
    """Add an institution (to the office, or national with office_id None), or change one."""
    name = checked(one_line(data.name), "name", required=_l("Въведете наименованието."))
    if len(name) > 200:
        raise DomainError(_l("Наименованието е твърде дълго."), "name")
    if data.kind not in INSTITUTION_KINDS:
        raise DomainError(_l("Изберете вид."), "kind")
    address = emails.normalise(data.email, "email") if (data.email or "").strip() else ""
    for field, limit in (("address", 300), ("contact_person", 200)):
        if len(checked(getattr(data, field), field)) > limit:
            raise DomainError(_l("Текстът е твърде дълъг."), field)
    if institution is None:
        taken = set(
            db.session.scalars(
                select(Institution.code).where(
                    or_(Institution.office_id == office_id, Institution.office_id.is_(None))
                )
            )
        )
        institution = Institution(office_id=office_id, code=_code(name, taken))
        db.session.add(institution)
    institution.name = name
    institution.kind = data.kind
    institution.email = address
    institution.address = checked(data.address, "address")
    institution.contact_person = checked(data.contact_person, "contact_person")
    institution.active = bool(data.active)
    db.session.flush()
    audit.record(
        "institutions.changed",
        actor=actor,
        obj=("institution", institution.code),
        office_id=institution.office_id,
    )
    return institution


def _code(name: str, taken: set[str]) -> str:
    """A stable code from the name, in Latin letters: what statistics count by."""
    base = re.sub(r"[^a-z0-9]+", "_", to_latin(name).lower()).strip("_")[:36] or "institution"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code
