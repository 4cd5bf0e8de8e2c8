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
    # The public discussion: citizens may comment between these days (both included).
    comments_from: Mapped[date | None]
    comments_to: Mapped[date | None]
    discussion_summary: Mapped[str] = mapped_column(Text, default="")
    # The plan review a reminder was sent for (so each due review is reminded once).
    review_reminded_for: Mapped[date | None]
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
    evidence: Mapped[list["EvidenceItem"]] = relationship(
        secondary="recommendation_evidence", order_by="EvidenceItem.id"
    )
    views: Mapped[list["SavedView"]] = relationship(
        secondary="recommendation_view", order_by="SavedView.id"
    )
    actions: Mapped[list["Action"]] = relationship(
        back_populates="recommendation",
        order_by="Action.due_on, Action.id",
        cascade="all, delete-orphan",
    )
    reviews: Mapped[list["PlanReview"]] = relationship(
        back_populates="recommendation",
        order_by="PlanReview.reviewed_on, PlanReview.id",
        cascade="all, delete-orphan",
    )
    comments: Mapped[list["RecommendationComment"]] = relationship(
        back_populates="recommendation",
        order_by="RecommendationComment.created_at, RecommendationComment.id",
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


class EvidenceProblem(enum.StrEnum):
    """The kind of systemic problem a case is evidence of: the services' problems and
    two that are not about one service."""

    TERM = "term_exceeded"
    REQUIREMENTS = "unclear_requirements"
    FEE = "fee"
    STAFF = "staff_treatment"
    ACCESS = "access"
    ONLINE = "online_information"
    CORRUPTION = "corruption"  # corruption or a conflict of interest
    REGULATION = "regulation_gap"  # a rule that is missing, unclear or unfair
    COORDINATION = "coordination"  # institutions sending the citizen between them
    OTHER = "other"


class EvidenceState(enum.StrEnum):
    PENDING = "pending"  # written, waiting for a coordinator
    APPROVED = "approved"  # the commission sees it
    REJECTED = "rejected"  # sent back with a reason; the author may rewrite it


class EvidenceItem(db.Model):
    """An anonymised vignette flagged from a case: the commission sees it once a coordinator
    approved it, and never the case it came from."""

    __table_args__ = (Index("ix_evidence_item_office_state", "office_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiry.id"), index=True)
    problem: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    vignette: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=EvidenceState.PENDING.value)
    review_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    service: Mapped["Service | None"] = relationship()  # noqa: F821
    # For the staff's pages only: the commission's pages never follow it.
    inquiry: Mapped["Inquiry | None"] = relationship()  # noqa: F821


class SavedView(db.Model):
    """A statistics table frozen as the commission saw it (suppressed, with its labels,
    period and filters), so a recommendation cites numbers that do not move afterwards."""

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    table: Mapped[str] = mapped_column(String(40))  # the dashboard's table key
    args: Mapped[dict] = mapped_column(JSON, default=dict)  # the query: period and filters
    document: Mapped[dict] = mapped_column(JSON, default=dict)  # the table's JSON export
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


recommendation_evidence = db.Table(
    "recommendation_evidence",
    db.Column("recommendation_id", ForeignKey("recommendation.id"), primary_key=True),
    db.Column("evidence_id", ForeignKey("evidence_item.id"), primary_key=True),
)
recommendation_view = db.Table(
    "recommendation_view",
    db.Column("recommendation_id", ForeignKey("recommendation.id"), primary_key=True),
    db.Column("view_id", ForeignKey("saved_view.id"), primary_key=True),
)


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Action(db.Model):
    """One step of an accepted recommendation's action plan: what, who, by when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(200))  # a department or a role
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PLANNED.value)
    dropped_reason: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    recommendation: Mapped[Recommendation] = relationship(back_populates="actions")
    notes: Mapped[list["ActionNote"]] = relationship(
        back_populates="action",
        order_by="ActionNote.noted_on, ActionNote.id",
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class ActionNote(db.Model):
    """A dated note of progress on an action."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    noted_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    action: Mapped[Action] = relationship(back_populates="notes")


class PlanReview(db.Model):
    """The commission's periodic review of an action plan (every BUREAU_PLAN_REVIEW_MONTHS)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    reviewed_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recommendation: Mapped[Recommendation] = relationship(back_populates="reviews")


class CommentState(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"


class RecommendationComment(db.Model):
    """A citizen's comment in a recommendation's public discussion; public once the
    commission publishes it. No name, address or account is asked or kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=CommentState.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    moderated_at: Mapped[datetime | None]
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recommendation: Mapped[Recommendation] = relationship(back_populates="comments")
