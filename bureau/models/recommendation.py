"""The advisory commission's recommendations to the council and the administration."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.base import utcnow
from bureau.models.office import Office
from bureau.models.user import User


class RecommendationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"


class Recommendation(db.Model):
    """Public once submitted; edited only as a draft, then moved on by dated responses."""

    __table_args__ = (Index("ix_recommendation_office_status", "office_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    addressee: Mapped[str] = mapped_column(String(200))
    # Category codes of the taxonomy whose figures motivated the recommendation.
    categories: Mapped[list] = mapped_column(JSON, default=list)
    # Codes of the office's services (its register) the recommendation names.
    services: Mapped[list] = mapped_column(JSON, default=list)
    # The evidence period, whole months: the first day of the first and of the last month.
    evidence_from: Mapped[date]
    evidence_to: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=RecommendationStatus.DRAFT.value)
    submitted_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    office: Mapped[Office] = relationship()
    created_by: Mapped[User | None] = relationship()
    responses: Mapped[list["RecommendationResponse"]] = relationship(
        back_populates="recommendation",
        order_by="RecommendationResponse.responded_on, RecommendationResponse.id",
        cascade="all, delete-orphan",
    )

    @property
    def is_public(self) -> bool:
        return self.status != RecommendationStatus.DRAFT


class RecommendationResponse(db.Model):
    """A dated step of a recommendation: submitted, the council's answer, implementation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    responded_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recommendation: Mapped[Recommendation] = relationship(back_populates="responses")
