"""Column helpers shared by the models."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, naive: the database stores UTC throughout."""
    return datetime.now(UTC).replace(tzinfo=None)
