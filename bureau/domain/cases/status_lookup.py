"""The public status look-up: reference + PIN, and the guard against guessing PINs.

Wrong PINs are counted in throttle buckets in the database, per reference and per
reference seen from one source, so every app server sees them; the per-address limit
over all references lives in the web layer (Flask-Limiter).
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from bureau.domain import DomainError, throttle
from bureau.domain.cases import intake, references
from bureau.extensions import db
from bureau.models import Event, Inquiry, Status

log = logging.getLogger("bureau")  # the app's own logger

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
    """`крс 2026 42` → `KRS-2026-00042`; None if it cannot be a reference."""
    return references.normalise_reference(reference)


def look_up(
    reference: str, pin: str, *, source: str = "", proven: bool = False, now: float | None = None
) -> Inquiry:
    """The inquiry if the reference and PIN match.

    Each try takes an attempt from the reference as tried from this source (an address,
    or a browser that proved this PIN before) and — unless `proven` — from the reference
    as tried from every new browser: a ceiling of 25 guesses in any hour that one source
    alone cannot reach, so a stranger's wrong PINs never keep the citizen out. The right
    PIN gives its attempts back. Any well-formed reference is counted, existing or not:
    the answer must not tell whether a reference exists.
    """
    normalised = normalise(reference)
    if normalised is None:
        raise LookupRefused()
    buckets = [
        throttle.Bucket(f"pin:{normalised}|{source}", throttle.rate("STATUS_LIMIT_PER_SOURCE"))
    ]
    if not proven:
        buckets.append(
            throttle.Bucket(f"pin:{normalised}", throttle.rate("STATUS_LIMIT_PER_REFERENCE"))
        )
    try:
        taken = throttle.take(buckets, now=now)
    except throttle.TooManyAttempts as refused:
        log.warning(
            "status look-up of %s refused for %d s after too many wrong PINs (now from %s)",
            normalised,
            refused.wait,
            source or "?",
        )
        raise LookupLocked(refused.minutes) from None
    inquiry = db.session.scalar(select(Inquiry).where(Inquiry.reference == normalised))
    if inquiry is None:
        intake.hash_pin(normalised, pin or "")  # the same work as for a wrong PIN
    elif intake.check_pin(inquiry, pin or ""):
        throttle.give_back(taken)
        return inquiry
    raise LookupRefused()


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
