"""The public discussion of a recommendation: citizens comment, the commission moderates.

The commission opens a comment period (first and last day, both included) on a public
recommendation. Anyone may comment without an account during it; a comment is public only
once a commission member publishes it, and stays hidden when rejected. The commission
records a summary of the discussion with the recommendation. No name, contact or address is
asked for or kept; the abuse limits (a hidden field, a rate per source) are the web's.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bureau.domain import DomainError, NotFound, audit
from bureau.domain.recommendations import check_version, vignettes
from bureau.extensions import db
from bureau.models import CommentState, Recommendation, RecommendationComment, User, utcnow

LONGEST_COMMENT = 5000
LONGEST_PERIOD_DAYS = 366


def is_open(recommendation: Recommendation, today: date) -> bool:
    start, end = recommendation.comments_from, recommendation.comments_to
    return recommendation.is_public and start is not None and start <= today <= end


def set_period(
    recommendation: Recommendation,
    *,
    start: date | None,
    end: date | None,
    version: int,
    actor: User,
) -> None:
    """Open (or change, or with no dates close) the comment period of a public recommendation."""
    check_version(recommendation, version)
    if not recommendation.is_public:
        raise DomainError(_l("Обществено обсъждане има само внесена препоръка."))
    if (start is None) != (end is None):
        raise DomainError(_l("Въведете и двете дати, или нито една."), "comments_to")
    if start is not None:
        if end < start:
            raise DomainError(_l("Крайната дата е преди началната."), "comments_to")
        if (end - start).days > LONGEST_PERIOD_DAYS:
            raise DomainError(_l("Обсъждането може да трае най-много една година."), "comments_to")
    recommendation.comments_from, recommendation.comments_to = start, end
    db.session.flush()
    audit.record(
        "recommendation.discussion", actor=actor, office_id=recommendation.office_id,
        details={"recommendation": recommendation.id},
    )  # fmt: skip


def comment(recommendation: Recommendation, *, text: str, today: date) -> RecommendationComment:
    """A citizen's comment, waiting for moderation."""
    if not is_open(recommendation, today):
        raise DomainError(_l("Обсъждането на тази препоръка не е отворено."))
    text = (text or "").strip()
    if len(text) < 10 or len(text) > LONGEST_COMMENT:
        raise DomainError(_l("Напишете коментар от 10 до %(n)d знака.", n=LONGEST_COMMENT), "text")
    posted = RecommendationComment(text=text)
    recommendation.comments.append(posted)
    db.session.flush()
    return posted


def moderate(
    posted: RecommendationComment, *, publish: bool, actor: User, checked: bool = False
) -> None:
    """Publish or reject a comment (a published one may still be taken down). What is
    published is clean by the vignettes' rule: a comment with a phone or an e-mail address
    can only be rejected; a possible name or address must have been looked at."""
    if publish:
        vignettes.require_clean(posted.text, checked=checked)
    posted.state = (CommentState.PUBLISHED if publish else CommentState.REJECTED).value
    posted.moderated_at, posted.moderated_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record(
        "recommendation.comment", actor=actor,
        office_id=posted.recommendation.office_id,
        details={"comment": posted.id, "state": posted.state},
    )  # fmt: skip


def summarise(recommendation: Recommendation, *, text: str, version: int, actor: User) -> None:
    check_version(recommendation, version)
    text = (text or "").strip()
    if len(text) > 20000:
        raise DomainError(_l("Обобщението е твърде дълго (до 20 000 знака)."), "summary")
    recommendation.discussion_summary = text
    db.session.flush()


def get_comment(recommendation: Recommendation, comment_id: int) -> RecommendationComment:
    found = db.session.get(RecommendationComment, comment_id)
    if found is None or found.recommendation_id != recommendation.id:
        raise NotFound(_l("Коментарът не е намерен."))
    return found


def published(recommendation: Recommendation) -> list[RecommendationComment]:
    return [c for c in recommendation.comments if c.state == CommentState.PUBLISHED]


def waiting(office_id: int) -> int:
    """Comments of the office's recommendations waiting for moderation."""
    query = (
        select(db.func.count(RecommendationComment.id))
        .join(Recommendation)
        .where(
            Recommendation.office_id == office_id,
            RecommendationComment.state == CommentState.PENDING.value,
        )
    )
    return db.session.scalar(query) or 0
