"""Statistics computed once per state of the data they count, then kept.

A commission's page, the public statistics and the monitoring report count the monthly
summary and suppress a few dozen tables: 25–80 ms of CPU a view, the same figures for
everyone until a case, a rating or the register changes. `remembered` keeps what it
computes under the versions of the offices it counts (StatVersion) and of the whole
installation ("*"); every change that could alter a figure counts its office's version
up in its own transaction (`changed`), so a kept result is never read after such a
change is committed — exact, not "a few minutes old". Kept in the app's cache:
Flask-Caching, in each worker's memory, or in Redis (BUREAU_REDIS_URL) shared by every
worker and app server; if the cache fails the figures are simply computed. Writes that
bypass the ORM and `changed` (bulk loads) are the summary's `ensure_current`'s to catch;
what is kept expires after BUREAU_STATISTICS_CACHE_SECONDS whatever happens.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bureau.extensions import Session, cache, db
from bureau.models import (
    Category,
    Office,
    ReferralRecord,
    Service,
    ServiceRating,
    Settlement,
    StatRecord,
)
from bureau.models.stat_summary import StatVersion

T = TypeVar("T")
log = logging.getLogger(__name__)
V = StatVersion.__table__
EVERY = "*"
# What the statistics count or label their rows by: a change to any of these, through
# the ORM, changes its office's figures (or everyone's, for what has no office).
SOURCES = (StatRecord, ReferralRecord, ServiceRating, Service, Settlement, Category, Office)


def remembered(name: str, office_ids: Iterable[int], key: tuple, compute: Callable[[], T]) -> T:
    """compute(), or what it gave for the same name, offices and key while none of the
    offices' figures has changed since."""
    offices = sorted(set(office_ids))
    scopes = [str(o) for o in offices] + [EVERY]
    rows = db.session.execute(select(V.c.scope, V.c.changed).where(V.c.scope.in_(scopes)))
    versions = {scope: changed for scope, changed in rows}
    key = (name, *[(scope, versions.get(scope, 0)) for scope in scopes], *key)
    address = "stats:" + hashlib.sha256(repr(key).encode()).hexdigest()
    try:
        found = cache.get(address)
    except Exception:  # a cache that is down must not take the statistics with it
        log.warning("statistics cache unreadable", exc_info=True)
        return compute()
    if found is not None:
        return found
    result = compute()
    try:
        cache.set(address, result)
    except Exception:
        log.warning("statistics cache unwritable", exc_info=True)
    return result


def _bump(insert):
    statement = insert(V)
    return statement.on_conflict_do_update(
        index_elements=["scope"], set_={"changed": V.c.changed + 1}
    )


# Built once, as the summary's upserts: every intake counts its office up.
_PG_BUMP, _SQLITE_BUMP = _bump(pg_insert), _bump(sqlite_insert)


def changed(connection, office_ids: Iterable[int | None]) -> None:
    """Count the offices' versions up (None: every office's) in this transaction."""
    scopes = sorted({EVERY if o is None else str(o) for o in office_ids})
    if not scopes:
        return
    bump = _PG_BUMP if connection.dialect.name == "postgresql" else _SQLITE_BUMP
    # In order: two transactions never wait for each other's rows.
    connection.execute(bump, [{"scope": scope, "changed": 1} for scope in scopes])


@event.listens_for(Session, "after_flush")
def _flushed(session, _context) -> None:
    touched = [
        *session.new,
        *(item for item in session.dirty if session.is_modified(item, include_collections=False)),
        *session.deleted,
    ]
    offices = {
        item.id if isinstance(item, Office) else getattr(item, "office_id", None)
        for item in touched
        if isinstance(item, SOURCES)
    }
    if offices:
        changed(session.connection(), offices)
