"""The case lifecycle: one table of allowed transitions, who may make each, what each needs —
and the only code that writes a case's status: assignment, accept, decline, every other
move, and `act()`, the one entry the web forms and the API take for people's acts."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from bureau.domain import DomainError, audit, clock, notices, notifications
from bureau.domain.cases import access, deadlines, feedback, routing
from bureau.domain.statistics import records
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
    (S.NEW, S.ASSIGNED): Rule(frozenset({COORDINATOR})),  # assign
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
# Giving an assigned case to another expert keeps its status: not a transition of the
# table, but a rule of its own, decided here like the others.
REASSIGN = Rule(frozenset({COORDINATOR}), own_case=False)
# The desk answers the question at once, in the intake's own request: a new case goes
# straight to resolved, with "information provided" (see resolve_at_first_contact).
FIRST_CONTACT = Rule(frozenset({Role.DESK, COORDINATOR}), own_case=False)


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
            _l(
                "Случай със статус „%(source)s“ не може да премине в „%(to)s“.",
                source=case.status,
                to=to.value,
            ),
            "to",
        )
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
    if actor.role not in rule.roles or not access.in_office(actor, case):
        return False
    return not rule.own_case or access.own_case(actor, case)


def require_open_for_work(case: Inquiry, actor: User) -> None:
    """Notes, contacts, replies and referrals go on an open case; on a resolved or closed
    one only the coordinator may still add to it (reopening needs a reason)."""
    if case.status in (S.RESOLVED, S.CLOSED) and actor.role != COORDINATOR:
        raise DomainError(_l("Случаят е решен; само координатор може да го отвори отново."))


def check_version(case: Inquiry, expected: int | None) -> None:
    """Refuse a change made on a stale copy of the case, naming who changed it."""
    if expected is not None and expected != case.version:
        last = case.events[-1] if case.events else None
        who = last.actor.name if last and last.actor else _l("друг потребител")
        raise StaleCase(
            _l(
                "Случаят беше променен междувременно от %(who)s. "
                "Прегледайте промените и опитайте отново.",
                who=who,
            )
        )


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
        # Only assign() gives a case its expert; never "assigned" to nobody.
        raise DomainError(_l("Изберете експерт, на когото да възложите случая."), "expert")
    if rule.needs_outcome:
        if outcome not in {o.value for o in Outcome}:
            raise DomainError(_l("Изберете резултат."), "outcome")
        if not summary:
            raise DomainError(_l("Опишете накратко как е решен случаят."), "summary")
    if rule.needs_reason and not reason:
        raise DomainError(_l("Посочете причина."), "reason")
    data = {"outcome": outcome} if outcome and to == S.RESOLVED else {}
    return _enter(
        case,
        to,
        actor,
        EventKind.STATUS_CHANGED,
        body=reason or None,
        data=data,
        summary=summary,
        today=today,
    )


def _enter(
    case: Inquiry,
    to: Status,
    actor: User | None,
    kind: EventKind,
    *,
    body=None,
    data=None,
    summary=None,
    today: date | None = None,
) -> Event:
    """The one place a case's status is written, with its timeline event and StatRecord."""
    today = today or clock.sofia_today()
    source = Status(case.status)
    _pause_clock(case, source, to, today)
    case.status = to.value
    if to == S.RESOLVED:
        case.outcome, case.resolution_summary = (data or {}).get("outcome"), summary
        case.resolved_at = utcnow()
    if source in (S.RESOLVED, S.CLOSED) and to == S.IN_PROGRESS:
        case.outcome = case.resolved_at = case.resolution_summary = None
    if to == S.NEW:
        case.expert_id = None
    if to == S.IN_PROGRESS and source == S.ASSIGNED:
        case.accepted_at = utcnow()
    if kind == EventKind.STATUS_CHANGED:
        data = {"from": source.value, "to": to.value, **(data or {})}
    event = Event(inquiry=case, actor=actor, kind=kind, body=body, data=data or {})
    db.session.add(event)
    records.sync(case, today)
    db.session.flush()
    return event


def resolve_at_first_contact(case: Inquiry, *, actor: User, summary: str) -> Event:
    """The inquiry the desk has just logged, answered there and then: resolved with the
    outcome "information provided". Only the one who logged it, before anything else
    happened to it."""
    fresh = case.status == S.NEW and case.created_by_id == actor.id and len(case.events) <= 1
    if not fresh or not _may(FIRST_CONTACT, case, actor):
        raise DomainError(_l("Само току-що приетото запитване може да се реши на място."))
    data = {"outcome": Outcome.INFORMATION_PROVIDED.value, "first_contact": True}
    return _enter(case, S.RESOLVED, actor, EventKind.STATUS_CHANGED, data=data, summary=summary)


