"""An inquiry (a case), its timeline and the counter that numbers references."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.answer import Answer
from bureau.models.base import utcnow
from bureau.models.citizen import Citizen
from bureau.models.office import Office, Settlement
from bureau.models.service import Service
from bureau.models.taxonomy import Category, Subcategory
from bureau.models.user import User


class ReferenceCounter(db.Model):
    """The last reference number given per office and year."""

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Inquiry(db.Model):
    __table_args__ = (
        # A list newest first: the rest of each entry lets SQLite check a filter and a
        # name search's citizen in the index, and read a case's row only when it matches
        # (an overdue case named "Иван" meant reading 21,000 rows at a million cases;
        # issue 18). The id keeps the order the lists sort by (received, then id).
        Index(
            "ix_inquiry_office_received",
            "office_id",
            "received_at",
            "id",
            "status",
            "due_date",
            "category_id",
            "citizen_id",
        ),
        Index("ix_inquiry_office_status_due", "office_id", "status", "due_date"),
        Index(
            "ix_inquiry_office_category",
            "office_id",
            "category_id",
            "received_at",
            "id",
            "citizen_id",
        ),
        # The coordinator's usual filter, "in progress in social assistance": page and count.
        Index(
            "ix_inquiry_office_status_category", "office_id", "status", "category_id", "received_at"
        ),
        Index("ix_inquiry_office_settlement", "office_id", "settlement_id", "received_at"),
        Index("ix_inquiry_office_due", "office_id", "due_date"),
        # An expert's own list, newest first; and open cases per expert (loads, dashboard).
        Index("ix_inquiry_office_expert", "office_id", "expert_id", "received_at"),
        Index("ix_inquiry_office_status_expert", "office_id", "status", "expert_id"),
        Index("ix_inquiry_citizen", "citizen_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    subcategory_id: Mapped[int | None] = mapped_column(ForeignKey("subcategory.id"))
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlement.id"))
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new")
    due_date: Mapped[date | None]
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The municipal service the case is about, and its problems (models.service.PROBLEM_BITS).
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    service_problems: Mapped[int] = mapped_column(default=0, server_default="0")
    # The answer of the library the case was answered with (at the desk, or in the reply).
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id"))
    outcome: Mapped[str | None] = mapped_column(String(40))
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    public_reply: Mapped[str | None] = mapped_column(Text)
    # One-time token of the intake form: a resubmitted form finds this case again.
    intake_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What was sent with that token: the API refuses the same key with another body.
    intake_fingerprint: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # "Waiting on the citizen" pauses the clock for some categories.
    waiting_since: Mapped[date | None]
    # Overdue reminders go out at most once a day per case.
    last_reminder_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    office: Mapped[Office] = relationship()
    category: Mapped[Category] = relationship()
    subcategory: Mapped[Subcategory | None] = relationship()
    settlement: Mapped[Settlement | None] = relationship()
    service: Mapped[Service | None] = relationship()
    answer: Mapped[Answer | None] = relationship()
    citizen: Mapped[Citizen | None] = relationship()
    expert: Mapped[User | None] = relationship(foreign_keys=[expert_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    events: Mapped[list["Event"]] = relationship(
        back_populates="inquiry", order_by="Event.created_at, Event.id"
    )

    def __repr__(self) -> str:
        return f"<Inquiry {self.reference}>"


class Event(db.Model):
    """One entry of a case's timeline. Append-only: never updated, never deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    inquiry: Mapped[Inquiry] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
