"""Exports of the published tables: JSON, CSV and XLSX.

They carry exactly the cells the screen shows: suppressed counts are null/empty. The
commission's CSV and XLSX are for people (Bulgarian headings and sheet names, a CSV that
Bulgarian Excel opens as it is); the open-data API's CSV keeps its stable English column
set for programs; the codes are in every JSON export.
"""

import csv
import io
import re
from datetime import date
from urllib.parse import quote

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bureau.domain.statistics.periods import Period
from bureau.domain.statistics.suppression import Cell, Published
from bureau.domain.transliteration import to_latin
from bureau.web.common.labels import SHEETS, TITLES, TOTAL, Labels, cell_text

# What every export says of its figures (domain/statistics/suppression.py explains why).
ADJUSTMENT = (
    "cell-key perturbation: each count other than 0 is adjusted by at most 2, always the "
    "same for the same inquiries; totals are adjusted on their own, so parts need not add "
    "up; adjusted counts from 1 to threshold-1 are suppressed"
)

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    "office", "period_from", "period_to", "table", "row", "row_label", "column",
    "column_label", "count", "suppressed", "shown", "threshold",
]  # fmt: skip
# The people's CSV: what a column holds in words; the codes last, for joining files.
HEADINGS = [
    _l("Бюро"), _l("Период от"), _l("Период до"), _l("Таблица"), _l("Ред"), _l("Колона"),
    _l("Брой"), _l("Скрито"), _l("Показано като"), _l("Праг"), _l("Код на таблицата"),
    _l("Код на реда"), _l("Код на колоната"),
]  # fmt: skip
ADJUSTMENT_NOTE = _l(
    "Всяка бройка освен 0 е коригирана с до ±2, винаги еднакво за едни и същи запитвания; "
    "общите суми се коригират отделно, затова частите може да не дават точно сбора; "
    "коригираните бройки от 1 до прага минус 1 са скрити."
)
# Excel in a Bulgarian Windows separates list items with ";" and reads a file as UTF-8
# only after a byte-order mark; without them it shows one column of mojibake.
EXCEL_DELIMITER = ";"
BOM = "\ufeff"
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def escape_formula(value):
    """Text that a spreadsheet would run as a formula, made plain text by a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table_json(table: Published, labels: Labels) -> dict:
    def cells(items):
        return None if items is None else [c.as_json() for c in items]

    return {
        "title": str(TITLES.get(table.key, table.key)),
        "rows": [{"code": r, "label": labels.row(table.key, r)} for r in table.rows],
        "columns": [{"code": c, "label": labels.column(table.key, c)} for c in table.columns],
        "cells": [cells(row) for row in table.cells],
        "row_totals": cells(table.row_totals),
        "column_totals": cells(table.column_totals),
        "total": table.total.as_json() if table.total else None,
    }


def document(tables: dict[str, Published], labels: Labels, *, meta: dict, figures=None) -> dict:
    """The JSON document: threshold, office, period and filters, then the tables."""
    body = {**meta, "tables": {key: table_json(t, labels) for key, t in tables.items()}}
    if figures is not None:
        body["figures"] = {key: _figure(value) for key, value in figures.items()}
    return body


def service_lines(board, before=None) -> list[dict]:
    """Each line of a services board (statistics/services.py) — a service, or a
    department — with its figures and, given `before`, the half-year before's."""
    lines = []
    for line in board.ranked():
        if board.group == "department":
            about = {"department": line.code}
        else:
            service = board.services[line.code]
            about = {"code": service.code, "name": service.name, "kind": service.kind,
                     "department": service.department}  # fmt: skip
        item = {**about, **line_json(line)}
        if before is not None:
            item["previous"] = line_json(before.lines.get(line.code))
        lines.append(item)
    return lines


def line_json(line) -> dict | None:
    """One line's counts as cells, its shares and averages as numbers or null."""
    if line is None:
        return None
    return {
        "inquiries": line.inquiries.as_json(),
        "with_problem": line.with_problem.as_json(),
        "term_exceeded_percent": line.term_share,
        "problem_percent": line.problem_share,
        "ratings": line.ratings.as_json(),
        "satisfaction_average": line.mean,
        "satisfied_percent": line.satisfied,
    }


def _figure(value) -> dict:
    if isinstance(value, Cell):
        return value.as_json()
    return {"value": value, "withheld": value is None}


def _entries(table: Published, labels: Labels):
    """(row, row label, column, column label, cell) for every cell and total."""
    total = str(TOTAL)
    for i, row in enumerate(table.rows):
        for j, column in enumerate(table.columns):
            yield (
                row,
                labels.row(table.key, row),
                column,
                labels.column(table.key, column),
                (table.cells[i][j]),
            )
        if table.row_totals is not None:
            yield row, labels.row(table.key, row), "total", total, table.row_totals[i]
    for j, column in enumerate(table.columns):
        if table.column_totals is not None:
            yield "total", total, column, labels.column(table.key, column), (table.column_totals[j])
    if table.total is not None and table.row_totals is not None:
        yield "total", total, "total", total, table.total


