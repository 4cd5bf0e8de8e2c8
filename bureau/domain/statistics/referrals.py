"""Referrals in the statistics: by institution and what became of them, and the working
days an institution took to acknowledge and to report the outcome. Counted from
ReferralRecords only (codes and day counts, never a case), and published through
suppression.publish / publish_figure like every table of the dashboard."""

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from bureau.domain.statistics.suppression import Count, publish, publish_figure
from bureau.extensions import db
from bureau.models import ReferralRecord
from bureau.models.stats import KEY_SPACE

R = ReferralRecord
# The columns: the institution's coded result once reported, else where the referral stands.
COLUMNS = ("resolved", "partly", "not_resolved", "no_contact", "declined", "no_answer", "open")


def column_of(state: str, result: str | None) -> str:
    if state == "outcome_reported" and result in COLUMNS:
        return result
    if state in ("declined", "no_answer"):
        return state
    return "open"


def tables(office_ids: list[int], start: date, end: date, *, k: int) -> tuple[dict, dict]:
    """The institution × result table of the referrals made in [start, end], and the
    median and 90th percentile of the days to acknowledge and to the outcome (withheld
    under k referrals)."""
    where = (R.office_id.in_(office_ids), R.referred_on >= start, R.referred_on <= end)
    rows = db.session.execute(
        select(R.institution, R.state, R.result, func.count(), func.sum(R.cell_key))
        .where(*where)
        .group_by(R.institution, R.state, R.result)
    ).all()
    counts: dict[tuple[str, str], Count] = {}
    for institution, state, result, n, keys in rows:
        cell = (institution, column_of(state, result))
        counts[cell] = counts.get(cell, Count()) + Count(n, int(keys or 0) % KEY_SPACE)
    institutions = sorted({institution for institution, _column in counts})
    values = [[counts.get((i, c), Count()) for c in COLUMNS] for i in institutions]
    table = publish("referral_result", institutions, COLUMNS, values, k)
    figures = {}
    for name, column in (("ack", R.ack_days), ("outcome", R.outcome_days)):
        histogram = Counter(
            dict(
                db.session.execute(
                    select(column, func.count()).where(*where, column.is_not(None)).group_by(column)
                ).all()
            )
        )
        n = sum(histogram.values())
        from bureau.domain.statistics.tables import percentile  # tables imports this module

        figures[f"referral_{name}_median_days"] = publish_figure(percentile(histogram, 0.5), n, k)
        figures[f"referral_{name}_p90_days"] = publish_figure(percentile(histogram, 0.9), n, k)
    return {"referral_result": table}, figures
