"""Guards against guessing a password or a PIN: buckets of attempts in the database.

A bucket (an account or a reference, alone or as seen from one source) holds `burst`
attempts and grows back evenly, a whole burst per `period`. After a burst of wrong
guesses the next one waits a few minutes, never a long hard lock, and in any hour a
bucket lets at most burst + burst × 3600 / period attempts through. A bucket's state is
one number, the moment it is full again (the "theoretical arrival time" of GCRA),
changed by one conditional statement, so parallel requests can never take more than the
bucket holds, on SQLite and PostgreSQL alike.

Buckets are written in their own short transaction, not the request's: a guess counts
even when its request fails later, and no row stays locked while a password is hashed.
Call `take` before the request writes anything (SQLite has one writer at a time).
"""

import hashlib
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

import limits
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bureau.domain import DomainError, settings
from bureau.extensions import db
from bureau.models import RateLimitCounter, ThrottleBucket

# "N per period": a burst of N attempts, growing back at N per period. The per-source
# buckets grow back more slowly than the shared ones, so one source alone can never
# empty the shared bucket of an account or a reference and lock its owner out.
DEFAULTS = {
    "LOGIN_LIMIT_PER_SOURCE": "5 per 5 minutes",  # one account, from one address or browser
    "LOGIN_LIMIT_PER_ACCOUNT": "20 per 10 minutes",  # one account, from all new browsers
    "STATUS_LIMIT_PER_SOURCE": "3 per 15 minutes",  # one reference, from one address or browser
    # One reference from all new browsers: at most 25 wrong PINs in any hour, the bound
    # of the old lock (5 wrong PINs, then 15 minutes).
    "STATUS_LIMIT_PER_REFERENCE": "5 per 15 minutes",
    # Institutions' referral links, from one address: right or wrong alike, so a guess
    # and a real answer look the same from outside.
    "REFERRAL_LINK_LIMIT_PER_SOURCE": "30 per 15 minutes",
}


# Parallel requests read the clock a few milliseconds apart and reach the bucket in any
# order: one that read it earlier may find a later reading already stored. Up to this
# many seconds of difference is not held against it (every interval is far longer, so
# no burst ever gains an attempt).
CLOCK_SKEW = 1.0


def clock() -> float:
    """The time buckets are filled and emptied by (tests replace it)."""
    return time.time()


@dataclass(frozen=True)
class Rate:
    burst: int
    period: float  # seconds in which an empty bucket fills up again

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """'5 per 15 minutes' → a burst of 5, refilled in 15 minutes."""
        item = limits.parse(text)
        return cls(item.amount, float(item.get_expiry()))

    @property
    def interval(self) -> float:
        """Seconds for one attempt to grow back."""
        return self.period / self.burst

    @property
    def per_hour(self) -> float:
        return 3600 / self.interval


def rate(name: str) -> Rate:
    """The configured rate of one kind of bucket (DEFAULTS unless the settings say)."""
    return Rate.parse(settings.current().rates.get(name, DEFAULTS[name]))


@dataclass(frozen=True)
class Bucket:
    name: str  # e.g. "login:ana@kresna.bg|address:10.0.0.7"; only its hash is stored
    rate: Rate

    @property
    def key(self) -> str:
        return hashlib.sha256(self.name.encode("utf-8", "replace")).hexdigest()


class TooManyAttempts(DomainError):
    """A bucket is empty: the attempt is refused without being checked."""

    def __init__(self, wait: float):
        self.wait = max(1, math.ceil(wait))
        self.minutes = max(1, math.ceil(wait / 60))
        super().__init__(
            _l("Твърде много опити. Опитайте отново след %(minutes)d мин.", minutes=self.minutes)
        )


def take(buckets: Iterable[Bucket], *, now: float | None = None) -> list[Bucket]:
    """Take one attempt from every bucket, or from none: TooManyAttempts if one is empty."""
    now = clock() if now is None else now
    buckets = list(buckets)
    with db.engine.begin() as connection:
        for bucket in buckets:
            if not _take_one(connection, bucket, now):
                full_at = connection.scalar(
                    select(ThrottleBucket.full_at).where(ThrottleBucket.key == bucket.key)
                )
                raise TooManyAttempts(full_at - _slack(bucket.rate) - now)  # rolls back
    return buckets


def give_back(buckets: Iterable[Bucket]) -> None:
    """Return the attempts of a right password or PIN: proving it costs nothing."""
    with db.engine.begin() as connection:
        for bucket in buckets:
            connection.execute(
                update(ThrottleBucket)
                .where(ThrottleBucket.key == bucket.key)
                .values(full_at=ThrottleBucket.full_at - bucket.rate.interval)
            )


def purge(now: float | None = None) -> None:
    """Forget full buckets and run-out counters: they can no longer refuse anything."""
    now = clock() if now is None else now
    db.session.execute(delete(ThrottleBucket).where(ThrottleBucket.full_at <= now))
    db.session.execute(delete(RateLimitCounter).where(RateLimitCounter.expires_at <= now))


def _take_one(connection, bucket: Bucket, now: float) -> bool:
    """One atomic statement: insert the bucket, or update it only if it is not empty."""
    table = ThrottleBucket.__table__
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    from_now = case((table.c.full_at > now, table.c.full_at), else_=now)
    statement = (
        insert(table)
        .values(key=bucket.key, full_at=now + bucket.rate.interval)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"full_at": from_now + bucket.rate.interval},
            where=table.c.full_at <= now + _slack(bucket.rate) + CLOCK_SKEW,
        )
        .returning(table.c.full_at)
    )
    return connection.execute(statement).first() is not None


def _slack(rate: Rate) -> float:
    """How far ahead of now a bucket's full_at may be while one attempt is left."""
    return (rate.burst - 1) * rate.interval
