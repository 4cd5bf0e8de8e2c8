"""Failed status look-ups per reference, so a PIN cannot be guessed by brute force."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bureau.extensions import db


class StatusLookupLock(db.Model):
    """Failures counted per reference in the database, so every app server sees them.

    Kept for any well-formed reference, existing or not: a lock must not tell whether
    a reference exists.
    """

    reference: Mapped[str] = mapped_column(String(20), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime]
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
    locked_until: Mapped[datetime | None]
