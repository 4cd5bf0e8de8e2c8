"""What recommendations stand on, under /commission: approved evidence from casework (the
vignettes, never the cases) and statistics tables frozen as they were shown."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain import DomainError, NotFound, taxonomy
from bureau.domain.recommendations import evidence, frozen
from bureau.domain.statistics.query import StatsQuery
from bureau.models import EvidenceProblem
from bureau.permissions import requires
from bureau.web.commission.views import _board, bp, export_meta
from bureau.web.common import audit, stats_export
from bureau.web.common.labels import TITLES, Labels, period_label
from bureau.web.common.loaders import stats_query_or_404

# The fields a frozen table's form sends besides the statistics query.
OWN_FIELDS = ("csrf_token", "table", "title")


@bp.get("/evidence/", endpoint="evidence_list")
@requires("stats.view")
def evidence_list():
    """Approved vignettes of the office, by category and problem: nothing else of a case."""
    query = stats_query_or_404(request.args)
    category = request.args.get("category", "")
    problem = request.args.get("problem", "")
    codes = {c.code for c in taxonomy.categories(active_only=False, subcategories=False)}
    category = category if category in codes else ""
    problem = problem if problem in {p.value for p in EvidenceProblem} else ""
    items = evidence.approved(query.office.id, category=category or None, problem=problem or None)
    return render_template(
        "commission/evidence.html",
        items=items,
        query=query,
        category=category,
        problem=problem,
        labels=Labels([query.office.id]),
        categories=taxonomy.categories(active_only=False, subcategories=False),
        problems=[p.value for p in EvidenceProblem],
    )


@bp.post("/views/")
@requires("recommendation.edit")
def freeze_view():
    """Keep one of the dashboard's tables, as the dashboard shows it for the query."""
    args = {k: v for k, v in request.form.items() if k not in OWN_FIELDS}
    query = stats_query_or_404(args)
    key = request.form.get("table", "")
    board = _board(query)
    if key not in board.tables or query.error:
        abort(400)
    labels = Labels([query.office.id])
    meta = export_meta(query, board.threshold)
    document = stats_export.document({key: board.tables[key]}, labels, meta=meta)
    title = request.form.get("title", "").strip() or _title(key, query, labels)
    try:
        frozen.freeze(
            query.office.id,
            title=title[:200],
            table=key,
            args=query.url_args(),
            document=document,
            actor=current_user,
        )
    except DomainError as refused:
        flash(str(refused.message), "danger")
        return redirect(url_for(".dashboard", **query.url_args()), 303)
    flash(_("Таблицата е запазена и може да се цитира в препоръка."), "success")
    return redirect(url_for(".saved_views"), 303)


@bp.get("/views/")
@requires("stats.view")
def saved_views():
    query = stats_query_or_404(request.args)
    views = frozen.of_office(query.office.id)
    cited = {view.id for view in views if frozen.cited_by(view)}
    return render_template("commission/views.html", views=views, query=query, cited=cited)


@bp.post("/views/<int:view_id>/delete")
@requires("recommendation.edit")
def delete_view(view_id: int):
    try:
        view = frozen.get(current_user.office_id, view_id)
        frozen.remove(view)
    except NotFound:
        abort(404)
    except DomainError as refused:
        flash(str(refused.message), "warning")
        return redirect(url_for(".saved_views"), 303)
    audit.log("stats.unfreeze", office_id=view.office_id, table=view.table)
    flash(_("Таблицата е изтрита."), "success")
    return redirect(url_for(".saved_views"), 303)


def _title(key: str, query: StatsQuery, labels: Labels) -> str:
    """ "Запитвания по категории · 01.01.2026 – 31.12.2026 · Кресна" and the filters."""
    parts = [str(TITLES.get(key, key)), period_label(query.period.start, query.period.end)]
    chosen = {k: v for k, v in query.filters.as_dict().items() if v}
    parts += [f"{what}: {which}" for what, which in labels.filters(chosen)]
    return " · ".join(str(p) for p in parts if p)
