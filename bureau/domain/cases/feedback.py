"""The citizen's feedback: one-time links, one answer per case, coded scores to statistics."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bureau.domain import DomainError
from bureau.domain.statistics import records
from bureau.extensions import db
from bureau.models import Feedback, FeedbackLink, Inquiry, Status, User, utcnow

PROBLEM_SOLVED = ("yes", "partly", "no")
SOURCES = ("online", "paper")
LINK_DAYS = 60  # how long an e-mailed link stays valid
MAX_COMMENT = 2000
# The status page offers the questions once the case is done.
DONE_STATUSES = frozenset({Status.RESOLVED.value, Status.CLOSED.value})


class AlreadyGiven(DomainError):
    def __init__(self):
        super().__init__(_l("За това запитване вече получихме отговор на анкетата. Благодарим!"))


class LinkInvalid(DomainError):
    """The link is unknown, expired or already used; `reason` says which."""

    MESSAGES = {
        "unknown": _l("Тази връзка за анкетата не е валидна. Проверете дали е копирана цяла."),
        "expired": _l("Срокът на тази връзка за анкетата изтече. Благодарим за интереса!"),
        "used": _l("Тази анкета вече е попълнена. Благодарим за отговора!"),
    }

    def __init__(self, reason: str):
        super().__init__(self.MESSAGES[reason])
        self.reason = reason


@dataclass
class FeedbackData:
    satisfaction: int | None
    problem_solved: str | None = None
    would_recommend: bool | None = None
    comment: str = ""


def issue_link(inquiry: Inquiry, *, now: datetime | None = None) -> str:
    """A new one-time feedback token for the case (an older one stops working).

    Returns the raw token for the e-mail; only its hash is stored.
    """
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    link = db.session.scalar(select(FeedbackLink).where(FeedbackLink.inquiry_id == inquiry.id))
    if link is None:
        link = FeedbackLink(inquiry=inquiry)
        db.session.add(link)
    link.token_hash = _hash(token)
    link.created_at = now
    link.expires_at = now + timedelta(days=LINK_DAYS)
    link.used_at = None
    db.session.flush()
    return token


def link_for(token: str, *, now: datetime | None = None) -> FeedbackLink:
    """The link of a token, if it may still be answered; else LinkInvalid."""
    now = now or utcnow()
    link = None
    if token and len(token) <= 100:
        link = db.session.scalar(
            select(FeedbackLink).where(FeedbackLink.token_hash == _hash(token))
        )
    if link is None:
        raise LinkInvalid("unknown")
    if link.used_at is not None or for_inquiry(link.inquiry) is not None:
        raise LinkInvalid("used")
    if link.expires_at <= now:
        raise LinkInvalid("expired")
    return link


def submit_by_link(token: str, data: FeedbackData, *, now: datetime | None = None) -> Feedback:
    """The citizen's answer through the e-mailed link; the link then stops working."""
    link = link_for(token, now=now)
    return submit(link.inquiry, data, source="online", now=now)


def submit_after_lookup(inquiry: Inquiry, data: FeedbackData) -> Feedback:
    """The answer given on the status page, after the reference + PIN: only once it is done."""
    if inquiry.status not in DONE_STATUSES:
        raise DomainError(_l("Ще можете да оцените помощта, когато случаят бъде решен."))
    return submit(inquiry, data, source="online")


def submit(
    inquiry: Inquiry,
    data: FeedbackData,
    *,
    source: str = "online",
    entered_by: User | None = None,
    now: datetime | None = None,
) -> Feedback:
    """Record the one answer of the case and copy its coded scores to the StatRecord.

    The comment stays on the Feedback only: free text never reaches statistics.
    """
    now = now or utcnow()
    _validate(data, source, entered_by)
    if for_inquiry(inquiry) is not None:
        raise AlreadyGiven()
    # This write opens the transaction before the savepoint (pysqlite starts none for a
    # SAVEPOINT, whose RELEASE would then commit behind the request boundary's back).
    db.session.execute(
        update(FeedbackLink)
        .where(FeedbackLink.inquiry_id == inquiry.id, FeedbackLink.used_at.is_(None))
        .values(used_at=now)
    )
    answer = Feedback(
        inquiry=inquiry,
        satisfaction=data.satisfaction,
        problem_solved=data.problem_solved,
        would_recommend=data.would_recommend,
        comment=(data.comment or "").strip() or None,
        source=source,
        created_at=now,
        entered_by=entered_by if source == "paper" else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:
        # A second submission raced this one and won: still one answer per case.
        raise AlreadyGiven() from None
    records.note_feedback(
        inquiry,
        satisfaction=answer.satisfaction,
        problem_solved=answer.problem_solved,
        would_recommend=answer.would_recommend,
    )
    db.session.flush()
    return answer


def _validate(data: FeedbackData, source: str, entered_by: User | None) -> None:
    if source not in SOURCES:
        raise DomainError(_l("Невалиден източник на анкетата."), "source")
    if source == "paper" and entered_by is None:
        raise DomainError(_l("Хартиената анкета се въвежда от служител."), "source")
    if not isinstance(data.satisfaction, int) or not 1 <= data.satisfaction <= 5:
        raise DomainError(_l("Изберете оценка от 1 до 5."), "satisfaction")
    if data.problem_solved is not None and data.problem_solved not in PROBLEM_SOLVED:
        raise DomainError(_l("Изберете „да“, „отчасти“ или „не“."), "problem_solved")
    if len(data.comment or "") > MAX_COMMENT:
        raise DomainError(
            _l("Коментарът е твърде дълъг (до %(n)d знака).", n=MAX_COMMENT), "comment"
        )


def for_inquiry(inquiry: Inquiry) -> Feedback | None:
    """The case's feedback, if given."""
    return db.session.scalar(select(Feedback).where(Feedback.inquiry_id == inquiry.id))


def invites_feedback(inquiry: Inquiry) -> bool:
    """True when the status page should ask: the case is done and not yet answered."""
    return inquiry.status in DONE_STATUSES and for_inquiry(inquiry) is None


def _hash(token: str) -> str:
    # The token carries 256 random bits: a plain hash is enough to make a leaked table useless.
    return hashlib.sha256(token.encode()).hexdigest()
