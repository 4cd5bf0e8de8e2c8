"""The commission's yearly report to the municipal council: every recommendation the year
touched — submitted in it, or answered, worked on or reviewed during it — with its dated
history, its action plan and reviews, its measured impact and its discussion's summary.

Only the commission's own record is read (recommendations, responses, actions, notes,
reviews) and the anonymised statistics of impact.measure; never a case, a citizen or a
citizen's comment.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from bureau.domain.recommendations import plans, services_named
from bureau.domain.statistics import impact
from bureau.domain.statistics.periods import Period
from bureau.extensions import db
from bureau.models import (
    Action,
    ActionNote,
    ActionStatus,
    Office,
    PlanReview,
    Recommendation,
    RecommendationResponse,
    RecommendationStatus,
    Service,
)


@dataclass(frozen=True)
class PlanCounts:
    total: int = 0
    done: int = 0
    dropped: int = 0
    overdue: int = 0  # still open after its due day


@dataclass
class Entry:
    """One recommendation of the report and what the report says of it."""

    recommendation: Recommendation
    services: list[Service]
    accepted_on: date | None
    implemented_on: date | None
    next_review: date | None
    plan: PlanCounts
    impact: impact.Impact


@dataclass
class YearlyReport:
    office: Office
    year: int
    period: Period
    prepared_on: date
    threshold: int
    entries: list[Entry] = field(default_factory=list)

    @property
    def by_status(self) -> dict[str, int]:
        """How many of the year's recommendations stand at each status, in the register's
        order (drafts are never in the report)."""
        counted = Counter(e.recommendation.status for e in self.entries)
        order = [s.value for s in RecommendationStatus if s != RecommendationStatus.DRAFT]
        return {status: counted[status] for status in order}


def of_year(office: Office, year: int) -> list[Recommendation]:
    """The office's submitted recommendations the year touched: submitted in it, or with a
    response, an action due or done, an action note or a plan review in it; by submission
    day. A year outside the statistics' calendar raises DomainError."""
    period = Period.year(year)

    def within(column):
        return (column >= period.start) & (column < period.end)

    answered = select(RecommendationResponse.recommendation_id).where(
        within(RecommendationResponse.responded_on)
    )
    reviewed = select(PlanReview.recommendation_id).where(within(PlanReview.reviewed_on))
    acted = select(Action.recommendation_id).where(
        or_(within(Action.due_on), within(Action.done_on))
    )
    noted = (
        select(Action.recommendation_id)
        .join(ActionNote, ActionNote.action_id == Action.id)
        .where(within(ActionNote.noted_on))
    )
    touched = or_(
        within(Recommendation.submitted_on),
        *[Recommendation.id.in_(ids) for ids in (answered, reviewed, acted, noted)],
    )
    query = (
        select(Recommendation)
        .where(
            Recommendation.office_id == office.id,
            Recommendation.status != RecommendationStatus.DRAFT.value,
            touched,
        )
        .options(
            selectinload(Recommendation.responses),
            selectinload(Recommendation.actions).selectinload(Action.notes),
            selectinload(Recommendation.reviews),
        )
        .order_by(Recommendation.submitted_on, Recommendation.id)
    )
    return list(db.session.scalars(query))


def report(office: Office, year: int, *, k: int, today: date) -> YearlyReport:
    """The year's report as prepared today: impact measured by impact.measure with the
    suppression threshold k, so every figure is one the statistics pages publish."""
    found = YearlyReport(office, year, Period.year(year), today, k)
    for recommendation in of_year(office, year):
        found.entries.append(
            Entry(
                recommendation=recommendation,
                services=services_named(recommendation),
                accepted_on=plans.accepted_on(recommendation),
                implemented_on=plans.implemented_on(recommendation),
                next_review=plans.next_review(recommendation),
                plan=plan_counts(recommendation, today),
                impact=impact.measure(recommendation, k=k, today=today),
            )
        )
    return found


def plan_counts(recommendation: Recommendation, today: date) -> PlanCounts:
    actions = recommendation.actions
    return PlanCounts(
        total=len(actions),
        done=sum(a.status == ActionStatus.DONE for a in actions),
        dropped=sum(a.status == ActionStatus.DROPPED for a in actions),
        overdue=sum(plans.is_overdue(a, today) for a in actions),
    )
