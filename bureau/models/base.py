"""Column helpers shared by the models."""

from bureau.domain.clock import utcnow

__all__ = ["utcnow"]
