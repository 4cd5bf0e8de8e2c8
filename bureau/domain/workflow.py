"""What follows a status change (the citizen's e-mail), and the coordinator's queues."""

from datetime import date

from sqlalchemy import func, select

from bureau.domain import cases, clock, deadlines, lifecycle, notifications, queues
from bureau.extensions import db
from bureau.models import OPEN_STATUSES, Attachment, Inquiry, Role, Status, User


def change_status(case: Inquiry, to: str, *, actor: User, **details):
    """A lifecycle transition; on resolution the citizen gets the public reply by e-mail,
    if they left an address and consented, with a link to give feedback."""
    event = lifecycle.transition(case, to, actor=actor, **details)
    if case.status == Status.RESOLVED:
        notify_citizen_of_resolution(case)
    return event


def notify_citizen_of_resolution(case: Inquiry) -> None:
    citizen = case.citizen
    if citizen is None or not citizen.email or citizen.consent_at is None:
        return
    public = notifications.public_url()
    context = {"case": case, "status_url": notifications.status_url(case.reference)}
    try:
        from bureau.domain import feedback
    except ImportError:  # the public site's feedback is optional for this step
        feedback = None
    if feedback is not None and hasattr(feedback, "issue_link"):
        context["feedback_url"] = f"{public}/feedback/{feedback.issue_link(case)}"
    notifications.queue_email(citizen.email, "resolved", context, inquiry=case)


def attachments_of(case: Inquiry) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment).where(Attachment.inquiry_id == case.id).order_by(Attachment.id)
        )
    )


def dashboard(user: User, today: date | None = None) -> dict:
    """The coordinator's queues (overdue, due soon, unassigned: see queues.py) and the
    open cases per expert and status of the office."""
    today = today or clock.sofia_today()
    office_id = user.office_id
    per_expert = db.session.execute(
        select(Inquiry.expert_id, Inquiry.status, func.count())
        .where(Inquiry.office_id == office_id, Inquiry.status.in_(OPEN_STATUSES))
        .group_by(Inquiry.status, Inquiry.expert_id)  # status first: see assignment.open_loads
    ).all()
    experts = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.office_id == office_id, User.role == Role.EXPERT)
        )
    }
    table: dict = {}
    for expert_id, status, count in per_expert:
        table.setdefault(expert_id, {})[status] = count
    return {
        "per_expert": table,
        "experts": experts,
        "statuses": list(OPEN_STATUSES),
        "queues": queues.coordinator_queues(user, today),
        "today": today,
        "soon": deadlines.add_working_days(today, cases.SOON_DAYS),
    }
