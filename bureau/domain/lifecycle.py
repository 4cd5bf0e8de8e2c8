"""The case lifecycle: one table of allowed transitions, who may make each, what each needs."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from bureau.domain import DomainError, clock, deadlines
from bureau.domain.text import checked
from bureau.extensions import db
from bureau.models import (
    OPEN_STATUSES,
    Category,
    Event,
    EventKind,
    Inquiry,
    Outcome,
    Role,
    Status,
    User,
    utcnow,
)

S = Status
EXPERT, COORDINATOR = Role.EXPERT, Role.COORDINATOR


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    needs_outcome: bool = False
    needs_reason: bool = False
    own_case: bool = True  # an expert only on a case assigned to them


# (from, to) → rule. Everything not listed is refused.
TRANSITIONS: dict[tuple[Status, Status], Rule] = {
    (S.NEW, S.ASSIGNED): Rule(frozenset({COORDINATOR})),  # through assignment.assign
    (S.ASSIGNED, S.NEW): Rule(frozenset({EXPERT, COORDINATOR}), needs_reason=True),  # decline
    (S.ASSIGNED, S.IN_PROGRESS): Rule(frozenset({EXPERT})),  # accept
    (S.IN_PROGRESS, S.WAITING): Rule(frozenset({EXPERT, COORDINATOR})),
    (S.WAITING, S.IN_PROGRESS): Rule(frozenset({EXPERT, COORDINATOR})),
    (S.IN_PROGRESS, S.RESOLVED): Rule(frozenset({EXPERT, COORDINATOR}), needs_outcome=True),
    (S.WAITING, S.RESOLVED): Rule(frozenset({EXPERT, COORDINATOR}), needs_outcome=True),
    (S.RESOLVED, S.CLOSED): Rule(frozenset({COORDINATOR})),
    (S.RESOLVED, S.IN_PROGRESS): Rule(frozenset({COORDINATOR}), needs_reason=True),  # reopen
    (S.CLOSED, S.IN_PROGRESS): Rule(frozenset({COORDINATOR}), needs_reason=True),  # reopen
}


class StaleCase(DomainError):
    """Someone else changed the case since the user loaded it."""


def allowed_targets(case: Inquiry, actor: User) -> list[Status]:
    """The statuses this user may move the case to now (for the buttons on the page)."""
    return [
        to
        for (source, to), rule in TRANSITIONS.items()
        if source == case.status and _may(rule, case, actor)
    ]


def require_transition(case: Inquiry, to: Status, actor: User) -> Rule:
    """The rule for moving the case to `to`, or a DomainError saying why not."""
    rule = TRANSITIONS.get((Status(case.status), Status(to)))
    if rule is None:
        raise DomainError(
            _l("Случай със статус „%(source)s“ не може да премине в „%(to)s“.",
               source=case.status, to=to.value),
            "to",
        )  # fmt: skip
    if not _may(rule, case, actor):
        raise DomainError(_l("Нямате право на тази промяна на статуса."), "to")
    return rule


def parse_status(value: Status | str) -> Status:
    """A status code, or a DomainError naming the field (an unknown code from outside)."""
    try:
        return Status(value)
    except ValueError:
        raise DomainError(_l("Непознат статус."), "to") from None


def _may(rule: Rule, case: Inquiry, actor: User) -> bool:
    if actor.role not in rule.roles or actor.office_id != case.office_id:
        return False
    return actor.role != EXPERT or not rule.own_case or case.expert_id == actor.id


def check_version(case: Inquiry, expected: int | None) -> None:
    """Refuse a change made on a stale copy of the case, naming who changed it."""
    if expected is not None and expected != case.version:
        last = case.events[-1] if case.events else None
        who = last.actor.name if last and last.actor else _l("друг потребител")
        raise StaleCase(_l("Случаят беше променен междувременно от %(who)s. "
                           "Прегледайте промените и опитайте отново.", who=who))  # fmt: skip


def transition(
    case: Inquiry,
    to: Status | str,
    *,
    actor: User,
    outcome: str | None = None,
    summary: str | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Event:
    """Move the case to another status under the table's rule; keep the StatRecord in step."""
    to = parse_status(to)
    summary, reason = checked(summary, "summary"), checked(reason, "reason")
    check_version(case, expected_version)
    rule = require_transition(case, to, actor)
    if to == S.ASSIGNED and case.expert_id is None:
        # Only assignment.assign gives a case its expert; never "assigned" to nobody.
        raise DomainError(_l("Изберете експерт, на когото да възложите случая."), "expert")
    if rule.needs_outcome:
        if outcome not in {o.value for o in Outcome}:
            raise DomainError(_l("Изберете резултат."), "outcome")
        if not summary:
            raise DomainError(_l("Опишете накратко как е решен случаят."), "summary")
    if rule.needs_reason and not reason:
        raise DomainError(_l("Посочете причина."), "reason")
    today = today or clock.sofia_today()
    source = Status(case.status)
    _pause_clock(case, source, to, today)
    case.status = to.value
    if to == S.RESOLVED:
        case.outcome, case.resolution_summary = outcome, summary
        case.resolved_at = utcnow()
    if source in (S.RESOLVED, S.CLOSED) and to == S.IN_PROGRESS:
        case.outcome = case.resolved_at = case.resolution_summary = None
    if to == S.NEW:
        case.expert_id = None
    if to == S.IN_PROGRESS and source == S.ASSIGNED:
        case.accepted_at = utcnow()
    data = {"from": source.value, "to": to.value}
    if outcome and to == S.RESOLVED:
        data["outcome"] = outcome
    event = Event(
        inquiry=case,
        actor=actor,
        kind=EventKind.STATUS_CHANGED,
        body=reason or None,
        data=data,
    )
    db.session.add(event)
    sync_stat_record(case, today)
    db.session.flush()
    return event


