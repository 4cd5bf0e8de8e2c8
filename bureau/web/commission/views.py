"""The advisory commission's statistics: dashboard, exports, quarterly report, network view.

Anonymised figures only: every view reads bureau.domain.statistics, whose tables are
suppressed before they get here. No page of this blueprint touches a case or a citizen.
"""

import click
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from bureau.database import from_replica
from bureau.domain import recommendations, statistics
from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import discussion, plans
from bureau.domain.statistics import Filters, cube, funder, services
from bureau.domain.statistics.query import PERIOD_KINDS, StatsQuery
from bureau.extensions import db
from bureau.permissions import requires
from bureau.web.common import audit, stats_export
from bureau.web.common.charts import template_helpers
from bureau.web.common.labels import RECOMMENDATION_STATUS, Labels
from bureau.web.common.loaders import stats_query_or_404

bp = Blueprint("commission", __name__, url_prefix="/commission")
bp.context_processor(template_helpers)

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def threshold() -> int:
    return current_app.config["SUPPRESSION_THRESHOLD"]


def _board(query: StatsQuery) -> statistics.Dashboard:
    return statistics.dashboard(
        [query.office.id], query.period, query.filters, k=threshold(), today=sofia_today()
    )


@bp.get("/")
@requires("stats.view")
@from_replica
def dashboard():
    query = stats_query_or_404(request.args)
    board = _board(query)
    today = sofia_today()
    return render_template(
        "commission/dashboard.html",
        board=board,
        query=query,
        labels=Labels([query.office.id]),
        offices=_offices(),
        kinds=PERIOD_KINDS,
        freeze=True,
        overdue_actions=plans.overdue_actions(query.office.id, today),
        due_reviews=plans.due_reviews(query.office.id, today),
        waiting_comments=discussion.waiting(query.office.id),
        today=today,
    )


@bp.get("/export.<kind>")
@requires("stats.export")
@from_replica
def export(kind: str):
    if kind not in EXPORT_TYPES:
        abort(404)
    query = stats_query_or_404(request.args)
    board = _board(query)
    tables = board.tables
    if (key := request.args.get("table")) is not None:
        if key not in tables:
            abort(404)
        tables = {key: tables[key]}
    labels = Labels([query.office.id])
    meta = export_meta(query, board.threshold)
    audit.log("stats.export", office_id=query.office.id, format=kind, table=key or "all")
    if kind == "json":
        meta["comparison"] = {  # which months the change sets side by side, as the page says
            "months": board.compared.as_dict() if board.compared else None,
            "with": board.previous.as_dict() if board.previous else None,
        }
        body = stats_export.document(tables, labels, meta=meta, figures=board.figures)
        response = jsonify(body)
    else:
        write = stats_export.excel_csv if kind == "csv" else stats_export.xlsx_bytes
        response = Response(write(tables, labels, meta=meta), content_type=EXPORT_TYPES[kind])
    response.headers.update(
        stats_export.download(_("статистика"), query.office.code, query.period, kind, key)
    )
    return response


FUNDER_NOTE = _l(
    "Всяко запитване се брои като едно участие: статистическите записи не съдържат "
    "идентификатор на лицето, затова човек, потърсил бюрото няколко пъти, се брои няколко пъти."
)


@bp.get("/funder")
@requires("stats.export")
@from_replica
def funder_report():
    """The funder's (ESF+) participant tables for the period: sex, age, disadvantaged."""
    query = stats_query_or_404(request.args)
    tables = funder.funder_report(query.office.id, query.period, k=threshold())
    return render_template(
        "commission/funder.html",
        tables=tables,
        query=query,
        labels=Labels([query.office.id]),
        offices=_offices(),
        kinds=PERIOD_KINDS,
        note=FUNDER_NOTE,
    )


@bp.get("/funder.<kind>")
@requires("stats.export")
@from_replica
def funder_export(kind: str):
    if kind not in ("csv", "xlsx"):
        abort(404)
    query = stats_query_or_404(request.args)
    tables = funder.funder_report(query.office.id, query.period, k=threshold())
    labels = Labels([query.office.id])
    # The report is for the whole office: no settlement or other filter applies.
    meta = {**export_meta(query, threshold()), "filters": {}, "note": str(FUNDER_NOTE)}
    audit.log("stats.export", office_id=query.office.id, format=kind, table="funder")
    write = stats_export.excel_csv if kind == "csv" else stats_export.xlsx_bytes
    response = Response(write(tables, labels, meta=meta), content_type=EXPORT_TYPES[kind])
    words = _("отчет за финансиращия орган")
    response.headers.update(stats_export.download(words, query.office.code, query.period, kind))
    return response


def export_meta(query: StatsQuery, k: int) -> dict:
    return {
        "threshold": k,
        "adjustment": stats_export.ADJUSTMENT,
        "office": {"code": query.office.code, "name": query.office.name},
        "period": query.period.as_dict(),
        "filters": query.filters.as_dict(),
    }


@bp.get("/report")
@requires("stats.view")
@from_replica
def report():
    """The quarterly report for the council's agenda: figures, charts, tables, recommendations."""
    today = sofia_today()
    args = request.args.to_dict()
    args.setdefault("quarter", str((today.month - 1) // 3 + 1))
    query = stats_query_or_404({**args, "period": "quarter"}, today)
    board = statistics.dashboard(
        [query.office.id], query.period, Filters(), k=threshold(), today=today
    )
    return render_template(
        "commission/report.html",
        board=board,
        query=query,
        labels=Labels([query.office.id]),
        recommendations=recommendations.of_period(query.office, query.period),
        statuses=RECOMMENDATION_STATUS,
        today=today,
    )


@bp.get("/network")
@requires("stats.network")
@from_replica
def network():
    """Offices side by side, every cell suppressed for the threshold (every office: an
    `office` in the address chooses nothing here)."""
    query = stats_query_or_404({k: v for k, v in request.args.items() if k != "office"})
    offices = _offices()
    ids = [o.id for o in offices]
    tables = statistics.network(ids, query.period, k=threshold())
    tables.update(services.network(ids, query.period, k=threshold()))
    return render_template(
        "commission/network.html",
        tables=tables,
        query=query,
        labels=Labels([o.id for o in offices]),
        kinds=PERIOD_KINDS,
    )


def _offices():
    from bureau.domain.offices import list_offices

    return list_offices()


@bp.cli.command("rebuild-summary")
@click.option("--office", "office_code", help="Office code (default: every office).")
def rebuild_summary(office_code):
    """Recount the monthly statistics summary from the StatRecords (after bulk loads)."""
    chosen = [o for o in _offices() if office_code in (None, o.code)]
    if not chosen:
        raise click.ClickException(f"No office with code {office_code}.")
    months = cube.rebuild_all([o.id for o in chosen])
    db.session.commit()
    click.echo(f"Recounted {months} office-months.")
