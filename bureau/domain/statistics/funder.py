"""The funder report: participants by sex, age and disadvantaged status, ESF+ style.

Counted in SQL from StatRecords (coded fields only) for one office and period, and
published through anonymisation.publish like every other table.

StatRecord has no person key, so a citizen who came three times is counted three times:
each inquiry counts as one participation, not one participant. The report says so.
"""

from sqlalchemy import case, func, or_, select

from bureau.domain.statistics.periods import Period
from bureau.domain.statistics.suppression import KEY_SPACE, Count, Published, publish
from bureau.extensions import db
from bureau.models import StatRecord

SEX = ("female", "male", "other")  # "other" also holds the undisclosed
AGE = ("under_25", "25_54", "55_plus", "unknown")
DISADVANTAGED = ("disadvantaged", "none")
AGE_GROUPS = {
    "under-18": "under_25",
    "18-24": "under_25",
    "25-34": "25_54",
    "35-44": "25_54",
    "45-54": "25_54",
    "55-64": "55_plus",
    "65+": "55_plus",
}
TABLES = {"funder_sex": SEX, "funder_age": AGE, "funder_disadvantaged": DISADVANTAGED}


def _sex():
    r = StatRecord
    return case((r.gender == "female", "female"), (r.gender == "male", "male"), else_="other")


def _age():
    r = StatRecord
    groups = [
        (r.age_band.in_([b for b, g in AGE_GROUPS.items() if g == group]), group)
        for group in AGE[:3]
    ]
    return case(*groups, else_="unknown")


def _disadvantaged():
    r = StatRecord
    flags = or_(r.unemployed, r.disability, r.pensioner, r.minority, r.single_parent)
    return case((flags, "disadvantaged"), else_="none")


def funder_report(office_id: int, period: Period, *, k: int) -> dict[str, Published]:
    """The three tables of the period (each inquiry one participation), suppressed for k."""
    sex, age, disadvantaged = _sex(), _age(), _disadvantaged()
    rows = db.session.execute(
        select(
            sex, age, disadvantaged, func.count(), func.coalesce(func.sum(StatRecord.cell_key), 0)
        )
        .where(
            StatRecord.office_id == office_id,
            StatRecord.received_on >= period.start,
            StatRecord.received_on < period.end,
        )
        .group_by(sex, age, disadvantaged)
    ).all()
    counts = {key: dict.fromkeys(codes, Count()) for key, codes in TABLES.items()}
    for s, a, d, n, key_sum in rows:
        count = Count(n, key_sum % KEY_SPACE)
        counts["funder_sex"][s] += count
        counts["funder_age"][a] += count
        counts["funder_disadvantaged"][d] += count
    return {
        key: publish(key, codes, ["n"], [[counts[key][c]] for c in codes], k, row_totals=False)
        for key, codes in TABLES.items()
    }
