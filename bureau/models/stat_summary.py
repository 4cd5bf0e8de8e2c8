"""Monthly counts of StatRecords, so a year's statistics read a few thousand rows."""

from datetime import date

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bureau.extensions import db


class StatCube(db.Model):
    """How many StatRecords of an office, month and category have a coded value.

    One row per (office, month, category, dimension, value): ("channel", "phone") → 17.
    Derived data only, kept in step by bureau.domain.statistics.cube and rebuilt from StatRecord
    whenever a month's total disagrees with it.
    """

    __tablename__ = "stat_cube"
    # Every read is of one or a few dimensions of an office's months: the dimension comes
    # before the month, so it reads those rows only (at 13 million cases an office-month
    # has ~600 rows, of which "all" has a dozen).
    __table_args__ = (UniqueConstraint("office_id", "dimension", "month", "category", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    month: Mapped[date]  # the first day of the month
    category: Mapped[str] = mapped_column(String(40))
    dimension: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(60), default="")
    n: Mapped[int] = mapped_column(default=0)
    # The sum of those records' cell keys (mod 2**31 when used): counts and keys add up
    # the same way, so any period or filter gets its cell key from the summary.
    key_sum: Mapped[int] = mapped_column(BigInteger, default=0)


class StatVersion(db.Model):
    """How many times the figures of an office have changed ("*": of every office).

    Statistics computed once are kept (bureau.domain.statistics.kept.remembered) under the
    versions of the offices they count: a change that could alter a figure counts one up
    in the same transaction, so nothing kept is read after it. Derived data only.
    """

    __tablename__ = "stat_version"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)  # office id, or "*"
    changed: Mapped[int] = mapped_column(BigInteger, default=0)
