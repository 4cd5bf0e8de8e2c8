"""Inquiries citizens send themselves from the public site (channel `online`)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bureau.domain import DomainError, offices
from bureau.domain.cases import intake
from bureau.domain.cases.intake import IntakeData
from bureau.extensions import db
from bureau.models import Channel, ExpertProfile, Inquiry, Office, Role, User


def submit(data: IntakeData) -> tuple[Inquiry, str | None]:
    """Log the citizen's own inquiry; the receipt goes by the channel they chose.

    The settlement decides the office. No staff member acts (actor None). Without any
    contact the inquiry is anonymous: the citizen follows it with the PIN shown once.
    """
    office = office_of(data.settlement_id)
    if office is None:
        raise DomainError(_l("Изберете населено място от списъка."), "settlement")
    if not data.consent:
        raise DomainError(_l("Без съгласието ви не можем да приемем запитването."), "consent")
    data.channel = Channel.ONLINE.value
    data.anonymous = not data.citizen.has_identity
    # The receipt goes by the citizen's channel: by e-mail with the PIN, by SMS without.
    return intake.log_inquiry(data, office=office, actor=None, online=True)


def offices_for_public() -> list[Office]:
    """Every office, for the public home page and the choice on the online form."""
    return offices.list_offices()


def office_of(settlement_id: int | None) -> Office | None:
    """The office an online inquiry goes to: the settlement's, else the only office."""
    every = offices.list_offices()
    if settlement_id:
        return next((o for o in every for s in o.settlements if s.id == settlement_id), None)
    return every[0] if len(every) == 1 else None


@dataclass(frozen=True)
class PublicExpert:
    office_id: int
    name: str | None  # only if the expert agreed to be named
    affiliation: str
    organisation: str
    fields: list


def public_experts() -> list[PublicExpert]:
    """The active experts by field of expertise; a name only where the expert agreed."""
    profiles = db.session.scalars(
        select(ExpertProfile)
        .join(User, User.id == ExpertProfile.user_id)
        .where(User.active.is_(True), User.role == Role.EXPERT)
        .options(selectinload(ExpertProfile.expertise), selectinload(ExpertProfile.user))
        .order_by(ExpertProfile.affiliation, User.id)
    )
    return [
        PublicExpert(
            office_id=p.user.office_id,
            name=p.user.name if p.public_name else None,
            affiliation=p.affiliation,
            organisation=p.organisation,
            fields=list(p.expertise),
        )
        for p in profiles
        if p.expertise
    ]
