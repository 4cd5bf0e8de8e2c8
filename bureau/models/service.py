"""The register of the municipality's services: what each office's municipality provides
to citizens, with its statutory term, the unit that provides it and its legal basis."""

import secrets
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.base import utcnow
from bureau.models.office import Office
from bureau.models.stats import KEY_SPACE


class ServiceKind(StrEnum):
    ADMINISTRATIVE = "administrative"
    TECHNICAL = "technical"  # construction, urban planning, cadastre


class ServiceProblem(StrEnum):
    """What went wrong with a service, as a case records it (one or more)."""

    TERM = "term_exceeded"  # the statutory term was exceeded
    REQUIREMENTS = "unclear_requirements"  # unclear requirements or documents
    FEE = "fee"
    STAFF = "staff_treatment"
    ACCESS = "access"  # hours, distance, accessibility
    ONLINE = "online_information"  # information missing online
    CORRUPTION = "corruption"  # a signal of corruption or conflict of interest
    OTHER = "other"


# A case's problems are stored as one integer (StatRecord counts them with a bit test):
# each code's bit, in the order above — never reorder, only append.
PROBLEM_BITS = {problem.value: 1 << index for index, problem in enumerate(ServiceProblem)}


def problem_mask(codes) -> int:
    return sum(PROBLEM_BITS[code] for code in set(codes))


def problem_codes(mask: int) -> list[str]:
    return [code for code, bit in PROBLEM_BITS.items() if mask & bit]


class Service(db.Model):
    # Re-imports match a service by its register number or its name: both unique per office.
    __table_args__ = (
        UniqueConstraint("office_id", "code", name="uq_service_office_code"),
        UniqueConstraint("office_id", "register_number", name="uq_service_office_register_number"),
        UniqueConstraint("office_id", "name", name="uq_service_office_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    # The service's address on the public site: /services/<office>/<code>.
    code: Mapped[str] = mapped_column(String(40))
    # Its number in the national register of administrative services, where it has one.
    register_number: Mapped[str | None] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(20), default=ServiceKind.ADMINISTRATIVE.value)
    department: Mapped[str] = mapped_column(String(200), default="")
    # Working days; 0: the same day; None: not known.
    term_days: Mapped[int | None]
    fee: Mapped[str] = mapped_column(String(200), default="")
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    # The taxonomy's category the service is usually asked about (the intake form's filter).
    category: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    office: Mapped[Office] = relationship()

    def label(self, locale: str = "bg") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name

    def __repr__(self) -> str:
        return f"<Service {self.office_id} {self.code}>"


class ServiceRating(db.Model):
    """A citizen's anonymous rating of a service: codes, a date and an optional comment
    that only the office's coordinators read. Nothing about who rated, not even an address."""

    __table_args__ = (
        Index("ix_service_rating_office_rated", "office_id", "rated_on", "service_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    rated_on: Mapped[date]  # the day in Sofia
    satisfaction: Mapped[int] = mapped_column(SmallInteger)  # 1..5
    within_term: Mapped[str] = mapped_column(String(10))  # yes | no | unknown
    clear_requirements: Mapped[str] = mapped_column(String(10))  # yes | no | unknown
    courteous: Mapped[str] = mapped_column(String(10))  # yes | no | unknown
    extra_payment: Mapped[str] = mapped_column(String(12))  # yes | no | undisclosed
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Its secret share of every count it is in, as StatRecord's (statistics/suppression.py).
    cell_key: Mapped[int] = mapped_column(default=lambda: secrets.randbelow(KEY_SPACE))

    service: Mapped[Service] = relationship()
