"""Experts: the profile that routing reads."""

import enum
from datetime import date

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
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
