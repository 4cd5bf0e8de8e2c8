"""The commission's view of the municipal services (/commission/services) and the
half-yearly monitoring report (/commission/monitoring), with their exports.

Anonymised figures only, from bureau.domain.statistics.services and .monitoring: the
tables arrive suppressed; no comment or case text is read here.
"""

from flask import Response, abort, jsonify, render_template, request
from flask_babel import gettext as _

from bureau.database import from_replica
from bureau.domain.clock import sofia_today
from bureau.domain.statistics import monitoring, services
from bureau.domain.statistics.query import StatsQuery
from bureau.permissions import requires
from bureau.web.commission.views import EXPORT_TYPES, _offices, bp, export_meta, threshold
from bureau.web.common import audit, stats_export
from bureau.web.common.labels import PREVIOUS, RECOMMENDATION_STATUS, Labels
from bureau.web.common.loaders import stats_query_or_404

KINDS = ("half", "year")


def _query(default: str = "half") -> StatsQuery:
    """Office and period from the query string: a half-year (default) or a year."""
    args = request.args.to_dict()
    if args.get("period") not in KINDS:
        args["period"] = default
    return stats_query_or_404(args)


def _board() -> tuple[StatsQuery, str, services.ServicesBoard]:
    """The query, the grouping (`group`: service or department) and the board they ask for."""
    query = _query()
    group = request.args.get("group", "service")
    group = group if group in services.GROUPS else "service"
    return query, group, services.board([query.office.id], query.period, k=threshold(), group=group)


@bp.get("/services")
@requires("stats.view")
@from_replica
def services_view():
    query, group, board = _board()
    return render_template(
        "commission/services.html",
        board=board,
        query=query,
        group=group,
        labels=Labels([query.office.id]),
        offices=_offices(),
    )


@bp.get("/services.<kind>")
@requires("stats.export")
@from_replica
def services_export(kind: str):
    if kind not in EXPORT_TYPES:
        abort(404)
    query, group, board = _board()
    tables = {table.key: table for table in board.tables.values()}
    audit.log("stats.export", office_id=query.office.id, format=kind, table=f"{group}s")
    return _download(kind, tables, query, _("услуги"), indicators=stats_export.service_lines(board))


@bp.get("/monitoring")
@requires("stats.view")
@from_replica
def monitoring_report():
    query = _query()
    report = monitoring.report(query.office, query.period, k=threshold())
    return render_template(
        "commission/monitoring.html",
        report=report,
        query=query,
        labels=Labels([query.office.id]),
        offices=_offices(),
        statuses=RECOMMENDATION_STATUS,
        today=sofia_today(),
    )


@bp.get("/monitoring.<kind>")
@requires("stats.export")
@from_replica
def monitoring_export(kind: str):
    if kind not in EXPORT_TYPES:
        abort(404)
    query = _query()
    report = monitoring.report(query.office, query.period, k=threshold())
    tables = {t.key: t for t in report.current.tables.values()}
    tables.update({t.key: t for t in report.departments.tables.values()})
    for name in ("problems", "ratings"):
        table = report.before.tables[name]
        tables[table.key + PREVIOUS] = table
    audit.log("stats.export", office_id=query.office.id, format=kind, table="monitoring")
    extra = {
        "indicators": stats_export.service_lines(report.current, report.before),
        "recommendations": [
            {
                "id": change.recommendation.id,
                "title": change.recommendation.title,
                "status": change.recommendation.status,
                "submitted_on": change.recommendation.submitted_on.isoformat(),
                "service": report.current.services[change.service].code,
                "before_period": change.before_period.as_dict(),
                "before": stats_export.line_json(change.before),
                "now": stats_export.line_json(change.now),
            }
            for change in report.changes
        ],
        "method": {
            "cases": report.cases.as_json(),
            "about_services": report.about_services.as_json(),
            "ratings": report.ratings.as_json(),
            "previous_period": report.previous.as_dict(),
        },
    }
    return _download(kind, tables, query, _("мониторинг на услугите"), **extra)


def _download(kind: str, tables: dict, query: StatsQuery, words: str, **extra):
    labels = Labels([query.office.id])
    meta = {**export_meta(query, threshold()), "filters": {}}
    if kind == "json":
        response = jsonify({**stats_export.document(tables, labels, meta=meta), **extra})
    else:
        write = stats_export.excel_csv if kind == "csv" else stats_export.xlsx_bytes
        response = Response(write(tables, labels, meta=meta), content_type=EXPORT_TYPES[kind])
    response.headers.update(stats_export.download(words, query.office.code, query.period, kind))
    return response