def _pause_clock(case: Inquiry, source: Status, to: Status, today: date) -> None:
    """Waiting on the citizen stops the clock where the category says so; leaving it
    moves the due date on by the working days waited (while the category still says so)."""
    pauses = case.category.pause_when_waiting
    if to == S.WAITING:
        case.waiting_since = today if pauses else None
    elif source == S.WAITING and case.waiting_since:
        if pauses and case.due_date:
            paused = deadlines.working_days_between(case.waiting_since, today)
            case.due_date = deadlines.add_working_days(case.due_date, paused)
        case.waiting_since = None


def sync_stat_record(case: Inquiry, today: date) -> None:
    """Copy the coded facts of the case into its StatRecord."""
    record = stat_record_of(case)
    if record is None:
        return
    record.status = case.status
    record.due_on = case.due_date
    record.outcome = case.outcome if case.status in (S.RESOLVED, S.CLOSED) else None
    profile = case.expert.expert_profile if case.expert else None
    if profile is not None:
        record.affiliation = profile.affiliation
    if case.status == S.RESOLVED:
        record.resolved_on = today
        record.resolution_days = deadlines.working_days_between(record.received_on, today)
    elif case.status != S.CLOSED:
        record.resolved_on = record.resolution_days = None
    if record.resolved_on and record.due_on:
        record.overdue = record.resolved_on > record.due_on
    else:
        record.overdue = is_overdue(case, today)


def stat_record_of(case: Inquiry):
    """The case's de-identified twin (None for cases logged before StatRecords existed)."""
    from bureau.models import StatRecord

    return db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == case.id))


# "Overdue", "due soon" and "unassigned": one rule each, written here in Python (one case),
# in SQL (the dashboard, the case list, the expert's queues, reminders) and over coded
# values (the commission's figure, from StatRecords). tests/domain/test_queues.py checks
# that all of them count the same cases.


def overdue(status: str, category_pauses: bool, due: date | None, today: date) -> bool:
    """Open, the clock running (waiting on the citizen stops it where the category says
    so), and the due date before today in Sofia."""
    paused = status == S.WAITING and category_pauses
    return status in OPEN_STATUSES and not paused and due is not None and due < today


def is_overdue(case: Inquiry, today: date) -> bool:
    return overdue(case.status, case.category.pause_when_waiting, case.due_date, today)


def clock_running():
    """SQL: the case's clock runs (it is not waiting in a category that pauses)."""
    pausing = select(Category.id).where(Category.pause_when_waiting.is_(True))
    return or_(Inquiry.status != S.WAITING, Inquiry.category_id.not_in(pausing))


def overdue_clause(today: date):
    """SQL twin of `overdue`."""
    return and_(Inquiry.status.in_(OPEN_STATUSES), Inquiry.due_date < today, clock_running())


def due_soon_clause(today: date, working_days: int = 3):
    """SQL: open, clock running, due from today up to `working_days` working days on."""
    last = deadlines.add_working_days(today, working_days)
    return and_(
        Inquiry.status.in_(OPEN_STATUSES),
        Inquiry.due_date >= today,
        Inquiry.due_date <= last,
        clock_running(),
    )


def unassigned_clause():
    """SQL: waiting for an expert. A case has no expert exactly while it is new: assigning
    moves it on, and a decline brings it back to new without one."""
    return Inquiry.status == S.NEW
