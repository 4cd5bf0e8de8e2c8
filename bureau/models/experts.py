"""Experts: the profile that routing reads, and the institutions cases are referred to."""

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.base import utcnow
from bureau.models.taxonomy import Category
from bureau.models.user import User


class Affiliation(enum.StrEnum):
    NGO = "ngo"
    MUNICIPAL = "municipal"


expert_category = Table(
    "expert_category",
    db.metadata,
    Column("expert_id", ForeignKey("expert_profile.user_id"), primary_key=True),
    Column("category_id", ForeignKey("category.id"), primary_key=True),
)


class ExpertProfile(db.Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    affiliation: Mapped[str] = mapped_column(String(20), default=Affiliation.NGO.value)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(default=10)
    on_leave_until: Mapped[date | None]
    # Shown by field, never by name, on the public site unless the expert agreed.
    public_name: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(backref=db.backref("expert_profile", uselist=False))
    expertise: Mapped[list[Category]] = relationship(secondary=expert_category)

    def available_on(self, day: date) -> bool:
        return self.on_leave_until is None or self.on_leave_until < day


class Institution(db.Model):
    """An outside institution a case can be referred to (per office)."""

    __table_args__ = (UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Referral(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    institution: Mapped[Institution] = relationship()


class Attachment(db.Model):
    """A file on a case, stored under instance/uploads with a generated name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
