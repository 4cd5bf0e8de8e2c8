"""The statistics' SVG charts (bureau/web/common/charts.py)."""

import re

from bureau.domain.statistics.suppression import Cell, Published
from bureau.web.common.charts import months_chart


def label_lines(svg: str) -> list[list[str]]:
    texts = re.findall(r'<text class="stat-label"[^>]*>(.*?)</text>', svg)
    return [re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text) for text in texts]


def test_months_are_numbered_with_the_year_under_the_first_and_each_january():
    months = ("2025-11", "2025-12", "2026-01", "2026-02")
    table = Published(
        key="category_month",
        rows=("health",),
        columns=months,
        cells=((Cell(6), Cell(7), Cell(8), Cell(9)),),
        row_totals=(Cell(30),),
        column_totals=(Cell(6), Cell(7), Cell(8), Cell(None, suppressed=True)),
        total=Cell(30),
        threshold=5,
    )
    svg = str(months_chart(table))
    assert label_lines(svg) == [["11", "2025"], ["12"], ["01", "2026"], ["02"]]
    assert svg.count('class="stat-bar"') == 3
    assert 'class="stat-hidden"' in svg
