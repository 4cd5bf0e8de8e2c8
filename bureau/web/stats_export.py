"""Exports of the published tables: JSON, CSV (one stable column set) and XLSX.

They carry exactly the cells the screen shows: suppressed counts are null/empty.
"""

import csv
import io

from openpyxl import Workbook

from bureau.domain.anonymisation import Cell, Published
from bureau.web.stats_labels import TITLES, TOTAL, Labels, cell_text

# What every export says of its figures (domain/anonymisation.py explains why).
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
                meta["office"]["code"], period["from"], period["to"], key, row, row_label,
                column, column_label, "" if cell.count is None else cell.count,
                "true" if cell.suppressed else "false", cell_text(cell, table.threshold),
                table.threshold,
            ]  # fmt: skip
            writer.writerow([escape_formula(value) for value in line])
    return out.getvalue()


def xlsx_bytes(tables: dict[str, Published], labels: Labels, *, meta: dict) -> bytes:
    """A workbook: a sheet describing the export, then one sheet per table as on screen."""
    book = Workbook()
    about = book.active
    about.title = "info"
    period = meta["period"]
    for line in (
        ("office", meta["office"]["code"], meta["office"]["name"]),
        ("period", period["from"], period["to"]),
        ("threshold", meta["threshold"], f"<{meta['threshold']}: 1..{meta['threshold'] - 1}"),
        *[("filter", key, value) for key, value in meta["filters"].items() if value],
        *([("note", meta["note"], "")] if meta.get("note") else []),
    ):
        _append(about, line)
    for key, table in tables.items():
        sheet = book.create_sheet(key[:31])
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


def _value(cell: Cell, table: Published):
    return cell.count if not cell.suppressed else cell_text(cell, table.threshold)


def _append(sheet, values) -> None:
    """A row of plain values: text is stored as text, never as a formula."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
