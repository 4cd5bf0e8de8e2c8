"""Referrals: the outside institutions a case can be sent to, each referral and its
de-identified statistical twin."""

import secrets
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.base import utcnow
from bureau.models.stats import KEY_SPACE

INSTITUTION_KINDS = ("social_assistance", "noi", "nra", "rhi", "labour", "municipal", "other")


class Institution(db.Model):
    """An outside institution a case can be referred to: one office's, or a national one
    (office_id NULL) that every office sees."""

    __table_args__ = (UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="other", server_default="other")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="", server_default="")
    active: Mapped[bool] = mapped_column(default=True)


class ReferralRecord(db.Model):
    """The statistical twin of a referral: codes and day counts only.

    A table of its own rather than columns of StatRecord: a case may be referred several
    times, and StatRecord has one row per case. It names no case (the Referral points to
    it, not back), so erasing a case leaves it — and the figures once reported — intact.
    Written only by bureau/domain/statistics/records.py.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    referred_on: Mapped[date]
    institution: Mapped[str] = mapped_column(String(40))  # the institution's code
    state: Mapped[str] = mapped_column(String(20), default="sent")
    result: Mapped[str | None] = mapped_column(String(20))  # the institution's coded outcome
    ack_days: Mapped[int | None]  # working days from sending to acknowledgement
    outcome_days: Mapped[int | None]  # working days from sending to the outcome
    cell_key: Mapped[int] = mapped_column(default=lambda: secrets.randbelow(KEY_SPACE))


class Referral(db.Model):
    """A case sent to an institution: its state (bureau/domain/referrals), the summary
    the citizen agreed to share, the one link the institution answers through (only its
    hash is kept) and the institution's answers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")  # internal: never leaves the bureau
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    state: Mapped[str] = mapped_column(String(20), default="sent", server_default="sent")
    sent_on: Mapped[date | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_expires_at: Mapped[datetime | None]
    link_revoked_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]  # accepted or declined
    decline_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    outcome_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(Text, default="", server_default="")
    result: Mapped[str | None] = mapped_column(String(20))
    reminded_on: Mapped[date | None]
    record_id: Mapped[int | None] = mapped_column(ForeignKey("referral_record.id"))

    institution: Mapped[Institution] = relationship()
    inquiry = relationship("Inquiry")
    created_by = relationship("User")
    record: Mapped[ReferralRecord | None] = relationship()
