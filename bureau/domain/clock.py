"""The bureau's clock, in one place: moments in UTC (as stored), days in Sofia.

The database keeps naive UTC; the bureau's days begin and end in Europe/Sofia (a case
logged at 01:30 on 1 April in Sofia belongs to April, whatever UTC says).
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SOFIA = ZoneInfo("Europe/Sofia")


def utcnow() -> datetime:
    """The current time in UTC, naive: the database stores UTC throughout."""
    return datetime.now(UTC).replace(tzinfo=None)


def sofia_today() -> date:
    """Today's date in Sofia, where the bureau's days begin and end."""
    return datetime.now(SOFIA).date()


def in_sofia(moment: datetime) -> datetime:
    """A UTC moment (naive, as stored, or aware) on Sofia's wall clock."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(SOFIA)


def local_now(now: datetime | None = None) -> datetime:
    """Sofia wall-clock time for a naive UTC moment (default: now)."""
    return in_sofia(now or utcnow())


def today_since(now_local: datetime) -> datetime:
    """Midnight of the Sofia day, as naive UTC, for "today's inquiries"."""
    midnight = now_local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - midnight.utcoffset()).replace(tzinfo=None)
