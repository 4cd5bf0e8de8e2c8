"""Staff accounts and their API tokens."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.base import utcnow
from bureau.models.office import Office


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    DESK = "desk"
    EXPERT = "expert"
    COMMISSION = "commission"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    # A commission member who keeps the commission's papers: reminded of plan reviews.
    commission_secretary: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(5), default="bg")
    # Bumped on logout, deactivation and password reset: every older session cookie dies.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    office: Mapped[Office | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A personal bearer token; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
