"""Citizens rate a municipal service directly — the service users' feedback method of the
projects Bureau grows out of, as software. A rating is anonymous: five coded answers, the
day, and an optional comment that only the office's coordinators read (it may name
people, so it is never published). At most one rating per browser, service and day is
the web's part (bureau/web/public/services.py); a limit per network address too.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from bureau.domain import DomainError
from bureau.domain.text import one_line_break
from bureau.extensions import db
from bureau.models import Service, ServiceRating

ANSWERS = ("yes", "no", "unknown")
EXTRA_PAYMENT = ("yes", "no", "undisclosed")
MAX_COMMENT = 1000


@dataclass(frozen=True)
class RatingData:
    satisfaction: int
    within_term: str
    clear_requirements: str
    courteous: str
    extra_payment: str
    comment: str = ""


@dataclass(frozen=True)
class Summary:
    """What the ratings of one service say, for the office's staff."""

    count: int
    mean: float | None  # satisfaction, 1..5
    satisfied: float | None  # share rating 4 or 5
    within_term: float | None  # share of "yes" among those who knew
    extra_payment: int  # how many were asked for more than the fee


def rate(service: Service, data: RatingData, *, today: date) -> ServiceRating:
    """Record one rating of an active service; a DomainError names a wrong answer."""
    if not service.active:
        raise DomainError(_l("Тази услуга вече не се предлага."))
    if data.satisfaction not in range(1, 6):
        raise DomainError(_l("Изберете оценка от 1 до 5."), "satisfaction")
    for field in ("within_term", "clear_requirements", "courteous"):
        if getattr(data, field) not in ANSWERS:
            raise DomainError(_l("Изберете един от отговорите."), field)
    if data.extra_payment not in EXTRA_PAYMENT:
        raise DomainError(_l("Изберете един от отговорите."), "extra_payment")
    comment = one_line_break(data.comment).strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(
            _l("Коментарът е твърде дълъг (до %(n)d знака).", n=MAX_COMMENT), "comment"
        )
    rating = ServiceRating(
        service_id=service.id,
        office_id=service.office_id,
        rated_on=today,
        satisfaction=data.satisfaction,
        within_term=data.within_term,
        clear_requirements=data.clear_requirements,
        courteous=data.courteous,
        extra_payment=data.extra_payment,
        comment=comment,
    )
    db.session.add(rating)
    db.session.flush()
    return rating


def summary(service: Service) -> Summary:
    """The service's ratings in five figures (staff only: small counts are not hidden)."""
    r = ServiceRating
    knew = case((r.within_term != "unknown", 1))
    row = db.session.execute(
        select(
            func.count(),
            func.avg(r.satisfaction),
            func.sum(case((r.satisfaction >= 4, 1), else_=0)),
            func.sum(case((r.within_term == "yes", 1), else_=0)),
            func.count(knew),
            func.sum(case((r.extra_payment == "yes", 1), else_=0)),
        ).where(r.service_id == service.id)
    ).one()
    count, mean, satisfied, in_term, known, extra = row
    return Summary(
        count=count,
        mean=float(mean) if count else None,
        satisfied=satisfied / count if count else None,
        within_term=in_term / known if known else None,
        extra_payment=extra or 0,
    )


def comments(service: Service, limit: int = 20) -> list[ServiceRating]:
    """The latest ratings with a comment, newest first: for the office's coordinators."""
    query = (
        select(ServiceRating)
        .where(ServiceRating.service_id == service.id, ServiceRating.comment != "")
        .order_by(ServiceRating.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