def assign(
    case: Inquiry, *, expert_id: int, actor: User, expected_version: int | None = None
) -> Event:
    """Give the case to an expert of the same office (or, if assigned, to another one);
    the expert gets an e-mail. Reassigning keeps the history on the timeline."""
    check_version(case, expected_version)
    expert = routing.available_expert(case, expert_id)
    if case.status == S.NEW:
        require_transition(case, S.ASSIGNED, actor)
    elif case.status != S.ASSIGNED:
        raise DomainError(_l("Случаят вече се работи; първо го върнете."), "expert")
    elif not _may(REASSIGN, case, actor):
        raise DomainError(_l("Нямате право да преразпределите този случай."), "expert")
    previous = case.expert
    data = {"expert_id": expert.id, "expert": expert.name}
    if previous is not None:
        data["previous"] = previous.name
    return _give(case, expert, actor, data)


def auto_assign(case: Inquiry, actor: User | None) -> Event | None:
    """On intake, where the office asks for it: the best-ranked available expert."""
    best = next((c for c in routing.rank_experts(case) if c.eligible), None)
    if best is None:
        return None
    coordinator = actor if actor and actor.role == COORDINATOR else None
    data = {"expert_id": best.expert.id, "expert": best.expert.name, "auto": True}
    return _give(case, best.expert, coordinator, data)


def _give(case: Inquiry, expert: User, actor: User | None, data: dict) -> Event:
    case.expert, case.expert_id = expert, expert.id
    event = _enter(case, S.ASSIGNED, actor, EventKind.ASSIGNED, data=data)
    notifications.queue_email(
        expert.email, "assigned", {"case": case, "expert": expert}, inquiry=case
    )
    return event


def accept(case: Inquiry, *, actor: User, expected_version: int | None = None) -> Event:
    """The assigned expert takes the case on."""
    event = transition(case, S.IN_PROGRESS, actor=actor, expected_version=expected_version)
    event.kind = EventKind.ACCEPTED
    return event


def decline(
    case: Inquiry, *, actor: User, reason: str, expected_version: int | None = None
) -> Event:
    """The expert gives the case back with a reason; the coordinators are told."""
    expert = case.expert
    event = transition(case, S.NEW, actor=actor, reason=reason, expected_version=expected_version)
    event.kind = EventKind.DECLINED
    for coordinator in routing.coordinators(case.office_id):
        notifications.queue_email(
            coordinator.email,
            "declined",
            {"case": case, "expert": expert, "reason": event.body},
            inquiry=case,
        )
    return event


def move(case: Inquiry, to: Status | str, *, actor: User, **details) -> Event:
    """A change of status as people ask for it: from "assigned", to "in progress" is the
    expert's accept and back to "new" a decline; on resolution the citizen gets the public
    reply by e-mail (with their address and consent) and a link to give feedback."""
    to = parse_status(to)
    version = details.pop("expected_version", None)
    if case.status == S.ASSIGNED and to == S.IN_PROGRESS:
        return accept(case, actor=actor, expected_version=version)
    if case.status == S.ASSIGNED and to == S.NEW:
        reason = details.get("reason") or ""
        return decline(case, actor=actor, reason=reason, expected_version=version)
    event = transition(case, to, actor=actor, expected_version=version, **details)
    if case.status == S.RESOLVED:
        _tell_citizen_resolved(case)
    return event


# The acts people take on a case, by name: the web forms and the API run them alike.
ACTS = {"assign": assign, "accept": accept, "decline": decline, "move": move}


def act(case: Inquiry, name: str, *, actor: User, **data) -> Event:
    """Run one of ACTS on the case for the actor (a DomainError says why not)."""
    if name not in ACTS:
        raise DomainError(_l("Непознато действие."), "action")
    event = ACTS[name](case, actor=actor, **data)
    audit.case_changed(case, "transition" if name == "move" else name, actor)
    return event


def _tell_citizen_resolved(case: Inquiry) -> None:
    """ "Your answer is ready", the status address and the feedback link, by the citizen's
    channel (nothing for an anonymous inquiry or a citizen who wants no notices)."""
    citizen = case.citizen
    if notices.channel_of(citizen) == "none":
        return
    context = {
        "case": case,
        "status_url": notifications.status_url(case.reference),
        "feedback_url": f"{notifications.public_url()}/feedback/{feedback.issue_link(case)}",
    }
    about = case.service
    if about is not None and about.active:  # the citizen may rate the service, too
        context["service"] = about
        context["rating_url"] = notifications.rating_url(case.office.code, about.code)
    notices.tell(citizen, "resolved", context, inquiry=case)


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
