"""Anonymised statistics: what the commission, the funder and the public are shown.

records (the only writer of StatRecord), cube (the monthly summary: one declaration per
dimension drives its SQL and its Python), suppression (disclosure control), tables (the
dashboard and the network view, counted in SQL), periods, funder, digest. This package's
face is the tables: `statistics.dashboard(...)`.
"""

from bureau.domain.statistics.tables import (
    PUBLIC_GROUPS,
    Dashboard,
    Filters,
    Period,
    category_table,
    dashboard,
    network,
    percentile,
    public_table,
)

__all__ = [
    "PUBLIC_GROUPS", "Dashboard", "Filters", "Period", "category_table", "dashboard", "network",
    "percentile", "public_table",
]  # fmt: skip
