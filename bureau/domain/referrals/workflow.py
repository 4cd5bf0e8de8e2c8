"""A referral's workflow: `sent → acknowledged → accepted | declined → outcome_reported`,
and `no_answer` when the institution does not acknowledge in time. STEPS is the one
table of what may happen, from which states, and who does it.

The institution answers through one link per referral: a random token e-mailed to it,
kept only as a hash, valid for `referral_link_days`, revocable, and used up once the
referral reaches a final state. An unknown, expired, revoked or used-up token is the
same LinkGone, so a guesser learns nothing from the answer.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from bureau.domain import DomainError, audit, clock, notifications, settings
from bureau.domain.cases import deadlines, routing
from bureau.domain.statistics import records
from bureau.domain.text import checked
from bureau.extensions import db
from bureau.models import Event, EventKind, Inquiry, Institution, Referral, User, utcnow

STATES = ("sent", "acknowledged", "accepted", "declined", "outcome_reported", "no_answer")
FINAL = frozenset({"declined", "outcome_reported"})
RESULTS = ("resolved", "partly", "not_resolved", "no_contact")
INSTITUTION, SYSTEM = "institution", "system"
MAX_ANSWER = 2000  # a reason or an outcome "in a few words"


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str
    by: str  # INSTITUTION (through its link) or SYSTEM (`jobs run`)


STEPS: dict[str, Step] = {
    # A late acknowledgement still counts: "no answer" is a state, not a lock.
    "acknowledge": Step(frozenset({"sent", "no_answer"}), "acknowledged", INSTITUTION),
    "accept": Step(frozenset({"acknowledged"}), "accepted", INSTITUTION),
    "decline": Step(frozenset({"acknowledged"}), "declined", INSTITUTION),
    "report": Step(frozenset({"accepted"}), "outcome_reported", INSTITUTION),
    "no_answer": Step(frozenset({"sent"}), "no_answer", SYSTEM),
}


class LinkGone(DomainError):
    """The token names no referral that may still be answered (whatever the reason)."""

    def __init__(self):
        super().__init__(_l("Тази връзка не е валидна или вече не е активна."))


def make(
    case: Inquiry,
    institution: Institution,
    *,
    summary: str,
    note: str,
    actor: User,
    now: datetime | None = None,
) -> Referral:
    """A new referral (the timeline's `refer` has checked consent and the institution):
    its statistical record, and the e-mail with the link when the institution has an
    address."""
    now = now or utcnow()
    summary = checked(
        summary, "summary", required=_l("Напишете какво гражданинът е съгласен да споделим.")
    )
    today = clock.sofia_today()
    referral = Referral(
        inquiry_id=case.id,
        inquiry=case,
        institution=institution,
        created_by_id=actor.id,
        note=checked(note, "note"),
        summary=summary,
        state="sent",
        sent_on=today,
        created_at=now,
    )
    db.session.add(referral)
    referral.record = records.open_referral(case, institution.code, today)
    db.session.flush()
    _send_link(referral, "referral_request", now)
    return referral


def of_case(case: Inquiry) -> list[Referral]:
    query = select(Referral).where(Referral.inquiry_id == case.id).order_by(Referral.id)
    return list(db.session.scalars(query))


def ack_due(referral: Referral) -> date | None:
    """The last working day the institution has to acknowledge."""
    if referral.sent_on is None:
        return None
    return deadlines.add_working_days(referral.sent_on, settings.current().referral_ack_days)


def overdue(referral: Referral, today: date | None = None) -> bool:
    """Not acknowledged in time (the case page's badge)."""
    due = ack_due(referral)
    today = today or clock.sofia_today()
    return referral.state in ("sent", "no_answer") and due is not None and today > due


def link_active(referral: Referral, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        referral.token_hash is not None
        and referral.link_revoked_at is None
        and referral.link_expires_at is not None
        and referral.link_expires_at > now
        and referral.state not in FINAL
    )


def by_link(token: str, *, now: datetime | None = None) -> Referral:
    """The referral a token opens, while it may be answered; else LinkGone."""
    referral = None
    if isinstance(token, str) and 20 <= len(token) <= 100:
        referral = db.session.scalar(select(Referral).where(Referral.token_hash == _hash(token)))
    if referral is None or not link_active(referral, now):
        raise LinkGone()
    return referral


def take_step(
    token: str,
    step: str,
    *,
    reason: str = "",
    outcome: str = "",
    result: str | None = None,
    now: datetime | None = None,
) -> Referral:
    """The institution's answer through its link: one step of STEPS made `by` it."""
    now = now or utcnow()
    referral = by_link(token, now=now)
    rule = STEPS.get(step)
    if rule is None or rule.by != INSTITUTION:
        raise DomainError(_l("Непозната стъпка."))
    if referral.state not in rule.sources:
        raise DomainError(_l("Насочването вече е в друго състояние. Презаредете страницата."))
    body = None
    if step == "decline":
        body = referral.decline_reason = _answer(reason, "reason", _l("Напишете причината."))
    if step == "report":
        if result not in RESULTS:
            raise DomainError(_l("Изберете резултат."), "result")
        body = referral.outcome = _answer(outcome, "outcome", _l("Опишете накратко резултата."))
        referral.result = result
    _move(referral, step, now=now, body=body)
    return referral


def _move(referral: Referral, step: str, *, now: datetime, body: str | None = None) -> None:
    """Change the state by the table, stamp it, and tell everyone who must know."""
    rule = STEPS[step]
    # The conditional update is the guard against two answers at once.
    moved = db.session.execute(
        update(Referral)
        .where(Referral.id == referral.id, Referral.state.in_(rule.sources))
        .values(state=rule.target)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise DomainError(_l("Насочването вече е в друго състояние. Презаредете страницата."))
    referral.state = rule.target
    if step == "acknowledge":
        referral.acknowledged_at = now
    elif step in ("accept", "decline"):
        referral.answered_at = now
    elif step == "report":
        referral.outcome_at = now
    records.note_referral_step(referral, clock.sofia_today())
    case = referral.inquiry
    data = {"step": step, "name": referral.institution.name, "result": referral.result}
    db.session.add(
        Event(inquiry=case, actor=None, kind=EventKind.REFERRAL_STEP, body=body, data=data)
    )
    audit.record(
        "referral." + step,
        actor=None,
        obj=case,
        details={"referral": referral.id, "institution": referral.institution.code},
    )
    _tell_staff(referral, step)
    db.session.flush()


def _tell_staff(referral: Referral, step: str) -> None:
    """The expert of the case, or its office's coordinators when it has none."""
    case = referral.inquiry
    people = [case.expert] if case.expert is not None else routing.coordinators(case.office_id)
    for person in people:
        if person is not None and person.active:
            notifications.queue_email(
                person.email,
                "referral_answer",
                {"case": case, "referral": referral, "step": step},
                inquiry=case,
                language=getattr(person, "language", None) or "bg",
            )


def revoke(referral: Referral, *, actor: User, now: datetime | None = None) -> None:
    """The link stops working at once (e.g. sent to a wrong address)."""
    referral.link_revoked_at = now or utcnow()
    audit.case_changed(referral.inquiry, "referral_revoke", actor)
    db.session.flush()


def resend(referral: Referral, *, actor: User, now: datetime | None = None) -> None:
    """A new link by e-mail; the old one stops working (one link per referral)."""
    if referral.state in FINAL:
        raise DomainError(_l("Насочването е приключено: нова връзка не е нужна."))
    if not referral.institution.email:
        raise DomainError(_l("Институцията няма e-mail за насочвания."))
    _send_link(referral, "referral_request", now or utcnow())
    audit.case_changed(referral.inquiry, "referral_resend", actor)


def _send_link(referral: Referral, template: str, now: datetime) -> bool:
    """A fresh token for the referral (any older one stops working), e-mailed to the
    institution; nothing when the institution has no address."""
    address = referral.institution.email
    if not address:
        return False
    token = secrets.token_urlsafe(32)
    referral.token_hash = _hash(token)
    referral.link_revoked_at = None
    referral.link_expires_at = now + timedelta(days=settings.current().referral_link_days)
    db.session.flush()
    case = referral.inquiry
    notifications.queue_email(
        address,
        template,
        {
            "case": case,
            "referral": referral,
            "office": case.office,
            "link": f"{notifications.public_url()}/r/{token}",
            "expires": referral.link_expires_at,
        },
        inquiry=case,
        office=case.office,
    )
    return True


def remind_institutions(today: date, now: datetime | None = None) -> tuple[int, int]:
    """`jobs run`: remind each institution once when a referral is not acknowledged in
    `referral_ack_days` working days, and mark it `no_answer` after as many again.
    Returns (reminded, marked)."""
    now = now or utcnow()
    days = settings.current().referral_ack_days
    waiting = db.session.scalars(
        select(Referral).where(Referral.state == "sent", Referral.sent_on.is_not(None))
    ).all()
    reminded = marked = 0
    for referral in waiting:
        if today > deadlines.add_working_days(referral.sent_on, 2 * days):
            _move(referral, "no_answer", now=now)
            marked += 1
        elif today > deadlines.add_working_days(referral.sent_on, days):
            if referral.reminded_on is not None or not link_active(referral, now):
                continue
            won = db.session.execute(
                update(Referral)
                .where(Referral.id == referral.id, Referral.reminded_on.is_(None))
                .values(reminded_on=today)
                .execution_options(synchronize_session=False)
            ).rowcount
            if won:
                referral.reminded_on = today
                _send_link(referral, "referral_reminder", now)
                reminded += 1
        db.session.commit()
    return reminded, marked


def _answer(value: str | None, field: str, required) -> str:
    text = checked(value, field, required=required)
    if len(text) > MAX_ANSWER:
        raise DomainError(_l("Текстът е твърде дълъг (до %(n)d знака).", n=MAX_ANSWER), field)
    return text


def _hash(token: str) -> str:
    # 256 random bits: a plain hash makes a leaked table useless, as for feedback links.
    return hashlib.sha256(token.encode()).hexdigest()