def csv_text(tables: dict[str, Published], labels: Labels, *, meta: dict) -> str:
    """Every table in one long CSV with a stable column set, as open-data portals want it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    period = meta["period"]
    for key, table in tables.items():
        for row, row_label, column, column_label, cell in _entries(table, labels):
            line = [
                meta["office"]["code"],
                period["from"],
                period["to"],
                key,
                row,
                row_label,
                column,
                column_label,
                "" if cell.count is None else cell.count,
                "true" if cell.suppressed else "false",
                cell_text(cell, table.threshold),
                table.threshold,
            ]
            writer.writerow([escape_formula(value) for value in line])
    return out.getvalue()


def excel_csv(tables: dict[str, Published], labels: Labels, *, meta: dict) -> bytes:
    """Every table in one long CSV for people: Bulgarian headings and labels, as Bulgarian
    Excel opens it (see EXCEL_DELIMITER); the row and column codes in the last columns."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=EXCEL_DELIMITER, lineterminator="\r\n")
    writer.writerow([str(h) for h in HEADINGS])
    period = meta["period"]
    start, end = (_day(period["from"]), _day(period["to"]))
    yes, no = _("да"), _("не")
    for key, table in tables.items():
        title = str(TITLES.get(key, key))
        for row, row_label, column, column_label, cell in _entries(table, labels):
            line = [
                meta["office"]["code"],
                start,
                end,
                title,
                row_label,
                column_label,
                "" if cell.count is None else cell.count,
                yes if cell.suppressed else no,
                cell_text(cell, table.threshold),
                table.threshold,
                key,
                row,
                column,
            ]
            writer.writerow([escape_formula(value) for value in line])
    return (BOM + out.getvalue()).encode("utf-8")


def _day(iso: str) -> str:
    """2026-07-01 as people write it: 01.07.2026."""
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"


def sheet_name(key: str, taken: set[str]) -> str:
    """The table's name in words, as a sheet name may be: ≤ 31 characters, none of
    []:*?/\\, unique in the workbook."""
    base = SHEET_FORBIDDEN.sub(" ", str(SHEETS.get(key, TITLES.get(key, key))))[:31].strip()
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" {number}"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def xlsx_bytes(tables: dict[str, Published], labels: Labels, *, meta: dict) -> bytes:
    """A workbook: a sheet describing the export, then one sheet per table as on screen."""
    book = Workbook()
    about = book.active
    about.title = str(_("За файла"))
    taken = {about.title.lower()}
    period = meta["period"]
    k = meta["threshold"]
    filters = labels.filters(meta["filters"])
    for line in (
        (_("Бюро"), meta["office"]["code"], meta["office"]["name"]),
        (_("Период"), _day(period["from"]), _day(period["to"])),
        (_("Праг"), k, _("„<%(k)d“: от 1 до %(n)d", k=k, n=k - 1)),
        *[(_("Филтър"), name, value) for name, value in filters],
        (_("Корекция"), str(ADJUSTMENT_NOTE), ""),
        *([(_("Бележка"), meta["note"], "")] if meta.get("note") else []),
    ):
        _append(about, [str(value) if not isinstance(value, int) else value for value in line])
    for key, table in tables.items():
        sheet = book.create_sheet(sheet_name(key, taken))
        _append(sheet, [str(TITLES.get(key, key))])
        header = ["", *[labels.column(key, c) for c in table.columns]]
        _append(sheet, header + ([str(TOTAL)] if table.row_totals is not None else []))
        for i, row in enumerate(table.rows):
            cells = list(table.cells[i])
            if table.row_totals is not None:
                cells.append(table.row_totals[i])
            _append(sheet, [labels.row(key, row), *[_value(c, table) for c in cells]])
        if table.column_totals is not None:
            cells = list(table.column_totals) + ([table.total] if table.row_totals else [])
            _append(sheet, [str(TOTAL), *[_value(c, table) for c in cells]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook of plain tables, one sheet per name: the first row is the heading (bold,
    kept in view); text stays text (never a formula), a date is an Excel date shown as
    dd.mm.yyyy, a number a number, None an empty cell."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for name, rows in sheets.items():
        sheet = book.create_sheet(sheet_name(name, taken))
        widths: dict[int, int] = {}
        for values in rows:
            _append(sheet, values)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, date):
                    cell.number_format = "dd.mm.yyyy"
                size = 10 if isinstance(cell.value, date) else len(str(cell.value or ""))
                widths[cell.column] = max(widths.get(cell.column, 8), min(size + 2, 60))
        for cell in sheet[1] if rows else ():
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(cell: Cell, table: Published):
    return cell.count if not cell.suppressed else cell_text(cell, table.threshold)


def _append(sheet, values) -> None:
    """A row of plain values: text is stored as text, never as a formula."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def download(words: str, office_code: str, period: Period, extension: str, table=None) -> dict:
    """The Content-Disposition of an export named for what it holds, e.g.
    statistika-KRS-2026-Q3-po-kategorii.csv: a plain ASCII (transliterated) name for every
    browser, and the Bulgarian one as RFC 6266's filename*."""
    name = f"{words}-{office_code}-{period_slug(period)}"
    if table:
        name += "-" + str(SHEETS.get(table, table)).lower()
    ascii_name = re.sub(r"[^A-Za-z0-9.-]+", "-", _latin(name)).strip("-")
    ascii_name = re.sub(r"-{2,}", "-", ascii_name)[:150] + f".{extension}"
    local = re.sub(r"[\s/\\]+", "-", name)[:150] + f".{extension}"
    value = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(local, safe='')}"
    return {"Content-Disposition": value}


def period_slug(period: Period) -> str:
    """2026, 2026-Q3 or 2026-03; any other range as its first and last month."""
    start = period.start
    if period.kind == "year":
        return f"{start.year}"
    if period.kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period.kind == "month":
        return f"{start:%Y-%m}"
    if period.kind == "half":
        return period.code
    return f"{start:%Y-%m}-{period.last_day:%Y-%m}"


def _latin(text: str) -> str:
    """Transliterated by the official rules, keeping upper-case codes (KRS) as they are."""
    parts = re.split(r"(\W+)", text)
    return "".join(p if p.isascii() and p.isupper() else to_latin(p) for p in parts)
