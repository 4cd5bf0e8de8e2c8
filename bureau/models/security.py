"""Second factor of staff accounts: a TOTP secret and one-time recovery codes."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bureau.extensions import db
from bureau.models.base import utcnow


class TotpCredential(db.Model):
    """The user's TOTP secret, kept on the server only; unconfirmed until a first code."""

    __tablename__ = "totp_credential"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # The last 30-second step accepted: a code seen once is never accepted again.
    last_step: Mapped[int | None]


class RecoveryCode(db.Model):
    """A one-time code for a lost phone; only its keyed hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
