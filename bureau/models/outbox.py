"""Every e-mail goes through the outbox, written in the transaction that causes it."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bureau.extensions import db
from bureau.models.base import utcnow


class OutboxMessage(db.Model):
    __table_args__ = (Index("ix_outbox_message_pending", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
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
