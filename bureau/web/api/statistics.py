"""Open data for programs: GET /api/v1/public/statistics (the page is /open-data) and
GET /api/v1/public/services (the page is /services/<OFFICE>/report).

Anonymous GETs only, the same suppressed tables as the commission's; no token is read,
so the answer is the same for everyone and stays cacheable.
"""

from flask import Response, current_app, jsonify, request

from bureau.database import from_replica
from bureau.domain import DomainError, statistics
from bureau.domain.statistics import PUBLIC_GROUPS, services
from bureau.domain.statistics.periods import FIRST_YEAR, LAST_YEAR
from bureau.domain.statistics.query import public_half, public_query, public_tables
from bureau.permissions import public
from bureau.web.api.openapi import SPEC
from bureau.web.api.views import bp
from bureau.web.common import stats_export
from bureau.web.common.labels import Labels

CACHE = "public, max-age=3600"
FORMATS = ("json", "csv")


@bp.get("/public/statistics")
@public
@from_replica
def public_statistics():
    query = public_query(request.args)
    if (refused := _refused(query)) is not None:
        return refused
    groups = [g for g in request.args.get("group_by", "").split(",") if g] or list(PUBLIC_GROUPS)
    try:
        board, tables = public_tables(query)
        tables = {group: statistics.public_table(board, group) for group in groups}
    except DomainError:
        message = f"group_by must be one of {', '.join(PUBLIC_GROUPS)}"
        return jsonify(error="bad_request", message=message), 400
    name = f"open-data-{query.office.code}-{query.period.start:%Y-%m}.csv"
    return _answer(query, tables, board.threshold, name)


def _refused(query):
    """The 404 of an unknown office, or the 400 of a period that is not published or of a
    format we do not write (never a JSON answer to a program that asked for another)."""
    if query.office is None:
        return jsonify(error="not_found", message="unknown office"), 404
    if query.error:
        return jsonify(error="bad_request", message=query.error), 400
    if (request.args.get("format") or "json") not in FORMATS:
        return jsonify(error="bad_request", message="format must be json or csv"), 400
    return None


def _answer(query, tables: dict, k: int, csv_name: str, **extra):
    """The tables as JSON (with `extra`), or with format=csv one row per cell; cacheable."""
    labels = Labels([query.office.id])
    meta = {
        "threshold": k,
        "adjustment": stats_export.ADJUSTMENT,
        "office": {"code": query.office.code, "name": query.office.name},
        "period": query.period.as_dict(),
        "filters": {},
    }
    headers = {"Cache-Control": CACHE}
    if request.args.get("format") == "csv":
        headers["Content-Disposition"] = f'attachment; filename="{csv_name}"'
        content = stats_export.csv_text(tables, labels, meta=meta)
        return Response(content, content_type="text/csv; charset=utf-8", headers=headers)
    return jsonify({**stats_export.document(tables, labels, meta=meta), **extra}), 200, headers


CELL = {
    "type": "object",
    "properties": {"count": {"type": ["integer", "null"]}, "suppressed": {"type": "boolean"}},
}
OPENAPI_PATH = {
    "get": {
        "summary": "Anonymised statistics of an office (no token needed)",
        "description": "Calendar years and quarters only. Every count is adjusted by a "
        "small amount that depends only on the records it counts (the same records always "
        "give the same figure), so totals may differ from the sum of their parts; counts "
        "from 1 to threshold-1 are then suppressed (count null, suppressed true), and "
        "further cells where a total would reveal them.",
        "security": [],
        "parameters": [
            {"name": "office", "in": "query", "schema": {"type": "string"}},
            {"name": "year", "in": "query",
             "schema": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}},
            {"name": "quarter", "in": "query", "schema": {"enum": [1, 2, 3, 4]}},
            {"name": "group_by", "in": "query", "schema": {"enum": list(PUBLIC_GROUPS)}},
            {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"]}},
        ],
        "responses": {
            "200": {
                "description": "threshold, office, period and the tables (rows, columns, "
                "cells of {count, suppressed}, totals); CSV: one row per cell",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "threshold": {"type": "integer"}, "period": {"type": "object"},
                    "office": {"type": "object"}, "tables": {"type": "object"},
                    "cell": CELL,
                }}}, "text/csv": {}},
            },
            "400": {"description": "Bad parameters"},
            "404": {"description": "Unknown office"},
        },
    }
}  # fmt: skip
# Described in the /api/v1 OpenAPI document beside the bearer-token routes.
SPEC["paths"]["/public/statistics"] = OPENAPI_PATH


@bp.get("/public/services")
@public
@from_replica
def public_services():
    """The services' figures of a half-year: the report card's, as data."""
    query = public_half(request.args)
    if (refused := _refused(query)) is not None:
        return refused
    k = current_app.config["SUPPRESSION_THRESHOLD"]
    board = services.board([query.office.id], query.period, k=k)
    tables = {table.key: table for table in board.tables.values()}
    name = f"services-{query.office.code}-{query.period.code}.csv"
    return _answer(query, tables, k, name, services=stats_export.service_lines(board))


SERVICES_PATH = {
    "get": {
        "summary": "Figures per municipal service for a half-year (no token needed)",
        "description": "Inquiries about each service of the office's register, the "
        "problems recorded with it and citizens' anonymous ratings, for a calendar "
        "half-year (default: the last one that is over). Counts are adjusted and suppressed "
        "as in /public/statistics; shares and averages are null where they would rest on "
        "a hidden or small count. Never a comment.",
        "security": [],
        "parameters": [
            {"name": "office", "in": "query", "schema": {"type": "string"}},
            {"name": "year", "in": "query",
             "schema": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}},
            {"name": "half", "in": "query", "schema": {"enum": [1, 2]}},
            {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"]}},
        ],
        "responses": {
            "200": {
                "description": "threshold, office, period, the tables (service_problems, "
                "service_trend, service_ratings, service_answers) and `services`: each "
                "service's figures; CSV: one row per cell",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "threshold": {"type": "integer"}, "period": {"type": "object"},
                    "office": {"type": "object"}, "tables": {"type": "object"},
                    "services": {"type": "array"},
                }}}, "text/csv": {}},
            },
            "400": {"description": "Bad parameters"},
            "404": {"description": "Unknown office"},
        },
    }
}  # fmt: skip
SPEC["paths"]["/public/services"] = SERVICES_PATH
