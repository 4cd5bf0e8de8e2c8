"""Statistics views frozen for citing: a dashboard table kept exactly as the commission
saw it — its suppressed cells, labels, period and filters — so that a recommendation stands
on numbers the council can check later, whatever the live figures become."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bureau.domain import DomainError, NotFound, audit
from bureau.extensions import db
from bureau.models import Recommendation, SavedView, User
from bureau.models.recommendation import recommendation_view


def freeze(
    office_id: int, *, title: str, table: str, args: dict, document: dict, actor: User
) -> SavedView:
    """Keep the table's published document (its JSON export) under a title."""
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise DomainError(_l("Дайте заглавие на таблицата (до 200 знака)."), "title")
    view = SavedView(
        office_id=office_id, title=title, table=table, args=args, document=document,
        created_by_id=actor.id,
    )  # fmt: skip
    db.session.add(view)
    db.session.flush()
    audit.record("stats.freeze", actor=actor, office_id=office_id, details={"table": table})
    return view


def of_office(office_id: int) -> list[SavedView]:
    query = select(SavedView).where(SavedView.office_id == office_id)
    return list(db.session.scalars(query.order_by(SavedView.created_at.desc(), SavedView.id)))


def get(office_id: int, view_id: int) -> SavedView:
    found = db.session.get(SavedView, view_id)
    if found is None or found.office_id != office_id:
        raise NotFound(_l("Таблицата не е намерена."))
    return found


def cited_by(view: SavedView) -> list[Recommendation]:
    query = (
        select(Recommendation)
        .join(recommendation_view, recommendation_view.c.recommendation_id == Recommendation.id)
        .where(recommendation_view.c.view_id == view.id)
    )
    return list(db.session.scalars(query))


def remove(view: SavedView) -> None:
    """A table no recommendation cites may go; a cited one is part of the record."""
    if cited_by(view):
        raise DomainError(_l("Таблицата е цитирана в препоръка и остава."))
    db.session.delete(view)
    db.session.flush()
