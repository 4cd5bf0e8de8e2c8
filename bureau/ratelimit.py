"""Rate limits (Flask-Limiter): a store every worker shares, and limits that count only
failed attempts without letting parallel requests overshoot.

Without BUREAU_REDIS_URL the counters live in the database (`database://`, a storage
registered with the `limits` package as its documentation describes), so gunicorn's
workers and several app servers count together; with it, in Redis.

A limit that counts failures only is hit *before* the view runs, like any other: the
check and the count are one atomic increment, so of N parallel attempts exactly the
allowed number get through. An attempt that succeeded then gives its place back.
(Flask-Limiter's own `deduct_when` tests before and counts after the view, which lets
parallel requests through together.)
"""

import hashlib
import time
from collections.abc import Callable

from flask import Flask, Response, current_app, request
from limits.storage import Storage
from sqlalchemy import case, delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from bureau.extensions import db, limiter
from bureau.models import RateLimitCounter

REFUND_WHEN = "rate_limit_refund_when"


def init_app(app: Flask) -> None:
    # Registered before the request boundary's commit hook, so it runs after the commit:
    # the store's own connection must not wait for the request's write lock (SQLite).
    app.after_request(_refund_successes)


def failures_only(succeeded: Callable[[Response], bool]):
    """Mark a view whose limits count failed attempts only; place it just below the route."""

    def mark(view):
        setattr(view, REFUND_WHEN, succeeded)
        return view

    return mark


def _refund_successes(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    succeeded = getattr(view, REFUND_WHEN, None)
    if succeeded is not None and succeeded(response):
        for counted in limiter.current_limits:
            if not counted.breached:
                limiter.storage.incr(counted.key, counted.limit.get_expiry(), amount=-1)
    return response


class DatabaseStorage(Storage):
    """Fixed-window counters in the table rate_limit_counter, on the app's own database.

    Each call is its own short transaction on a connection of its own; an increment is
    one INSERT … ON CONFLICT DO UPDATE … RETURNING, atomic on SQLite and PostgreSQL.
    """

    STORAGE_SCHEME = ["database"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        table = RateLimitCounter.__table__
        run_out = table.c.expires_at <= now
        with db.engine.begin() as connection:
            insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
            statement = (
                insert(table)
                .values(key=_hashed(key), count=amount, expires_at=now + expiry)
                .on_conflict_do_update(
                    index_elements=[table.c.key],
                    set_={
                        "count": _if(run_out, amount, table.c.count + amount),
                        "expires_at": _if(run_out, now + expiry, table.c.expires_at),
                    },
                )
                .returning(table.c.count)
            )
            return connection.execute(statement).scalar_one()

    def get(self, key: str) -> int:
        found = self._current(key)
        return found.count if found else 0

    def get_expiry(self, key: str) -> float:
        found = self._current(key)
        return found.expires_at if found else time.time()

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(RateLimitCounter).where(RateLimitCounter.key == _hashed(key)))

    def _current(self, key: str):
        with db.engine.connect() as connection:
            return connection.execute(
                select(RateLimitCounter.count, RateLimitCounter.expires_at).where(
                    RateLimitCounter.key == _hashed(key), RateLimitCounter.expires_at > time.time()
                )
            ).first()


def _if(condition, then, otherwise):
    return case((condition, then), else_=otherwise)


def _hashed(key: str) -> str:
    """Keys name addresses and accounts; the table keeps only their hashes."""
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
