"""Every e-mail and SMS goes through the outbox, written in the transaction that causes it."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bureau.extensions import db
from bureau.models.base import utcnow


class OutboxMessage(db.Model):
    __table_args__ = (
        Index("ix_outbox_message_pending", "status", "next_attempt_at"),
        # The monthly SMS cap sums an office's segments sent since the month began.
        Index("ix_outbox_message_sms_sent", "office_id", "channel", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # email, or sms: then `to` is the phone number, `body_text` the whole text (no
    # subject, no html) and `segments` how many SMS the gateway will bill for it.
    channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiry.id"), index=True)
    # Whose coordinators see the message if it fails (none: only the administrator).
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    # pending (failing too, once attempts > 0), sent, failed (given up: only "retry" resends)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A delivering job claims a message until this moment; another job skips it.
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    segments: Mapped[int | None]


class SmsCapWarning(db.Model):
    """One warning per office and month that its SMS near the monthly cap: the claim row."""

    __tablename__ = "sms_cap_warning"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)  # the month's first day
    at: Mapped[datetime] = mapped_column(default=utcnow)
