"""Privacy jobs: erasure requests, cases anonymised, retention runs."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.base import utcnow
from bureau.models.user import User


class ErasureRequest(db.Model):
    """A citizen's request to be forgotten, as carried out by an administrator."""

    __tablename__ = "erasure_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"), index=True)
    # Who passed the citizen's request on (usually the office's coordinator), and when.
    requested_by: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    cases: Mapped[int] = mapped_column(default=0)

    actor: Mapped[User] = relationship()


class AnonymisedCase(db.Model):
    """A case whose personal data has been removed; its StatRecord is untouched."""

    __tablename__ = "anonymised_case"

    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(20))  # retention / erasure
    erasure_id: Mapped[int | None] = mapped_column(ForeignKey("erasure_request.id"))


class RetentionRun(db.Model):
    """One retention purge per day: `jobs run` runs every few minutes, the purge once."""

    __tablename__ = "retention_run"

    day: Mapped[date] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    cases: Mapped[int] = mapped_column(default=0)
