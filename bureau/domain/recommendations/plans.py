"""Action plans: what the administration promised to do on an accepted recommendation.

A recommendation accepted (fully or in part) gets actions — what, who is responsible, by
when — each `planned → in_progress → done`, or `dropped` with a reason, with dated notes of
progress. An open plan (one with an action still planned or in progress) is reviewed by the
commission every `plan_review_months` (6) counted from its acceptance, then from its last
review; `jobs run` reminds the commission's secretary once of each review that is due.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from bureau.domain import DomainError, clock, notifications, settings
from bureau.extensions import db
from bureau.models import (
    Action,
    ActionNote,
    ActionStatus,
    Office,
    PlanReview,
    Recommendation,
    RecommendationStatus,
    Role,
    User,
)

S = ActionStatus
WITH_PLAN = (
    RecommendationStatus.ACCEPTED,
    RecommendationStatus.PARTIALLY_ACCEPTED,
    RecommendationStatus.IMPLEMENTED,
)
MOVES = {
    S.PLANNED: (S.IN_PROGRESS, S.DONE, S.DROPPED),
    S.IN_PROGRESS: (S.DONE, S.DROPPED),
    S.DONE: (S.IN_PROGRESS,),  # reopened: it turned out not to be done
    S.DROPPED: (S.PLANNED,),
}
STALE = _l("Действието междувременно е променено. Презаредете страницата.")


@dataclass
class ActionDraft:
    what: str
    responsible: str
    due_on: date


def has_plan(recommendation: Recommendation) -> bool:
    return recommendation.status in WITH_PLAN


def accepted_on(recommendation: Recommendation) -> date | None:
    """The day of the (partial) acceptance: where the plan, and its reviews, start."""
    return _last_response(
        recommendation, RecommendationStatus.ACCEPTED, RecommendationStatus.PARTIALLY_ACCEPTED
    )


def implemented_on(recommendation: Recommendation) -> date | None:
    return _last_response(recommendation, RecommendationStatus.IMPLEMENTED)


def _last_response(recommendation: Recommendation, *statuses) -> date | None:
    days = [r.responded_on for r in recommendation.responses if r.status in statuses]
    return days[-1] if days else None


def is_overdue(action: Action, today: date) -> bool:
    """Still planned or in progress after its due day (overdue_actions in SQL)."""
    return action.is_open and action.due_on < today


def add_action(recommendation: Recommendation, draft: ActionDraft, *, actor: User) -> Action:
    if not has_plan(recommendation):
        raise DomainError(_l("План за действие има само приета или частично приета препоръка."))
    _validate(draft)
    action = Action(created_by_id=actor.id, **vars(draft))
    recommendation.actions.append(action)
    db.session.flush()
    return action


def move(
    action: Action, *, status: str, reason: str = "", on: date, version: int, today: date
) -> None:
    """Change an action's status; dropping it needs a reason, finishing it a date."""
    if version != action.version:
        raise DomainError(STALE, "version")
    if status not in MOVES[S(action.status)]:
        raise DomainError(_l("Тази промяна на статуса не е възможна."), "status")
    if on > today:
        raise DomainError(_l("Датата не може да е в бъдещето."), "on")
    reason = (reason or "").strip()
    if status == S.DROPPED and not reason:
        raise DomainError(_l("Напишете защо действието отпада."), "reason")
    if len(reason) > 2000:
        raise DomainError(_l("Причината е твърде дълга (до 2000 знака)."), "reason")
    action.status = status
    action.dropped_reason = reason if status == S.DROPPED else ""
    action.done_on = on if status == S.DONE else None
    db.session.flush()


def add_note(action: Action, *, text: str, on: date, actor: User, today: date) -> ActionNote:
    text = (text or "").strip()
    if not text or len(text) > 5000:
        raise DomainError(_l("Опишете напредъка (до 5000 знака)."), "text")
    if on > today:
        raise DomainError(_l("Датата не може да е в бъдещето."), "on")
    note = ActionNote(noted_on=on, text=text, created_by_id=actor.id)
    action.notes.append(note)
    db.session.flush()
    return note


