"""The commission's monthly digest: one claim row per office and month."""

from datetime import date, datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from bureau.extensions import db
from bureau.models.base import utcnow


class DigestRun(db.Model):
    """One digest per office and calendar month: `jobs run` runs often, the digest once.

    `month` is the first day of the month the figures are about (the previous month)."""

    __tablename__ = "digest_run"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)
