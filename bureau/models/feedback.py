"""The citizen's feedback on a case, and the one-time link that asks for it."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.base import utcnow
from bureau.models.inquiry import Inquiry
from bureau.models.user import User


class Feedback(db.Model):
    """One answer per case: from the e-mailed link, the status page or a paper form."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), unique=True)
    satisfaction: Mapped[int]  # 1 (very dissatisfied) … 5 (very satisfied)
    problem_solved: Mapped[str | None] = mapped_column(String(10))  # yes / partly / no
    would_recommend: Mapped[bool | None]
    # Free text may name people: shown to coordinators only, never copied to statistics.
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))  # online / paper
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    inquiry: Mapped[Inquiry] = relationship()
    entered_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Feedback {self.inquiry_id} {self.satisfaction}>"


class FeedbackLink(db.Model):
    """The one-time token e-mailed to the citizen; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    inquiry: Mapped[Inquiry] = relationship()
