"""The public status look-up: reference + PIN, and a lock against guessing PINs.

Failures are counted per reference in the database (StatusLookupLock), so the lock
holds across every app server; the per-IP limit lives in the web layer (Flask-Limiter).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bureau.domain import DomainError, intake
from bureau.extensions import db
from bureau.models import Event, Inquiry, Status, StatusLookupLock, utcnow

MAX_FAILURES = 5  # wrong PINs for one reference before its look-up is locked
LOCK_MINUTES = 15
# Failures older than this are forgotten (and their rows purged).
FAILURE_WINDOW = timedelta(hours=1)
FEEDBACK_STATUSES = frozenset({Status.RESOLVED.value, Status.CLOSED.value})


class LookupRefused(DomainError):
    """Wrong reference or wrong PIN: one message for both, so neither is revealed."""

    def __init__(self):
        super().__init__(
            _l("Не намерихме запитване с този номер и ПИН. Проверете ги на разписката.")
        )


class LookupLocked(DomainError):
    def __init__(self, minutes: int):
        super().__init__(
            _l(
                "Твърде много неуспешни опити за този номер. Опитайте отново след "
                "%(minutes)d минути или се обадете в бюрото.",
                minutes=minutes,
            )
        )


@dataclass(frozen=True)
class PublicStatus:
    """Everything the public page shows — and nothing else: no note, expert or citizen."""

    reference: str
    status: str
    received_at: datetime
    due_date: date | None
    updated_at: datetime
    public_reply: str | None
    office_name: str
    office_phone: str


def normalise(reference: str) -> str | None:
    """`krs-2026-42` → `KRS-2026-00042`; None if it cannot be a reference."""
    return intake.normalise_reference(re.sub(r"\s+", "", reference or ""))


def look_up(reference: str, pin: str, *, client: str = "", now: datetime | None = None) -> Inquiry:
    """The inquiry if the reference and PIN match; count and lock failures per reference."""
    now = now or utcnow()
    normalised = normalise(reference)
    if normalised is None:
        raise LookupRefused()
    lock = db.session.get(StatusLookupLock, normalised, populate_existing=True)
    if lock is not None and lock.locked_until and lock.locked_until > now:
        raise LookupLocked(_minutes_left(lock.locked_until, now))
    inquiry = db.session.scalar(select(Inquiry).where(Inquiry.reference == normalised))
    if inquiry is None:
        intake.hash_pin(normalised, pin or "")  # the same work as for a wrong PIN
    elif intake.check_pin(inquiry, pin or ""):
        if lock is not None:
            db.session.delete(lock)
            db.session.flush()
        return inquiry
    record_failure(normalised, client=client, now=now)
    raise LookupRefused()


def record_failure(reference: str, *, client: str = "", now: datetime) -> StatusLookupLock:
    """Count one wrong PIN for the reference (atomically); lock it at MAX_FAILURES."""
    _purge_stale(now)
    table = StatusLookupLock.__table__
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(table)
        .values(reference=reference, failures=0, first_failure_at=now, last_failure_at=now)
        .on_conflict_do_nothing()
    )
    expired = (table.c.locked_until.is_not(None) & (table.c.locked_until <= now)) | (
        table.c.last_failure_at < now - FAILURE_WINDOW
    )
    # A lock that ran out, or failures long ago, start the count afresh.
    db.session.execute(
        update(table)
        .where(table.c.reference == reference, expired)
        .values(failures=0, first_failure_at=now, locked_until=None)
    )
    failures = db.session.execute(
        update(table)
        .where(table.c.reference == reference)
        .values(failures=table.c.failures + 1, last_failure_at=now)
        .returning(table.c.failures)
    ).scalar_one()
    if failures >= max_failures():
        until = now + timedelta(minutes=lock_minutes())
        db.session.execute(
            update(table).where(table.c.reference == reference).values(locked_until=until)
        )
        if failures == max_failures():
            current_app.logger.warning(
                "status look-up of %s locked until %s UTC after %d wrong PINs (last from %s)",
                reference,
                until.isoformat(timespec="minutes"),
                failures,
                client or "?",
            )
    return db.session.get(StatusLookupLock, reference, populate_existing=True)


def _purge_stale(now: datetime) -> None:
    """Forget failures that can no longer lock anything, so the table stays small."""
    table = StatusLookupLock.__table__
    db.session.execute(
        delete(table).where(
            table.c.last_failure_at < now - FAILURE_WINDOW,
            (table.c.locked_until.is_(None)) | (table.c.locked_until < now),
        )
    )


def public_status(inquiry: Inquiry) -> PublicStatus:
    """The inquiry as the citizen may see it; the last update is the newest timeline entry."""
    updated_at = db.session.scalar(
        select(func.max(Event.created_at)).where(Event.inquiry_id == inquiry.id)
    )
    return PublicStatus(
        reference=inquiry.reference,
        status=inquiry.status,
        received_at=inquiry.received_at,
        due_date=inquiry.due_date,
        updated_at=updated_at or inquiry.received_at,
        public_reply=inquiry.public_reply,
        office_name=inquiry.office.name,
        office_phone=inquiry.office.phone,
    )


def max_failures() -> int:
    return int(current_app.config.get("STATUS_LOOKUP_MAX_FAILURES", MAX_FAILURES))


def lock_minutes() -> int:
    return int(current_app.config.get("STATUS_LOOKUP_LOCK_MINUTES", LOCK_MINUTES))


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))
