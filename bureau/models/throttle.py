"""Counters against guessing and flooding, kept in the database so that every worker
and every app server counts together."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bureau.extensions import db


class ThrottleBucket(db.Model):
    """A bucket of attempts at a password or a PIN (bureau/domain/throttle.py).

    Its whole state is the moment it will be full again. The key is a hash of the
    bucket's name, so no e-mail, reference or address is kept.
    """

    __tablename__ = "throttle_bucket"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    full_at: Mapped[float] = mapped_column(index=True)  # seconds since the epoch


class RateLimitCounter(db.Model):
    """A Flask-Limiter counter when no Redis is configured (bureau/ratelimit.py)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # a hash of the limit's key
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(index=True)  # seconds since the epoch
