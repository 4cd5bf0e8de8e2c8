"""Charts as server-rendered SVG: no script, prints as it shows, the table sits beside it."""

import itertools

from markupsafe import Markup, escape

from bureau.domain.statistics.suppression import Cell, Published
from bureau.web.common.labels import (
    TITLES,
    Labels,
    cell_text,
    comparison_label,
    months_label,
    number,
    period_label,
)

_ids = itertools.count(1)
# Charts are drawn in user units of about a CSS pixel and never shown wider than drawn
# beside a table (statistics.css), so their 14-unit labels read at 12 px or more from a
# 768 px tablet up; below 576 px the table beside a chart stands in for it.
WIDTH = 640  # the months' columns
BAR_WIDTH = 480  # bars beside their table: half of a 1024 px screen
LABEL_WIDTH = 232
LINE = 16
LABEL_CHARACTERS = 24  # a line of a label at 14 units (Cyrillic is wide)


def bar_chart(title: str, items: list[tuple[str, Cell]], threshold: int) -> Markup:
    """Horizontal bars, one per row; a hidden count gets no bar, only its mark. A long
    label takes two lines rather than being cut short."""
    chart_id = f"chart-{next(_ids)}"
    top = max([c.count for _label, c in items if not c.suppressed] + [1])
    span = BAR_WIDTH - LABEL_WIDTH - 50
    lines = [_lines(label) for label, _cell in items]
    rows = [LINE * len(label) + 12 for label in lines]
    parts = [
        f'<svg class="stat-chart stat-bars" viewBox="0 0 {BAR_WIDTH} {sum(rows) + 10}" '
        f'role="img" aria-labelledby="{chart_id}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    y = 5
    for (_label, cell), label_lines, row in zip(items, lines, rows, strict=True):
        middle = y + row / 2 + 5
        first = middle - (len(label_lines) - 1) * LINE / 2
        spans = "".join(
            f'<tspan x="{LABEL_WIDTH - 8}" y="{first + n * LINE}">{escape(line)}</tspan>'
            for n, line in enumerate(label_lines)
        )
        parts.append(f'<text class="stat-label" text-anchor="end">{spans}</text>')
        if cell.suppressed:
            parts.append(
                f'<text class="stat-hidden" x="{LABEL_WIDTH + 4}" y="{middle}">'
                f"{escape(cell_text(cell, threshold))}</text>"
            )
        else:
            width = round(span * cell.count / top, 1)
            parts.append(
                f'<rect class="stat-bar" x="{LABEL_WIDTH}" y="{middle - 13}" '
                f'width="{width}" height="18"></rect>'
            )
            parts.append(
                f'<text class="stat-value" x="{LABEL_WIDTH + width + 6}" y="{middle}">'
                f"{escape(cell_text(cell, threshold))}</text>"
            )
        y += row
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above is escaped)


def column_chart(title: str, items: list[tuple[str, Cell]], threshold: int) -> Markup:
    """Vertical columns, e.g. the months of the period; a label may have a second line
    after a newline."""
    chart_id = f"chart-{next(_ids)}"
    top = max([c.count for _label, c in items if not c.suppressed] + [1])
    height, base, columns = 248, 200, max(len(items), 1)
    step = (WIDTH - 20) / columns
    parts = [
        f'<svg class="stat-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}">{escape(title)}</title>',
        f'<line class="stat-axis" x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}"></line>',
    ]
    for index, (label, cell) in enumerate(items):
        x = 10 + index * step
        middle = round(x + step / 2, 1)
        spans = "".join(
            f'<tspan x="{middle}" y="{base + 18 + n * LINE}">{escape(line)}</tspan>'
            for n, line in enumerate(label.split("\n"))
        )
        parts.append(f'<text class="stat-label" text-anchor="middle">{spans}</text>')
        text = escape(cell_text(cell, threshold))
        if cell.suppressed:
            parts.append(
                f'<text class="stat-hidden" x="{middle}" y="{base - 6}" '
                f'text-anchor="middle">{text}</text>'
            )
            continue
        bar = round((base - 30) * cell.count / top, 1)
        parts.append(
            f'<rect class="stat-bar" x="{round(x + step * 0.15, 1)}" y="{base - bar}" '
            f'width="{round(step * 0.7, 1)}" height="{bar}"></rect>'
        )
        parts.append(
            f'<text class="stat-value" x="{middle}" y="{base - bar - 5}" '
            f'text-anchor="middle">{text}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above is escaped)


def _lines(label: str, width: int = LABEL_CHARACTERS) -> list[str]:
    """The label in at most two lines of about `width` characters, cut only if longer."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    if len(lines[-1]) > width:
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines or [""]


def table_chart(table: Published, labels: Labels) -> Markup:
    """The chart of a table: its rows as bars (a cross table: its row totals)."""
    title = str(TITLES.get(table.key, table.key))
    if table.row_totals is not None:
        pairs = zip(table.rows, table.row_totals, strict=True)
        items = [(labels.row(table.key, r), c) for r, c in pairs if c.count != 0]
    else:
        items = [
            (labels.row(table.key, r), c) for r, c in zip(table.rows, table.column(), strict=True)
        ]
    return bar_chart(title, items, table.threshold)


def months_chart(table: Published) -> Markup:
    """The monthly totals of a category × month table, as columns: each month by its
    number, the year under the first month and under each January (a whole "01.2026"
    under each of twelve columns overlaps its neighbours on a tablet)."""
    title = str(TITLES["month"])
    pairs = zip(table.columns, table.column_totals or (), strict=True)
    items = []
    for index, (code, cell) in enumerate(pairs):
        year, _sep, month = code.partition("-")  # 2026-01
        items.append((f"{month}\n{year}" if index == 0 or month == "01" else month, cell))
    return column_chart(title, items, table.threshold)


def template_helpers() -> dict:
    """What the statistics templates use to show tables and charts."""
    return {
        "cell_text": cell_text,
        "number": number,
        "period_label": period_label,
        "comparison_label": comparison_label,
        "months_label": months_label,
        "table_title": lambda key: str(TITLES.get(key, key)),
        "table_chart": table_chart,
        "months_chart": months_chart,
    }
