"""The de-identified record that every statistic is computed from."""

import secrets
from datetime import date

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db

KEY_SPACE = 2**31  # as bureau.domain.statistics.suppression.KEY_SPACE (models import no domain)


class StatRecord(db.Model):
    """Coded fields only — never a name, contact, free text or note.

    Written with the inquiry and kept current through its life; retention and erasure
    never touch it, so figures once reported stay true.
    """

    __table_args__ = (
        Index("ix_stat_record_office_received", "office_id", "received_on"),
        Index("ix_stat_record_office_category", "office_id", "category", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    received_on: Mapped[date]
    category: Mapped[str] = mapped_column(String(40))
    subcategory: Mapped[str | None] = mapped_column(String(60))
    ekatte: Mapped[str | None] = mapped_column(String(5))
    channel: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(10))
    gender: Mapped[str] = mapped_column(String(20), default="undisclosed")
    age_band: Mapped[str] = mapped_column(String(20), default="undisclosed")
    unemployed: Mapped[bool] = mapped_column(default=False)
    disability: Mapped[bool] = mapped_column(default=False)
    pensioner: Mapped[bool] = mapped_column(default=False)
    minority: Mapped[bool] = mapped_column(default=False)
    single_parent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="new")
    due_on: Mapped[date | None]
    affiliation: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(40))
    resolved_on: Mapped[date | None]
    resolution_days: Mapped[int | None]
    overdue: Mapped[bool] = mapped_column(default=False)
    # The code of the first institution the case was referred to (see Referral).
    referral_institution: Mapped[str | None] = mapped_column(String(40))
    # From the citizen's feedback, once given: 1–5, yes/partly/no, and would recommend.
    # The municipal service the case is about (an entry of the office's register) and
    # the problems with it, as bits (models.service.PROBLEM_BITS).
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    service_problems: Mapped[int] = mapped_column(default=0, server_default="0")
    # The answer of the library used, and whether the desk resolved the inquiry at once.
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id"))
    first_contact: Mapped[bool] = mapped_column(default=False, server_default="0")
    satisfaction: Mapped[int | None]
    problem_solved: Mapped[str | None] = mapped_column(String(10))
    would_recommend: Mapped[bool | None]
    # The record's secret share of every count it is in (bureau/domain/statistics/suppression.py):
    # random, given once, never shown, never changed.
    cell_key: Mapped[int] = mapped_column(default=lambda: secrets.randbelow(KEY_SPACE))

    inquiry = relationship("Inquiry")