def record_review(
    recommendation: Recommendation, *, text: str, on: date, actor: User, today: date
) -> PlanReview:
    """The commission has reviewed the plan: the next review is due from this day."""
    if not has_plan(recommendation):
        raise DomainError(_l("План за действие има само приета или частично приета препоръка."))
    text = (text or "").strip()
    if not text or len(text) > 10000:
        raise DomainError(_l("Запишете заключението от прегледа (до 10 000 знака)."), "text")
    if on > today:
        raise DomainError(_l("Датата не може да е в бъдещето."), "on")
    start = accepted_on(recommendation)
    if start is not None and on < start:
        raise DomainError(_l("Прегледът не може да е преди приемането на препоръката."), "on")
    review = PlanReview(reviewed_on=on, text=text, created_by_id=actor.id)
    recommendation.reviews.append(review)
    db.session.flush()
    return review


def is_open(recommendation: Recommendation) -> bool:
    """A plan is open while an action is planned or in progress."""
    return has_plan(recommendation) and any(a.is_open for a in recommendation.actions)


def next_review(recommendation: Recommendation) -> date | None:
    """When the open plan is next reviewed (None: no open plan)."""
    if not is_open(recommendation):
        return None
    reviews = [r.reviewed_on for r in recommendation.reviews]
    start = max(
        [*reviews, accepted_on(recommendation) or clock.in_sofia(recommendation.created_at).date()]
    )
    return start + relativedelta(months=settings.current().plan_review_months)


def overdue_actions(office_id: int, today: date) -> list[Action]:
    """Actions past their date and still open, the oldest first: the commission's home."""
    query = (
        select(Action)
        .join(Recommendation, Action.recommendation_id == Recommendation.id)
        .where(Recommendation.office_id == office_id, Action.due_on < today)
        .where(Action.status.in_([S.PLANNED.value, S.IN_PROGRESS.value]))
        .order_by(Action.due_on, Action.id)
    )
    return list(db.session.scalars(query))


def with_plans(office_id: int) -> list[Recommendation]:
    query = select(Recommendation).where(
        Recommendation.office_id == office_id,
        Recommendation.status.in_([s.value for s in WITH_PLAN]),
    )
    return list(db.session.scalars(query.order_by(Recommendation.id)))


def due_reviews(office_id: int, today: date) -> list[tuple[Recommendation, date]]:
    """Open plans whose review is due (on or before today), with the day it fell due."""
    due = [(r, next_review(r)) for r in with_plans(office_id)]
    return [(r, day) for r, day in due if day is not None and day <= today]


def remind_reviews(today: date) -> int:
    """Remind each office's commission secretary (or, with none named, every active member)
    of each plan review that has fallen due — once per due day, also when two hosts run
    the job at once: the reminder is claimed by an UPDATE before it is queued."""
    reminded = 0
    for office in db.session.scalars(select(Office).order_by(Office.id)).all():
        for recommendation, due in due_reviews(office.id, today):
            if recommendation.review_reminded_for == due:
                continue
            with db.session.begin_nested():
                claimed = db.session.execute(
                    update(Recommendation)
                    .where(Recommendation.id == recommendation.id)
                    .where(
                        (Recommendation.review_reminded_for.is_(None))
                        | (Recommendation.review_reminded_for != due)
                    )
                    .values(review_reminded_for=due)
                    .execution_options(synchronize_session=False)
                )
                if claimed.rowcount != 1:
                    continue
                for member in secretaries(office):
                    notifications.queue_email(
                        member.email,
                        "plan_review",
                        {"recommendation": recommendation, "due": due, "member": member},
                        office=office,
                        language=member.language or "bg",
                    )
                reminded += 1
            db.session.commit()  # a job commits as it goes (see jobs.py)
    return reminded


def secretaries(office: Office) -> list[User]:
    members = list(
        db.session.scalars(
            select(User).where(
                User.office_id == office.id, User.role == Role.COMMISSION, User.active
            )
        )
    )
    named = [m for m in members if m.commission_secretary]
    return named or members


def _validate(draft: ActionDraft) -> None:
    draft.what, draft.responsible = (draft.what or "").strip(), (draft.responsible or "").strip()
    if not draft.what or len(draft.what) > 2000:
        raise DomainError(_l("Опишете действието (до 2000 знака)."), "what")
    if not draft.responsible or len(draft.responsible) > 200:
        raise DomainError(
            _l("Посочете кой отговаря — отдел или длъжност (до 200 знака)."), "responsible"
        )
    if draft.due_on is None or not date(2000, 1, 1) <= draft.due_on <= date(2100, 12, 31):
        raise DomainError(_l("Въведете срок между 2000 и 2100 г."), "due_on")
