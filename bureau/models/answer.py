"""The answers library: reviewed answers to the questions people bring, per office or
shared across the installation; the published ones make the public handbook."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.base import utcnow
from bureau.models.office import Office
from bureau.models.user import User


class AnswerStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


# What an answer says: the fields a version keeps and the public sees once approved.
ANSWER_FIELDS = (
    "title",
    "body",
    "documents",
    "place",
    "fee_term",
    "legal_basis",
    "title_en",
    "body_en",
    "categories",
    "subcategories",
    "services",
)


class Answer(db.Model):
    """The working copy of an answer. What the desk, the experts and the public read is
    its last approved version (`live`), so an edit of a published answer is seen only
    once a second person has approved it."""

    __table_args__ = (Index("ix_answer_office_status", "office_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))  # the owning office
    shared: Mapped[bool] = mapped_column(default=False)  # every office of the installation
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # plain text with light Markdown
    documents: Mapped[str] = mapped_column(Text, default="")  # what to bring
    place: Mapped[str] = mapped_column(Text, default="")  # where: department or institution
    fee_term: Mapped[str] = mapped_column(String(300), default="")
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list] = mapped_column(JSON, default=list)  # taxonomy codes
    subcategories: Mapped[list] = mapped_column(JSON, default=list)
    services: Mapped[list] = mapped_column(JSON, default=list)  # codes of the office's register
    status: Mapped[str] = mapped_column(String(20), default=AnswerStatus.DRAFT.value)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_by: Mapped[date]
    # The owner was last reminded that the review-by date has passed (at most weekly).
    reminded_on: Mapped[date | None]
    live_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("answer_version.id", use_alter=True, name="fk_answer_live_version")
    )
    last_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    office: Mapped[Office] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    last_changed_by: Mapped[User | None] = relationship(foreign_keys=[last_changed_by_id])
    live: Mapped["AnswerVersion | None"] = relationship(
        foreign_keys=[live_version_id], post_update=True
    )
    versions: Mapped[list["AnswerVersion"]] = relationship(
        foreign_keys="AnswerVersion.answer_id",
        back_populates="answer",
        order_by="AnswerVersion.number",
    )
    local_parts: Mapped[list["AnswerLocal"]] = relationship(
        back_populates="answer", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Answer {self.id} {self.status}>"


class AnswerVersion(db.Model):
    """Who changed what, when: a snapshot of the answer at each save and each step of its
    review. Append-only."""

    __table_args__ = (UniqueConstraint("answer_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id"), index=True)
    number: Mapped[int]
    step: Mapped[str] = mapped_column(String(20))  # created, edited, submitted, approved, ...
    content: Mapped[dict] = mapped_column(JSON)  # ANSWER_FIELDS
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    answer: Mapped[Answer] = relationship(foreign_keys=[answer_id], back_populates="versions")
    actor: Mapped[User | None] = relationship()


class AnswerLocal(db.Model):
    """An office's own part of a shared answer: the law is national, the addresses and
    opening hours are local."""

    __table_args__ = (UniqueConstraint("answer_id", "office_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    answer: Mapped[Answer] = relationship(back_populates="local_parts")
    office: Mapped[Office] = relationship()
